"""A Flask app for the integration tests: answers with what it imported from where."""
import os
import sys

import flask

app = Flask = flask.Flask(__name__)


@app.route("/")
def index():
    return {
        "flask": flask.__version__ if hasattr(flask, "__version__") else "unknown",
        "flask_file": flask.__file__,
        "prefix": sys.prefix,
        "virtual_env": os.environ.get("VIRTUAL_ENV"),
        "version": ".".join(map(str, sys.version_info[:3])),
        "uid": os.getuid(),
    }


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=int(os.environ.get("PORT", "8000")))
