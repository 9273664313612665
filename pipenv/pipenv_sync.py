# Runs Pipenv for the buildpack: checks that Pipfile.lock matches the Pipfile
# (PIPENV_PIPFILE), as `pipenv install --deploy` does, then installs exactly
# what the lock pins with `pipenv sync` (its arguments follow).
#
# The check accepts the Pipfile's hash as this Pipenv computes it (package
# names in canonical form) and as Pipenv computed it before that change
# (names as the Pipfile writes them, "Flask"), so that a lock an older Pipenv
# wrote installs as it did there. A Pipfile without [[source]] is hashed
# both with Pipenv's default index and with the one pip's configuration
# gives, as Pipenv does. A lock that matches none is out of date: this says
# so and exits with 1, before installing anything.
import hashlib
import json
import os
import sys

from pipenv.patched.pip._vendor.packaging.utils import canonicalize_name
from pipenv.vendor import plette

SECTIONS = {"source", "packages", "dev-packages", "requires", "scripts", "pipfile", "pipenv", "default", "develop"}


def pipfile_hash(path, canonical):
    with open(path) as f:
        data = plette.Pipfile.load(f)._data

    def names(section):
        return {canonicalize_name(k) if canonical else k: v for k, v in section.items()}

    doc = {
        "_meta": {"sources": data.get("source", {}), "requires": data.get("requires", {})},
        "default": names(data.get("packages", {})),
        "develop": names(data.get("dev-packages", {})),
    }
    for category, values in data.items():
        if category not in SECTIONS:
            doc[category] = names(values)
    content = json.dumps(doc, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


def main():
    pipfile = os.environ["PIPENV_PIPFILE"]
    with open(pipfile + ".lock") as f:
        locked = json.load(f).get("_meta", {}).get("hash", {}).get("sha256", "")

    # with plette's default index for a Pipfile without [[source]], then with
    # Pipenv's, which creating a Project sets from pip's configuration
    current = {pipfile_hash(pipfile, canonical=True)}
    older = {pipfile_hash(pipfile, canonical=False)}
    from pipenv.project import Project

    Project(chdir=False)
    current.add(pipfile_hash(pipfile, canonical=True))
    older.add(pipfile_hash(pipfile, canonical=False))
    if locked not in current | older:
        print(f"Pipfile.lock ({locked[-6:] or 'no hash'}) is out of date: it does not match the Pipfile "
              f"({sorted(current)[0][-6:]}). Run `pipenv lock` and commit Pipfile.lock.", flush=True)
        return 1
    if locked not in current:
        print("Pipfile.lock matches the Pipfile as Pipenv hashed it before it compared package names in "
              "canonical form (a lock an older Pipenv wrote)", flush=True)

    from pipenv import cli

    sys.argv = ["pipenv"] + sys.argv[1:]
    return cli()


sys.exit(main())
