"""Answers with facts about the running interpreter, for the integration tests."""
import json
import os
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer


class Facts(BaseHTTPRequestHandler):
    def do_GET(self):
        facts = {
            "version": ".".join(map(str, sys.version_info[:3])),
            "executable": sys.executable,
            "uid": os.getuid(),
            "unbuffered": os.environ.get("PYTHONUNBUFFERED"),
            "path": os.environ.get("PATH"),
        }
        body = json.dumps(facts).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


if __name__ == "__main__":
    HTTPServer(("0.0.0.0", int(os.environ.get("PORT", "8080"))), Facts).serve_forever()
