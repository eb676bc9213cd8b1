#!/usr/bin/env python3
"""Loopback EC2 instance metadata (IMDSv2) and container credentials endpoint for tests.

Usage: metadata_server.py PORT CONTAINER_TOKEN EXPIRES_IN_SECONDS
IMDSv2: PUT /latest/api/token (needs X-aws-ec2-metadata-token-ttl-seconds) returns a token that
every GET under /latest/ must carry in X-aws-ec2-metadata-token (else 401).
  /latest/meta-data/iam/security-credentials/           -> "test-role"
  /latest/meta-data/iam/security-credentials/test-role  -> credentials JSON
  /latest/meta-data/placement/region                    -> "eu-west-3"
Container: GET /container/creds needs "Authorization: CONTAINER_TOKEN" -> credentials JSON.
GET /stats -> request counts; POST /rotate -> invalidates issued IMDS tokens.
Credentials expire EXPIRES_IN_SECONDS after they are issued; key ids count up (IMDSKEY1, ...).
"""
import datetime
import http.server
import json
import socketserver
import sys
import threading

STATE = {"token_puts": 0, "credential_gets": 0, "container_gets": 0, "tokens": set()}
LOCK = threading.Lock()


def credentials(prefix, count, token_key):
    expires = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(
        seconds=int(sys.argv[3]))
    return {"Code": "Success", "Type": "AWS-HMAC", "AccessKeyId": "%s%d" % (prefix, count),
            "SecretAccessKey": "secret", token_key: "session-%d" % count,
            "Expiration": expires.strftime("%Y-%m-%dT%H:%M:%SZ")}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _send(self, status, body):
        data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_PUT(self):
        if self.path != "/latest/api/token":
            return self._send(404, "")
        ttl = self.headers.get("X-aws-ec2-metadata-token-ttl-seconds")
        if not ttl or not ttl.isdigit():
            return self._send(400, "missing ttl")
        with LOCK:
            STATE["token_puts"] += 1
            token = "imds-token-%d" % STATE["token_puts"]
            STATE["tokens"].add(token)
        self._send(200, token)

    def do_POST(self):
        if self.path == "/rotate":
            with LOCK:
                STATE["tokens"].clear()
            return self._send(200, "")
        self._send(404, "")

    def do_GET(self):
        if self.path == "/stats":
            with LOCK:
                stats = {k: v for k, v in STATE.items() if k != "tokens"}
            return self._send(200, stats)
        if self.path == "/container/creds":
            if self.headers.get("Authorization") != sys.argv[2]:
                return self._send(403, "bad token")
            with LOCK:
                STATE["container_gets"] += 1
                count = STATE["container_gets"]
            return self._send(200, credentials("CONTAINERKEY", count, "Token"))
        if not self.path.startswith("/latest/"):
            return self._send(404, "")
        with LOCK:
            valid = self.headers.get("X-aws-ec2-metadata-token") in STATE["tokens"]
        if not valid:
            return self._send(401, "")
        base = "/latest/meta-data/iam/security-credentials/"
        if self.path == base:
            return self._send(200, "test-role")
        if self.path == base + "test-role":
            with LOCK:
                STATE["credential_gets"] += 1
                count = STATE["credential_gets"]
            return self._send(200, credentials("IMDSKEY", count, "Token"))
        if self.path == "/latest/meta-data/placement/region":
            return self._send(200, "eu-west-3")
        self._send(404, "")


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


if __name__ == "__main__":
    Server(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
