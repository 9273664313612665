"""Validates SBOM documents with each format's own tooling: CycloneDX JSON
with cyclonedx-python-lib's strict JSON-schema validator, SPDX 2.3 JSON with
the SPDX project's spdx-tools (parse, then validate every rule). Prints one
line per problem and exits 1 when there is any.

    python validate.py FILE...
"""
import sys

from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator
from spdx_tools.spdx.parser.parse_anything import parse_file
from spdx_tools.spdx.validation.document_validator import validate_full_spdx_document

VERSIONS = {"1.5": SchemaVersion.V1_5, "1.6": SchemaVersion.V1_6, "1.7": SchemaVersion.V1_7}


def main(paths):
    problems = 0
    for path in paths:
        if path.endswith(".cdx.json"):
            import json

            with open(path) as f:
                text = f.read()
            version = VERSIONS[json.loads(text)["specVersion"]]
            error = JsonStrictValidator(version).validate_str(text)
            if error is not None:
                problems += 1
                print(f"{path}: {error}")
        elif path.endswith(".spdx.json"):
            try:
                document = parse_file(path)
            except Exception as e:  # the parser reports what it cannot read
                problems += 1
                print(f"{path}: {e}")
                continue
            for message in validate_full_spdx_document(document):
                problems += 1
                print(f"{path}: {message.validation_message} ({message.context})")
        else:
            problems += 1
            print(f"{path}: not a .cdx.json or .spdx.json file")
    print(f"{len(paths)} documents, {problems} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
