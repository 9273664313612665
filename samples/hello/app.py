"""A web app that needs nothing but the standard library."""
import os
import platform
from http.server import BaseHTTPRequestHandler, HTTPServer


class Hello(BaseHTTPRequestHandler):
    def do_GET(self):
        body = f"Hello from CPython {platform.python_version()}\n".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


if __name__ == "__main__":
    port = int(os.environ.get("PORT", "8080"))
    print(f"listening on 0.0.0.0:{port}", flush=True)
    HTTPServer(("0.0.0.0", port), Hello).serve_forever()
