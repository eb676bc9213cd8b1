#!/usr/bin/env python3
"""A loopback stand-in for AWS's Price List endpoints (moto has no Pricing), for cost tests.

Usage: price_list_server.py PORT DIR
  GET  /offers/...          -> the file DIR/offers/... (region_index.json, offer files), sent in
                               1 MiB writes; 404 (AWS-style XML) when missing
  POST / with X-Amz-Target AWSPriceListService.GetProducts
                            -> DIR/get-products/<NextToken or "first">.json; every request body
                               is appended as one line to DIR/get-products/requests.log
The files are real-format responses the test writes; the server only routes.
"""
import http.server
import json
import os
import socketserver
import sys

ROOT = ""


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _send(self, status, body, content_type):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("x-amzn-RequestId", "price-list-loopback")
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        path = os.path.normpath(os.path.join(ROOT, self.path.split("?")[0].lstrip("/")))
        if not path.startswith(os.path.join(ROOT, "offers")) or not os.path.isfile(path):
            self._send(404, b"<Error><Code>NoSuchKey</Code><Message>no such file</Message></Error>",
                       "application/xml")
            return
        size = os.path.getsize(path)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(size))
        self.end_headers()
        with open(path, "rb") as f:
            while True:
                chunk = f.read(1 << 20)
                if not chunk:
                    break
                self.wfile.write(chunk)

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        target = self.headers.get("X-Amz-Target", "")
        if target != "AWSPriceListService.GetProducts":
            self._send(400, b'{"__type":"UnknownOperationException","message":"unknown target"}',
                       "application/x-amz-json-1.1")
            return
        folder = os.path.join(ROOT, "get-products")
        with open(os.path.join(folder, "requests.log"), "ab") as log:
            log.write(body.replace(b"\n", b" ") + b"\n")

        token = json.loads(body or b"{}").get("NextToken") or "first"
        page = os.path.join(folder, os.path.basename(token) + ".json")
        if not os.path.isfile(page):
            self._send(400, b'{"__type":"InvalidNextTokenException","message":"bad token"}',
                       "application/x-amz-json-1.1")
            return
        with open(page, "rb") as f:
            self._send(200, f.read(), "application/x-amz-json-1.1")


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    global ROOT
    port = int(sys.argv[1])
    ROOT = os.path.abspath(sys.argv[2])
    Server(("127.0.0.1", port), Handler).serve_forever()


if __name__ == "__main__":
    main()
