#!/usr/bin/env python3
"""Signs requests with botocore so aws-hpc's SigV4 signer can be compared with it.

Usage: botocore_sign.py INPUT.json OUTPUT.json
INPUT: {"access_key", "secret_key", "token", "time": "2015-08-30T12:36:00Z",
        "requests": [{"service", "region", "method", "url", "headers": [[name, value]], "body",
                      "s3": bool, "unsigned_payload": bool, "presign_expires": int or 0}]}
OUTPUT: [{"authorization": str, "url": str, "content_sha256": str}] in the same order.
The signing time is fixed by replacing botocore.auth.get_current_datetime.
"""
import datetime
import json
import sys

try:
    import botocore.auth
    from botocore.awsrequest import AWSRequest
    from botocore.config import Config
    from botocore.credentials import Credentials
except ImportError:
    sys.exit("botocore is missing: install the Debian package python3-botocore")


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        spec = json.load(f)
    now = datetime.datetime.strptime(spec["time"], "%Y-%m-%dT%H:%M:%SZ")
    botocore.auth.get_current_datetime = lambda *args, **kwargs: now
    creds = Credentials(spec["access_key"], spec["secret_key"], spec.get("token") or None)
    results = []
    for r in spec["requests"]:
        request = AWSRequest(method=r["method"], url=r["url"], data=r.get("body", "").encode())
        for name, value in r.get("headers", []):
            request.headers[name] = value
        if r.get("unsigned_payload"):
            request.context["client_config"] = Config(s3={"payload_signing_enabled": False})
            request.context["payload_signing_enabled"] = False
        expires = r.get("presign_expires", 0)
        if expires:
            cls = botocore.auth.S3SigV4QueryAuth if r.get("s3") else botocore.auth.SigV4QueryAuth
            signer = cls(creds, r["service"], r["region"], expires=expires)
        else:
            cls = botocore.auth.S3SigV4Auth if r.get("s3") else botocore.auth.SigV4Auth
            signer = cls(creds, r["service"], r["region"])
        signer.add_auth(request)
        results.append({
            "authorization": request.headers.get("Authorization", ""),
            "url": request.url,
            "content_sha256": request.headers.get("X-Amz-Content-SHA256", ""),
        })
    with open(sys.argv[2], "w", encoding="utf-8") as f:
        json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
