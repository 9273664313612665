"""An app factory in a package, as in Flask's tutorial."""
from flask import Flask


def create_app(test_config=None):
    app = Flask(__name__, instance_relative_config=True)

    @app.route("/")
    def index():
        return "hello from the flaskr factory\n"

    return app
