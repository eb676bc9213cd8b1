#!/usr/bin/env python3
"""A small HTTP/1.1 server on 127.0.0.1 for the aws module's transport tests.

Usage: loopback_http_server.py PORT [CERT KEY]   (with CERT and KEY it speaks TLS)
Keep-alive is on, so clients can reuse connections. Routes:
  any  /echo...          -> JSON {method, target, headers, body_bytes, connection}
  PUT|POST /upload       -> reads the body in 1 MiB chunks: JSON {bytes, sha256}
  GET  /download?bytes=N -> N bytes, byte i = i % 251, written in 1 MiB chunks
  GET  /slow?ms=N        -> answers after N ms
  any  /status?code=N    -> status N with a small XML body
  POST /flaky/KEY/N/STATUS/CODE/ -> the first N requests for KEY fail with STATUS and error CODE
                          (JSON when the request's Content-Type says json, else STS-style XML),
                          later ones get {"ok": true} or an AssumeRole response
  POST /skewed/          -> this server's clock runs an hour ahead (Date header too): requests
                          whose X-Amz-Date is more than 5 min off get 403 RequestTimeTooSkewed
A request line with an absolute URL (as sent to a proxy) is answered like /echo.
"""
import calendar
import hashlib
import http.server
import itertools
import threading
import json
import socketserver
import ssl
import sys
import time
import urllib.parse

_connection_ids = itertools.count(1)
PATTERN = bytes(i % 251 for i in range(251 * 4200))  # > 1 MiB, a whole number of periods
FLAKY = {}
FLAKY_LOCK = threading.Lock()
SKEW_SECONDS = 3600
ASSUME_ROLE_XML = (
    b'<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>'
    b"<Credentials><AccessKeyId>ASIALOOPBACK</AccessKeyId><SecretAccessKey>s</SecretAccessKey>"
    b"<SessionToken>t</SessionToken><Expiration>2030-01-01T00:00:00Z</Expiration></Credentials>"
    b"</AssumeRoleResult><ResponseMetadata><RequestId>loop-rid</RequestId></ResponseMetadata>"
    b"</AssumeRoleResponse>")


def sts_error(code):
    return ("<ErrorResponse><Error><Type>Sender</Type><Code>%s</Code><Message>injected</Message>"
            "</Error><RequestId>err-rid</RequestId></ErrorResponse>" % code).encode()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self):
        super().setup()
        self.connection_id = next(_connection_ids)

    date_offset = 0

    def log_message(self, *args):
        pass

    def date_time_string(self, timestamp=None):
        return super().date_time_string(time.time() + self.date_offset)

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
        elif route.startswith("/flaky/"):
            self._read_body()
            _, key, fails, status, code = route.strip("/").split("/")[:5]
            with FLAKY_LOCK:
                seen = FLAKY.get(key, 0)
                FLAKY[key] = seen + 1
            json_protocol = "json" in self.headers.get("Content-Type", "")
            if seen < int(fails) and json_protocol:
                body = {"__type": "com.amazonaws.test#" + code, "message": "injected"}
                self._send(int(status), json.dumps(body).encode(), "application/x-amz-json-1.1")
            elif seen < int(fails):
                self._send(int(status), sts_error(code), "text/xml")
            elif json_protocol:
                self._send(200, b'{"ok": true}', "application/x-amz-json-1.1")
            else:
                self._send(200, ASSUME_ROLE_XML, "text/xml")
        elif route.startswith("/skewed/"):
            self._read_body()
            self.date_offset = SKEW_SECONDS
            signed = calendar.timegm(time.strptime(self.headers.get("X-Amz-Date", ""),
                                                   "%Y%m%dT%H%M%SZ"))
            if abs(signed - (time.time() + SKEW_SECONDS)) > 300:
                self._send(403, sts_error("RequestTimeTooSkewed"), "text/xml")
            else:
                self._send(200, ASSUME_ROLE_XML, "text/xml")
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
