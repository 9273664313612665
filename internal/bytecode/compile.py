"""Make every .py file under the given directories have bytecode that stays
valid in an image: unchecked-hash .pyc files, which Python never compares
with their source. A .pyc already there (as distributions ship them) that
matches its source is converted in place, which is much faster than
compiling; the others are compiled, in parallel.

    python compile.py SKIP_REGEX [--drop-optimized] DIR...

SKIP_REGEX matches paths not to compile. --drop-optimized deletes the
.opt-1/.opt-2 files, which only python -O and -OO read. Files that do not
compile are listed on stderr, and the exit status is then 1."""

import importlib.util
import multiprocessing
import os
import py_compile
import re
import sys
from concurrent.futures import ProcessPoolExecutor

MAGIC = importlib.util.MAGIC_NUMBER
UNCHECKED = (0b01).to_bytes(4, "little")


def convert(source, pyc):
    """Rewrite a valid .pyc's header to unchecked-hash; False if there is
    none or it does not match its source."""
    try:
        with open(pyc, "r+b") as fh:
            head = fh.read(16)
            if len(head) < 16 or head[:4] != MAGIC:
                return False
            flags = int.from_bytes(head[4:8], "little")
            if flags == 0b01:
                return True
            with open(source, "rb") as src:
                data = src.read()
            digest = importlib.util.source_hash(data)
            if flags == 0:
                mtime = int(os.stat(source).st_mtime) & 0xFFFFFFFF
                if head[8:12] != mtime.to_bytes(4, "little") or head[12:16] != (len(data) & 0xFFFFFFFF).to_bytes(4, "little"):
                    return False
            elif head[8:16] != digest:
                return False
            fh.seek(0)
            fh.write(MAGIC + UNCHECKED + digest)
            return True
    except OSError:
        return False


def compile_one(source):
    try:
        py_compile.compile(source, doraise=True, invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
        return None
    except (py_compile.PyCompileError, OSError, UnicodeError) as err:
        return "%s: %s" % (source, str(err).strip().splitlines()[-1] if str(err).strip() else type(err).__name__)


def main(argv):
    skip = re.compile(argv[0])
    drop = "--drop-optimized" in argv[1:]
    dirs = [d for d in argv[1:] if d != "--drop-optimized"]
    todo, converted = [], 0
    for top in dirs:
        for root, subdirs, files in os.walk(top):
            if skip.search(root + os.sep):
                subdirs[:] = []
                continue
            if os.path.basename(root) == "__pycache__":
                if drop:
                    for name in files:
                        if ".opt-1.pyc" in name or ".opt-2.pyc" in name:
                            os.remove(os.path.join(root, name))
                continue
            for name in files:
                if not name.endswith(".py"):
                    continue
                source = os.path.join(root, name)
                if convert(source, importlib.util.cache_from_source(source, optimization="")):
                    converted += 1
                else:
                    todo.append(source)
    results = None
    if len(todo) > 64:
        # fork: this script runs with -c, which spawned workers could not
        # import again (forkserver is the default from Python 3.14)
        try:
            with ProcessPoolExecutor(mp_context=multiprocessing.get_context("fork")) as pool:
                results = list(pool.map(compile_one, todo, chunksize=32))
        except Exception as err:  # no working process pool: compile here
            print("compiling in one process (%s)" % type(err).__name__)
    if results is None:
        results = [compile_one(source) for source in todo]
    errors = [e for e in results if e]
    print("converted %d, compiled %d, failed %d" % (converted, len(todo) - len(errors), len(errors)))
    for error in errors[:20]:
        print("did not compile: " + error, file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
