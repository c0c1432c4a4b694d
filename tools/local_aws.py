"""Local stand-ins for AWS, as processes this machine runs: moto (signatures checked) and the project's Runtime API
emulator running a real bootstrap. Shared by the demo, the tests and the benchmarks; every process is started in
its own session and stopped by its PID, and stops by itself after a bounded time."""
import http.client
import json
import os
import signal
import subprocess
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

import boto3
from botocore.config import Config

import template_yaml

ROOT = Path(__file__).resolve().parents[1]
TOOLS = ROOT / "tools"
# The emulator is a dev tool (debug build is fine); the functions are the release binaries that ship.
EMULATOR = Path(os.environ.get("LOCAL_LAMBDA_BIN", ROOT / ".build" / "debug" / "local-lambda"))
ACCOUNT = "123456789012"
REGION = "us-east-1"


class Process:
    """A helper process that prints its port first; stopped by its PID, bounded in time."""

    def __init__(self, args, env=None, timeout=30):
        # Logs go to a file: a pipe nobody reads would fill up and stall the process.
        self.log = tempfile.NamedTemporaryFile(prefix=Path(args[0]).name + "-", suffix=".log", delete=False)
        self.process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=self.log, text=True, env=env,
                                        start_new_session=True)
        deadline = time.monotonic() + timeout
        line = ""
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if line.strip().isdigit():
                break
            if self.process.poll() is not None:
                raise RuntimeError(f"{args[0]} exited: {Path(self.log.name).read_text()[-2000:]}")
        self.port = int(line)

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)


class Moto:
    """moto on 127.0.0.1 with signature checking on, and an IAM key allowed everything."""

    def __init__(self, tmp_path, max_seconds=1500):
        credentials = Path(tmp_path) / "moto-credentials.json"
        self.server = Process([str(ROOT / ".venv" / "bin" / "python"), str(TOOLS / "moto_server.py"), str(credentials),
                              str(max_seconds)])
        keys = json.loads(credentials.read_text())
        self.access_key, self.secret_key = keys["accessKeyId"], keys["secretAccessKey"]
        self.endpoint = f"http://127.0.0.1:{self.server.port}"

    def client(self, service, endpoint=None):
        return boto3.client(service, endpoint_url=endpoint or self.endpoint, region_name=REGION,
                            aws_access_key_id=self.access_key, aws_secret_access_key=self.secret_key,
                            config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 2}))

    def stop(self):
        self.server.stop()


class LambdaHost:
    """One bootstrap under `local-lambda`, with the environment Lambda would give it; `invoke` blocks until the
    function answers, and returns the emulator's `{outcome, body, errorType, errorMessage, durationMs, initMs}`."""

    def __init__(self, bootstrap, environment, timeout_ms=60000, max_seconds=1500):
        args = [str(EMULATOR), "--bootstrap", str(bootstrap), "--timeout-ms", str(timeout_ms),
                "--max-seconds", str(max_seconds)]
        for name, value in environment.items():
            args += ["--env", f"{name}={value}"]
        self.server = Process(args)
        self.base = f"http://127.0.0.1:{self.server.port}"

    def invoke(self, event, timeout=900):
        request = urllib.request.Request(self.base + "/invoke", data=json.dumps(event).encode(), method="POST")
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            result = json.loads(answer.read())
        if result.get("outcome") == "ok":
            result["json"] = json.loads(result["body"]) if result.get("body") else None
        return result

    def stats(self):
        with urllib.request.urlopen(self.base + "/stats", timeout=10) as answer:
            return json.loads(answer.read())

    def log_text(self):
        """What the function and the emulator wrote so far (the function's log lines among it)."""
        return Path(self.server.log.name).read_text(errors="replace")

    def stop(self):
        self.server.stop()


HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-connection"}


def forward(handler, upstream, body):
    """Sends the request `handler` (a BaseHTTPRequestHandler) received on to `upstream` unchanged — the Host header
    too, so SigV4 signatures made for the proxy's address still verify — and relays the answer. Returns the answer's
    status, lowercased headers and body, for proxies that act on what passed."""
    status, headers, data = fetch(handler, upstream, body)
    relay(handler, status, headers, data)
    return status, {name.lower(): value for name, value in headers}, data


def fetch(handler, upstream, body):
    """`forward`'s first half: the upstream's answer (status, headers as pairs, body), not yet relayed."""
    connection = http.client.HTTPConnection(upstream.hostname, upstream.port, timeout=300)
    try:
        headers = {name: value for name, value in handler.headers.items() if name.lower() not in HOP_BY_HOP}
        connection.request(handler.command, handler.path, body=body, headers=headers)
        answer = connection.getresponse()
        return answer.status, answer.getheaders(), answer.read()
    finally:
        connection.close()


def relay(handler, status, headers, data):
    """`forward`'s second half: the answer `fetch` got, sent back to the client."""
    handler.send_response(status)
    for name, value in headers:
        # A HEAD answer's Content-Length is the object's size, not this body's.
        if name.lower() not in HOP_BY_HOP and (name.lower() != "content-length" or handler.command == "HEAD"):
            handler.send_header(name, value)
    if handler.command != "HEAD":
        handler.send_header("Content-Length", str(len(data)))
    handler.end_headers()
    if handler.command != "HEAD":
        handler.wfile.write(data)


def create_table(dynamodb, table):
    """The table as template.yaml declares it: on demand, its keys and indexes, and a stream of old and new images
    (the day sums follow the meter-day items through it). Returns the stream's ARN."""
    declared = template_yaml.load((ROOT / "template.yaml").read_text())["Resources"]["ConsumptionTable"]["Properties"]
    answer = dynamodb.create_table(
        TableName=table, BillingMode="PAY_PER_REQUEST", AttributeDefinitions=declared["AttributeDefinitions"],
        KeySchema=declared["KeySchema"], GlobalSecondaryIndexes=declared["GlobalSecondaryIndexes"],
        StreamSpecification={"StreamEnabled": True, "StreamViewType": declared["StreamSpecification"]["StreamViewType"]})
    return answer["TableDescription"]["LatestStreamArn"]


def alert_inbox(moto, name):
    """An SNS topic with an SQS queue subscribed to it (raw delivery): where the tests and the demo read alerts.
    Returns (topic ARN, queue URL)."""
    sns, sqs = moto.client("sns"), moto.client("sqs")
    topic = sns.create_topic(Name=name)["TopicArn"]
    queue = sqs.create_queue(QueueName=f"{name}-inbox")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn, Attributes={"RawMessageDelivery": "true"})
    return topic, queue


def drain_alerts(sqs, queue_url):
    """Every alert waiting in the inbox queue, parsed and deleted."""
    alerts = []
    for _ in range(1000):
        batch = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=0).get("Messages", [])
        if not batch:
            return alerts
        for message in batch:
            alerts.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
    return alerts


def sqs_record(message, queue_arn):
    """A received SQS message as Lambda's SQS event source hands it to the function."""
    return {"messageId": message["MessageId"], "receiptHandle": message["ReceiptHandle"], "body": message["Body"],
            "attributes": message.get("Attributes", {}), "messageAttributes": {},
            "md5OfBody": message["MD5OfBody"], "eventSource": "aws:sqs", "eventSourceARN": queue_arn,
            "awsRegion": REGION}


def s3_event(bucket, key, name="ObjectCreated:Put"):
    """An S3 notification of one object, in S3's shape (the key form-encoded, as S3 writes it)."""
    return {"Records": [{
        "eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": REGION,
        "eventTime": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime()), "eventName": name,
        "s3": {"s3SchemaVersion": "1.0", "configurationId": "incoming",
               "bucket": {"name": bucket, "arn": f"arn:aws:s3:::{bucket}"},
               "object": {"key": urllib.parse.quote_plus(key), "sequencer": "0"}}}]}


def queue_delete_marker_event(sqs, queue_url, bucket, key):
    """moto 5.2.5 sends no notification when a delete in a versioned bucket creates a delete marker; S3 sends
    ObjectRemoved:DeleteMarkerCreated. Queues what S3 would, so the path the deployed system takes is exercised."""
    sqs.send_message(QueueUrl=queue_url,
                     MessageBody=json.dumps(s3_event(bucket, key, "ObjectRemoved:DeleteMarkerCreated")))
