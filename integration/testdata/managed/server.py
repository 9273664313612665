"""Answers with the distributions the app's environment holds and what the
local package greet says, for the package-manager integration tests."""
import json
import os
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer
from importlib import metadata


class Facts(BaseHTTPRequestHandler):
    def do_GET(self):
        try:
            import greet

            message = greet.MESSAGE
        except ImportError:
            message = None
        facts = {
            "packages": sorted(
                "%s==%s" % (d.metadata["Name"].lower().replace("_", "-"), d.version)
                for d in metadata.distributions()
            ),
            "greet": message,
            "prefix": sys.prefix,
            "version": ".".join(map(str, sys.version_info[:3])),
        }
        body = json.dumps(facts).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


if __name__ == "__main__":
    HTTPServer(("0.0.0.0", int(os.environ.get("PORT", "8080"))), Facts).serve_forever()
