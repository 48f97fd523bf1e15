#!/usr/bin/env python3
"""A local stand-in for Resend's send-email API (POST /emails), as Resend documents it: the
API key as a Bearer token, 200 with the new e-mail's id, 401 for a missing key, 403 for a wrong
one, and, while the file REFUSE exists, 403 as for a sending domain not verified. Each request
is appended to LOG as one JSON line (its body, and the answer's status).

    fake-resend.py PORT KEY LOG REFUSE
"""
import json
import os
import sys
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

port, key, log, refuse = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, status, body):
        text = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(text)))
        self.end_headers()
        self.wfile.write(text)
        return status

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length") or 0))
        auth = self.headers.get("authorization", "")
        if self.path != "/emails":
            status = self.answer(404, {"statusCode": 404, "name": "not_found", "message": "Not found"})
        elif not auth.startswith("Bearer "):
            status = self.answer(401, {"statusCode": 401, "name": "missing_api_key", "message": "Missing API key in the authorization header."})
        elif auth != f"Bearer {key}":
            status = self.answer(403, {"statusCode": 403, "name": "invalid_api_key", "message": "API key is invalid"})
        elif os.path.exists(refuse):
            status = self.answer(403, {"statusCode": 403, "name": "validation_error",
                                       "message": "The sending domain is not verified. Please add and verify your domain."})
        else:
            status = self.answer(200, {"id": str(uuid.uuid4())})
        with open(log, "a") as f:
            f.write(json.dumps({"status": status, "body": json.loads(body or b"null")}) + "\n")


ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
