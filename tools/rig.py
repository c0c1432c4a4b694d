"""The rig the ingest and query suites drive: the local stack's parts (moto with signatures checked, the real
bootstraps under the project's Runtime API emulator) wired by hand, one bucket, queue and table per test, so a test
hands each delivery over itself and can place it between two others. boto3 plays the user and the S3 -> SQS wiring;
the functions talk to moto only through their own SigV4 client. The whole system, wired from template.yaml with its
pollers, is local_stack.py."""
import contextlib
import json
import os
import threading
import time
import urllib.request
import uuid
from pathlib import Path

from local_aws import (  # noqa: F401
    REGION, TOOLS, LambdaHost, Moto, Process, alert_inbox, create_table, drain_alerts, queue_delete_marker_event,
    s3_event, sqs_record)
from stream_event_source import StreamEventSource

ROOT = Path(__file__).resolve().parents[1]

INGEST = Path(os.environ.get("INGEST_BIN", ROOT / ".build" / "release" / "ingest"))
QUERY = Path(os.environ.get("QUERY_BIN", ROOT / ".build" / "release" / "query"))
OPENAPI = ROOT / "Sources" / "Query" / "openapi.json"
GRAPHQL_SCHEMA = ROOT / "Sources" / "Query" / "schema.graphql"
TOKEN_SECRET = "test-secret-of-the-page-tokens"
INCOMING = "incoming/"


class Function(LambdaHost):
    """A function of the project under the emulator, wired to moto and a table."""

    def __init__(self, moto, table, endpoint=None, timeout_ms=60000, bootstrap=INGEST, **settings):
        environment = {"TABLE_NAME": table, "AWS_ACCESS_KEY_ID": moto.access_key,
                       "AWS_SECRET_ACCESS_KEY": moto.secret_key, "AWS_REGION": REGION,
                       "AWS_ENDPOINT_URL": endpoint or moto.endpoint, "DEADLINE_MARGIN_MS": "1000"}
        environment.update({name: str(value) for name, value in settings.items()})
        super().__init__(bootstrap, environment, timeout_ms=timeout_ms)


class Stack:
    """A bucket with S3 -> SQS notifications for the incoming prefix, the table, and the clients to use them."""

    def __init__(self, moto, versioned=True):
        self.moto = moto
        self.s3 = moto.client("s3")
        self.sqs = moto.client("sqs")
        self.dynamodb = moto.client("dynamodb")
        self.bucket = f"meters-{uuid.uuid4().hex[:10]}"
        self.s3.create_bucket(Bucket=self.bucket)
        self.versioned = versioned
        if versioned:
            self.s3.put_bucket_versioning(Bucket=self.bucket, VersioningConfiguration={"Status": "Enabled"})
        self.queue_url = self.sqs.create_queue(QueueName=self.bucket)["QueueUrl"]
        self.queue_arn = self.sqs.get_queue_attributes(QueueUrl=self.queue_url, AttributeNames=["QueueArn"])[
            "Attributes"]["QueueArn"]
        self.s3.put_bucket_notification_configuration(Bucket=self.bucket, NotificationConfiguration={
            "QueueConfigurations": [{"QueueArn": self.queue_arn, "Events": ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"],
                                     "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": INCOMING}]}}}]})
        # S3 announces the configuration with an s3:TestEvent; tests that want it send their own.
        self.messages()
        # A table per stack keeps tests apart (and moto's queries fast: their cost grows with the table).
        self.table = self.bucket
        self.stream_arn = create_table(self.dynamodb, self.table)
        self.stream_source = None
        self.alert_topic, self.alert_queue_url = alert_inbox(moto, f"{self.bucket}-alerts")
        # Where the ingest function sends the ranges of a file it splits (template.yaml's WorkQueue).
        self.work_queue_url = self.sqs.create_queue(QueueName=f"{self.bucket}-work")["QueueUrl"]
        self.work_queue_arn = self.sqs.get_queue_attributes(QueueUrl=self.work_queue_url, AttributeNames=[
            "QueueArn"])["Attributes"]["QueueArn"]

    def function(self, **settings):
        return Function(self.moto, self.table, **{"ALERT_TOPIC_ARN": self.alert_topic, **settings})

    def alerts(self):
        """The file alerts the function published so far."""
        return drain_alerts(self.sqs, self.alert_queue_url)

    def fold(self, virtual_shards=1, table=None, stream_arn=None):
        """Lets the table's stream catch up: its records folded into the day sums by an `ingest` process of its
        own, as Lambda's stream event source would hand them over. A table of the test's own needs its stream."""
        if table is not None:
            folder = self.function(TABLE_NAME=table)
            try:
                assert StreamEventSource(self.moto, stream_arn, folder, virtual_shards=virtual_shards).drain()
            finally:
                folder.stop()
            return
        if self.stream_source is None:
            self.stream_source = StreamEventSource(self.moto, self.stream_arn, self.function(),
                                                   virtual_shards=virtual_shards)
        assert self.stream_source.drain(), "the stream did not catch up"

    def totals(self, tenant, table=None, stream_arn=None):
        """date -> (total, meters) as the day sums give them, once the stream has caught up."""
        from oracle import table_totals
        self.fold(table=table, stream_arn=stream_arn)
        return table_totals(self.dynamodb, table or self.table, tenant, query_all)

    def close(self):
        if self.stream_source is not None:
            self.stream_source.function.stop()
            self.stream_source = None

    def ingest_waiting(self):
        """Every message waiting in the queue, handed to a fresh ingest function in one batch, which must take them
        all."""
        ingest = self.function()
        try:
            answer = ingest.invoke(sqs_event(self.messages()))
            assert answer["json"] == {"batchItemFailures": []}, answer
        finally:
            ingest.stop()

    def query_function(self, **settings):
        return Function(self.moto, self.table,
                        **{"bootstrap": QUERY, "TOKEN_SECRET": TOKEN_SECRET, "OPENAPI_PATH": str(OPENAPI),
                           "GRAPHQL_SCHEMA_PATH": str(GRAPHQL_SCHEMA),
                           "DASHBOARD_PATH": str(ROOT / "Sources" / "Query" / "dashboard.html"), **settings})

    def put(self, key, text):
        body = text.encode() if isinstance(text, str) else text
        return self.s3.put_object(Bucket=self.bucket, Key=key, Body=body)

    def delete(self, key):
        self.s3.delete_object(Bucket=self.bucket, Key=key)
        if self.versioned:
            queue_delete_marker_event(self.sqs, self.queue_url, self.bucket, key)

    def messages(self, work=False):
        """Everything waiting in the queue (with `work`, the work queue), deleted from it, as Lambda's SQS event
        source would hand it over."""
        url, arn = (self.work_queue_url, self.work_queue_arn) if work else (self.queue_url, self.queue_arn)
        records = []
        for _ in range(1000):
            answer = self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"],
                                              WaitTimeSeconds=0)
            batch = answer.get("Messages", [])
            if not batch:
                break
            for message in batch:
                records.append(sqs_record(message, arn))
                self.sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        return records


@contextlib.contextmanager
def counted_query_function(moto, stack):
    """The query bootstrap over `stack`'s table with the fault proxy in front of moto: `proxy.stats()` counts the
    AWS requests each answer made."""
    proxy = FaultProxy(moto)
    function = stack.query_function(AWS_ENDPOINT_URL=proxy.endpoint)
    try:
        yield function, proxy
    finally:
        function.stop()
        proxy.stop()


def run_together(tasks, timeout=300):
    """Runs each callable on its own thread, all at once, and waits (bounded) for all of them."""
    threads = [threading.Thread(target=task) for task in tasks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)


def sqs_event(records):
    return {"Records": records}


def query_all(dynamodb, table, **arguments):
    items, start = [], None
    for _ in range(10000):
        if start:
            arguments["ExclusiveStartKey"] = start
        page = dynamodb.query(TableName=table, ConsistentRead=True, **arguments)
        items += page["Items"]
        start = page.get("LastEvaluatedKey")
        if not start:
            return items
    raise RuntimeError("too many pages")


class PostGate:
    """tools/s3_post_gate.py in front of moto: S3's POST uploads, checked as S3 checks them."""

    def __init__(self, moto, tmp_path):
        keys = Path(tmp_path) / "post-gate-keys.json"
        keys.write_text(json.dumps({"accessKeyId": moto.access_key, "secretAccessKey": moto.secret_key}))
        self.server = Process([str(ROOT / ".venv" / "bin" / "python"), str(TOOLS / "s3_post_gate.py"),
                               moto.endpoint, str(keys), "1500"])
        self.endpoint = f"http://127.0.0.1:{self.server.port}"

    def stop(self):
        self.server.stop()


class FaultProxy:
    """tools/fault_proxy.py in front of moto: throttling and crashes on cue."""

    def __init__(self, moto, tls=None):
        """With `tls` (certificate and key files), the proxy speaks HTTPS."""
        self.server = Process([str(ROOT / ".venv" / "bin" / "python"), str(TOOLS / "fault_proxy.py"), moto.endpoint,
                               "1500", *[str(path) for path in tls or ()]])
        self.endpoint = f"{'https' if tls else 'http'}://127.0.0.1:{self.server.port}"

    def configure(self, **config):
        request = urllib.request.Request(self.endpoint + "/__proxy/config", data=json.dumps(config).encode(),
                                         method="POST")
        urllib.request.urlopen(request, timeout=10).read()

    def stats(self):
        with urllib.request.urlopen(self.endpoint + "/__proxy/stats", timeout=10) as answer:
            return json.loads(answer.read())

    def holding(self, thread, seconds=60):
        """Whether the request `holdMatching` picks is held, waiting up to `seconds` while `thread` (the invocation
        that should send it) runs."""
        for _ in range(seconds * 4):
            if self.stats()["holding"] or not thread.is_alive():
                break
            time.sleep(0.25)
        return self.stats()["holding"]

    def release(self):
        """The held request goes on (`holdMatching`)."""
        request = urllib.request.Request(self.endpoint + "/__proxy/release", data=b"", method="POST")
        urllib.request.urlopen(request, timeout=10).read()

    def stop(self):
        self.server.stop()
