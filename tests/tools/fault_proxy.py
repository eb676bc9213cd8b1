#!/usr/bin/env python3
"""Loopback HTTP/1.1 reverse proxy that injects faults between an AWS client and moto_server.

Usage: fault_proxy.py PORT UPSTREAM_URL [--seed N] [--throttle F] [--server-error F]
                      [--reset F] [--reset-after F] [--permanent] [--path PREFIX]
                      [--script KIND,KIND,...]

PORT 0 picks a free port; the chosen port is printed as stdout's first line. Listens on
127.0.0.1 only and forwards only to a loopback upstream. For each request, a seeded random plan
decides (before anything is forwarded):
  --throttle F      answer locally with a throttling error (json: 400 ThrottlingException,
                    rest-json: 429 TooManyRequestsException, query: 400 Throttling XML,
                    rest-xml: 503 SlowDown XML);
  --server-error F  answer locally with 500 InternalFailure or 503 ServiceUnavailable;
  --reset F         close the connection (RST) without any response;
  --reset-after F   forward the request, wait for the upstream's response, then close the
                    connection (RST) instead of answering: the request took effect but the client
                    cannot know (the case that makes non-idempotent calls unsafe to resend);
  --permanent       every request answered with 503 ServiceUnavailable.
  --path PREFIX     faults apply only to requests whose path starts with PREFIX (for example
                    /v1/submitjob); the others are always forwarded.
  --script KINDS    the first requests (that --path selects) get these decisions in order, then
                    the random plan goes on; KIND is forward, throttle, server_error_500,
                    server_error_503, reset or reset_after.
Everything else is forwarded. GET /__proxy/stats returns JSON counts: received, forwarded,
faults by kind, forwards per request signature (method + path + sha256 of the body) and per path.
"""

import argparse
import hashlib
import http.client
import http.server
import json
import random
import socket
import struct
import sys
import threading
import urllib.parse

SCRIPT_KINDS = {"forward", "throttle", "server_error_500", "server_error_503", "reset",
                "reset_after"}
HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "te",
              "trailer", "upgrade", "content-length"}


class State:
    def __init__(self, args):
        self.lock = threading.Lock()
        self.random = random.Random(args.seed)
        self.args = args
        self.received = 0
        self.forwarded = 0
        self.faults = {"throttle": 0, "server_error": 0, "reset": 0, "reset_after": 0,
                       "permanent": 0}
        self.by_signature = {}
        self.by_path = {}
        self.script = [kind for kind in (args.script or "").split(",") if kind]
        for kind in self.script:
            if kind not in SCRIPT_KINDS:
                sys.exit("fault_proxy: unknown --script kind %r" % kind)

    def decide(self, path):
        with self.lock:
            self.received += 1
            if self.args.path and not path.startswith(self.args.path):
                return "forward"
            if self.script:
                kind = self.script.pop(0)
                fault = "server_error" if kind.startswith("server_error") else kind
                if fault in self.faults:
                    self.faults[fault] += 1
                return kind
            if self.args.permanent:
                self.faults["permanent"] += 1
                return "permanent"
            draw = self.random.random()
            for kind, fraction in (("throttle", self.args.throttle),
                                   ("server_error", self.args.server_error),
                                   ("reset", self.args.reset),
                                   ("reset_after", self.args.reset_after)):
                if draw < fraction:
                    self.faults[kind] += 1
                    if kind == "server_error":
                        return "server_error_500" if draw < fraction / 2 else "server_error_503"
                    return kind
                draw -= fraction
            return "forward"

    def count_forward(self, signature, path):
        with self.lock:
            self.forwarded += 1
            self.by_signature[signature] = self.by_signature.get(signature, 0) + 1
            path = path.split("?")[0]
            self.by_path[path] = self.by_path.get(path, 0) + 1

    def stats(self):
        with self.lock:
            counts = list(self.by_signature.values())
            return {
                "received": self.received,
                "forwarded": self.forwarded,
                "faults": dict(self.faults),
                "distinct_forwarded": len(counts),
                "max_forwards_per_signature": max(counts) if counts else 0,
                "forwards_by_signature": dict(self.by_signature),
                "forwarded_by_path": dict(self.by_path),
            }


def make_handler(state, upstream):
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def read_body(self):
            if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
                chunks = []
                while True:
                    line = self.rfile.readline()
                    size = int(line.split(b";")[0].strip() or b"0", 16)
                    if size == 0:
                        while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                            pass
                        return b"".join(chunks)
                    chunks.append(self.rfile.read(size))
                    self.rfile.readline()
            length = int(self.headers.get("Content-Length", "0") or "0")
            return self.rfile.read(length) if length > 0 else b""

        def reply(self, status, body, content_type, headers=()):
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("x-amzn-RequestId", "fault-proxy")
            for name, value in headers:
                self.send_header(name, value)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
            self.wfile.flush()

        def protocol(self):
            if self.headers.get("X-Amz-Target"):
                return "json"
            if "x-www-form-urlencoded" in self.headers.get("Content-Type", ""):
                return "query"
            if "json" in self.headers.get("Content-Type", ""):
                return "rest-json"
            return "rest-xml"

        def error(self, status, code, message):
            protocol = self.protocol()
            if protocol in ("json", "rest-json"):
                body = json.dumps({"__type": code, "message": message}).encode()
                self.reply(status, body, "application/x-amz-json-1.1",
                           [("x-amzn-ErrorType", code)])
            elif protocol == "query":
                body = ("<ErrorResponse><Error><Type>Sender</Type><Code>%s</Code>"
                        "<Message>%s</Message></Error><RequestId>fault-proxy</RequestId>"
                        "</ErrorResponse>" % (code, message)).encode()
                self.reply(status, body, "text/xml")
            else:
                body = ("<Error><Code>%s</Code><Message>%s</Message>"
                        "<RequestId>fault-proxy</RequestId></Error>" % (code, message)).encode()
                self.reply(status, body, "application/xml")

        def throttle(self):
            protocol = self.protocol()
            if protocol == "json":
                self.error(400, "ThrottlingException", "Rate exceeded (fault proxy)")
            elif protocol == "rest-json":
                self.error(429, "TooManyRequestsException", "Too many requests (fault proxy)")
            elif protocol == "query":
                self.error(400, "Throttling", "Rate exceeded (fault proxy)")
            else:
                self.error(503, "SlowDown", "Please reduce your request rate (fault proxy)")

        def reset(self):
            # SO_LINGER 0: close() sends RST instead of FIN.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                       struct.pack("ii", 1, 0))
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

        def handle_any(self):
            body = self.read_body()
            if self.path == "/__proxy/stats":
                self.reply(200, json.dumps(state.stats()).encode(), "application/json")
                return
            decision = state.decide(self.path)
            if decision == "throttle":
                self.throttle()
                return
            if decision == "server_error_500":
                self.error(500, "InternalFailure", "Injected internal failure (fault proxy)")
                return
            if decision == "server_error_503":
                self.error(503, "ServiceUnavailable", "Injected outage (fault proxy)")
                return
            if decision == "permanent":
                self.error(503, "ServiceUnavailable", "Permanent outage (fault proxy)")
                return
            if decision == "reset":
                self.reset()
                return
            signature = "%s %s %s" % (self.command, self.path, hashlib.sha256(body).hexdigest())
            state.count_forward(signature, self.path)
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
            headers["Content-Length"] = str(len(body))
            conn = http.client.HTTPConnection(upstream.hostname, upstream.port, timeout=60)
            try:
                conn.request(self.command, self.path, body=body, headers=headers)
                response = conn.getresponse()
                data = response.read()
                if decision == "reset_after":
                    self.reset()
                    return
                self.send_response(response.status, response.reason)
                for name, value in response.getheaders():
                    if name.lower() not in HOP_BY_HOP:
                        self.send_header(name, value)
                if self.command == "HEAD":
                    length = response.getheader("Content-Length")
                    if length is not None:
                        self.send_header("Content-Length", length)
                else:
                    self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)
                self.wfile.flush()
            finally:
                conn.close()

        do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = handle_any

    return Handler


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("port", type=int)
    parser.add_argument("upstream")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--throttle", type=float, default=0.0)
    parser.add_argument("--server-error", type=float, default=0.0)
    parser.add_argument("--reset", type=float, default=0.0)
    parser.add_argument("--reset-after", type=float, default=0.0)
    parser.add_argument("--permanent", action="store_true")
    parser.add_argument("--path", default="")
    parser.add_argument("--script", default="")
    args = parser.parse_args()
    upstream = urllib.parse.urlsplit(args.upstream)
    if upstream.hostname not in ("127.0.0.1", "localhost", "::1"):
        sys.exit("fault_proxy: upstream must be on loopback")
    state = State(args)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port),
                                             make_handler(state, upstream))
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
