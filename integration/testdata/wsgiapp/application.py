"""A WSGI app without a framework, exposing `application` as Django and mod_wsgi do."""
import os


def application(environ, start_response):
    body = f"hello from application.py as uid {os.getuid()}\n".encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
