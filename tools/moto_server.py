#!/usr/bin/env python3
"""moto (S3, DynamoDB, SQS, API Gateway...) on 127.0.0.1 with signature checking on, for the AWS clients' tests.

  moto_server.py CREDENTIALS_FILE [MAX_SECONDS]

Prints the port as the first line of output. Bootstraps as ../shared/local-aws.md shows: auth off, an IAM user with
an access key allowed everything, auth on (INITIAL_NO_AUTH_ACTION_COUNT=0 semantics); the key and secret go to
CREDENTIALS_FILE as JSON. Stops by itself after MAX_SECONDS (default 600), or on SIGTERM.
"""
import json
import os
import signal
import socket
import sys
import threading
import urllib.request

os.environ.setdefault("MOTO_ALLOW_NONEXISTENT_REGION", "true")
os.environ["INITIAL_NO_AUTH_ACTION_COUNT"] = "0"

# After the environment: moto reads it when imported.
import boto3  # noqa: E402
from moto.dynamodb.responses import DynamoHandler  # noqa: E402
from moto.iam.access_control import IAMRequestBase  # noqa: E402
from moto.server import ThreadedMotoServer  # noqa: E402


def serialize_dynamodb():
    """DynamoDB as AWS runs it: a write's condition is evaluated against the item as it stands and the write applied
    in one step, and each change is one stream record. moto serves requests on threads without a lock, so two
    conditional writes to one item can both pass and each leave an INSERT record (the second counted twice by a
    stream consumer); its DynamoDB requests are taken one at a time here."""
    lock = threading.Lock()
    unlocked = DynamoHandler.call_action

    def call_action(self):
        with lock:
            return unlocked(self)

    DynamoHandler.call_action = call_action


def check_bodiless_signatures():
    """moto 5.2.5 checks a signature against a request it rebuilds, and for a request with no body it rebuilds one from
    the query parameters (or, with none, from the headers): fine for S3, whose signatures name the payload's hash in a
    header, wrong for every other REST service, so each GET and DELETE to API Gateway failed with
    SignatureDoesNotMatch. A GET, HEAD or DELETE that carried no body is checked as sent: with an empty one."""
    create = IAMRequestBase._create_aws_request

    def create_aws_request(self):
        request = create(self)
        if self._method in ("GET", "HEAD", "DELETE") and not self._body:
            request.data = b""
        return request

    IAMRequestBase._create_aws_request = create_aws_request


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def reset_auth(base, count):
    request = urllib.request.Request(base + "/moto-api/reset-auth", data=count.encode(), method="POST",
                                     headers={"Content-Type": "text/plain"})
    urllib.request.urlopen(request, timeout=10).read()


def main():
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    serialize_dynamodb()
    check_bodiless_signatures()
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    base = f"http://127.0.0.1:{port}"
    reset_auth(base, "inf")
    iam = boto3.client("iam", endpoint_url=base, region_name="us-east-1", aws_access_key_id="bootstrap",
                       aws_secret_access_key="bootstrap")
    iam.create_user(UserName="tests")
    policy = iam.create_policy(PolicyName="everything", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
    iam.attach_user_policy(UserName="tests", PolicyArn=policy["Policy"]["Arn"])
    key = iam.create_access_key(UserName="tests")["AccessKey"]
    with open(sys.argv[1], "w") as out:
        json.dump({"accessKeyId": key["AccessKeyId"], "secretAccessKey": key["SecretAccessKey"]}, out)
    reset_auth(base, "0")
    print(port, flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    stop.wait(float(sys.argv[2]) if len(sys.argv) > 2 else 600)
    server.stop()


if __name__ == "__main__":
    main()
