#!/usr/bin/env python3
"""A small HTTP/1.1 server on 127.0.0.1 for the aws module's transport tests.

Usage: loopback_http_server.py PORT [CERT KEY]   (with CERT and KEY it speaks TLS)
Keep-alive is on, so clients can reuse connections. Routes:
  any  /echo...          -> JSON {method, target, headers, body_bytes, connection}
  PUT|POST /upload       -> reads the body in 1 MiB chunks: JSON {bytes, sha256}
  GET  /download?bytes=N -> N bytes, byte i = i % 251, written in 1 MiB chunks
  GET  /slow?ms=N        -> answers after N ms
  any  /status?code=N    -> status N with a small XML body
A request line with an absolute URL (as sent to a proxy) is answered like /echo.
"""
import hashlib
import http.server
import itertools
import json
import socketserver
import ssl
import sys
import time
import urllib.parse

_connection_ids = itertools.count(1)
PATTERN = bytes(i % 251 for i in range(251 * 4200))  # > 1 MiB, a whole number of periods


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self):
        super().setup()
        self.connection_id = next(_connection_ids)

    def log_message(self, *args):
        pass

    def _send(self, status, body, content_type="application/json"):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("x-amzn-RequestId", "req-%d" % self.connection_id)
        self.end_headers()
        self.wfile.write(body)

    def _read_body(self, hasher=None):
        remaining = int(self.headers.get("Content-Length", "0"))
        total = 0
        while remaining > 0:
            chunk = self.rfile.read(min(remaining, 1 << 20))
            if not chunk:
                break
            total += len(chunk)
            remaining -= len(chunk)
            if hasher:
                hasher.update(chunk)
        return total

    def _handle(self):
        parsed = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(parsed.query))
        route = parsed.path
        if self.path.startswith("http://") or route.startswith("/echo"):
            size = self._read_body()
            body = {"method": self.command, "target": self.path,
                    "headers": [[k, v] for k, v in self.headers.items()],
                    "body_bytes": size, "connection": self.connection_id}
            self._send(200, json.dumps(body).encode())
        elif route == "/upload":
            hasher = hashlib.sha256()
            size = self._read_body(hasher)
            self._send(200, json.dumps({"bytes": size, "sha256": hasher.hexdigest()}).encode())
        elif route == "/download":
            self._read_body()
            remaining = int(query.get("bytes", "0"))
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(remaining))
            self.end_headers()
            period = 251 * 4177  # a multiple of 251 just under 1 MiB keeps the pattern aligned
            while remaining > 0:
                n = min(remaining, period)
                self.wfile.write(PATTERN[:n])
                remaining -= n
        elif route == "/slow":
            self._read_body()
            time.sleep(int(query.get("ms", "1000")) / 1000.0)
            self._send(200, b"{}")
        elif route == "/status":
            self._read_body()
            code = int(query.get("code", "500"))
            self._send(code, b"<Error><Code>Test</Code><Message>status</Message></Error>",
                       "application/xml")
        else:
            self._read_body()
            self._send(404, b"{}")

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = do_PATCH = _handle


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    server = Server(("127.0.0.1", int(sys.argv[1])), Handler)
    if len(sys.argv) >= 4:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(sys.argv[2], sys.argv[3])
        server.socket = context.wrap_socket(server.socket, server_side=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
