"""Compile each Python file named, never running it, and print one JSON
object per file that does not compile: file, line, offset, text, msg, type.

    python -I checksyntax.py FILE...

Warnings (an invalid escape sequence, say) are not failures."""

import json
import sys
import warnings


def main(files):
    warnings.simplefilter("ignore")
    for path in files:
        with open(path, "rb") as f:
            source = f.read()
        try:
            compile(source, path, "exec", dont_inherit=True)
        except SyntaxError as err:  # IndentationError and TabError too
            print(json.dumps({"file": path, "line": err.lineno or 0, "offset": err.offset or 0,
                              "text": (err.text or "").rstrip("\n"), "msg": err.msg, "type": type(err).__name__}))
        except ValueError as err:  # source code string cannot contain null bytes
            print(json.dumps({"file": path, "line": 0, "offset": 0, "text": "", "msg": str(err), "type": type(err).__name__}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
