#!/usr/bin/env python3
"""Replays recorded AWS Batch responses on 127.0.0.1, for lifecycle tests moto cannot give
(moto finishes every job inside SubmitJob).

Usage: batch_replay_server.py PORT SCENARIO.json

SCENARIO is a JSON object: {"describejobs": [RESPONSE, RESPONSE, ...]}. Each DescribeJobs call
(POST /v1/describejobs) gets the next response in turn, the last one again once they run out;
each returned job list is filtered to the ids the request asked for, so one recorded response
can hold many jobs. CancelJob and TerminateJob (POST /v1/canceljob, /v1/terminatejob) answer {}.
GET /calls returns every call made so far: [{"path": ..., "body": ...}, ...].
POST /scenario replaces the scenario and restarts it.
"""
import http.server
import json
import socketserver
import sys
import threading

LOCK = threading.Lock()
STATE = {"scenario": {}, "next": 0, "calls": []}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, payload):
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("x-amzn-RequestId", "replay-%d" % len(STATE["calls"]))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path == "/calls":
            with LOCK:
                self.reply(200, STATE["calls"])
        else:
            self.reply(404, {"message": "no route " + self.path})

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(length) if length else b"{}"
        body = json.loads(raw or b"{}")
        path = self.path.rstrip("/")
        with LOCK:
            if path == "/scenario":
                STATE["scenario"] = body
                STATE["next"] = 0
                STATE["calls"] = []
                self.reply(200, {})
                return
            STATE["calls"].append({"path": path, "body": body})
            if path == "/v1/describejobs":
                responses = STATE["scenario"].get("describejobs", [{"jobs": []}])
                index = min(STATE["next"], len(responses) - 1)
                STATE["next"] += 1
                wanted = set(body.get("jobs", []))
                jobs = [j for j in responses[index].get("jobs", []) if j.get("jobId") in wanted]
                self.reply(200, {"jobs": jobs})
            elif path in ("/v1/canceljob", "/v1/terminatejob"):
                self.reply(200, {})
            else:
                self.reply(400, {"__type": "ClientException", "message": "not replayed: " + path})


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    port = int(sys.argv[1])
    with open(sys.argv[2]) as f:
        STATE["scenario"] = json.load(f)
    Server(("127.0.0.1", port), Handler).serve_forever()


if __name__ == "__main__":
    main()
