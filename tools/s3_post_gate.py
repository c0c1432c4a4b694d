#!/usr/bin/env python3
"""S3's browser-based POST uploads in front of moto, for tests: the form is checked as S3 checks it
(tools/s3_post_policy.py) and the file stored in moto with a signed PUT, which moto then announces to SQS as S3 would.

  s3_post_gate.py MOTO_URL CREDENTIALS_FILE [MAX_SECONDS]

Prints its port as the first line. Takes `POST /<bucket>` with a multipart/form-data body, nothing else (405). A
refusal is S3's XML error; success is 204, as with no `success_action_status`. Stops after MAX_SECONDS (default 900)
or on SIGTERM.
"""
import json
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


import boto3
from botocore.config import Config
from s3_post_policy import answer

KEYS = json.loads(Path(sys.argv[2]).read_text())
SECRETS = {KEYS["accessKeyId"]: KEYS["secretAccessKey"]}
S3 = boto3.client("s3", endpoint_url=sys.argv[1], region_name="us-east-1", aws_access_key_id=KEYS["accessKeyId"],
                  aws_secret_access_key=KEYS["secretAccessKey"], config=Config(s3={"addressing_style": "path"}))


class Gate(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *_):
        pass

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        answer(self, self.rfile.read(length) if length else b"", SECRETS, S3)


def main():
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    server = ThreadingHTTPServer(("127.0.0.1", 0), Gate)
    print(server.server_address[1], flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    stop.wait(float(sys.argv[3]) if len(sys.argv) > 3 else 900)
    server.shutdown()


if __name__ == "__main__":
    main()
