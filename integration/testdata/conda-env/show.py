import os, sys
import six

print(six.__file__, os.environ.get("CONDA_PREFIX"), sys.executable)
