"""Lambda's DynamoDB stream event source, for a table in moto: reads the stream, keeps only the records the event
source mapping's filter lets through, and hands them to the function in order, batch by batch, with a tumbling
window (so the event names its shard). Like Lambda it retries a failed batch, resumes a shard from the record the
function reports as its first failure, and can bisect a failing batch.

moto serves one shard; `virtual_shards` splits its records into several by partition key (every record of one item
keeps its order, as DynamoDB guarantees), so the fold is exercised with records arriving through concurrent shards.
"""
import datetime
import hashlib
import threading
import time

from local_aws import REGION


class StreamEventSource:
    def __init__(self, moto, stream_arn, function, batch_size=100, virtual_shards=1, sort_key_prefix="C#",
                 duplicate=False):
        self.streams = moto.client("dynamodbstreams")
        self.stream_arn = stream_arn
        self.function = function
        self.batch_size = batch_size
        self.virtual_shards = virtual_shards
        self.sort_key_prefix = sort_key_prefix
        # At-least-once made visible: every batch is handed over twice.
        self.duplicate = duplicate
        self.iterators = {}
        self.seen = set()
        self.sequence = 10**20
        # With `bisect`, a shard whose batch failed retries the first half of it, then on.
        self.limits = {index: batch_size for index in range(virtual_shards)}
        # Virtual shard -> records read but not yet successfully handed over, in order.
        self.backlog = {index: [] for index in range(virtual_shards)}
        self.lock = threading.Lock()
        # One drain at a time: the event source's own loop, or a caller waiting for the sums to catch up.
        self.draining = threading.Lock()
        self.deliveries = {"batches": 0, "records": 0, "failed": 0}

    def shard_id(self, index):
        return f"shardId-{index:020d}-local"

    def _read(self):
        """Everything new on the stream, into the backlogs. Returns how many records passed the filter."""
        description = self.streams.describe_stream(StreamArn=self.stream_arn)["StreamDescription"]
        passed = 0
        for shard in description["Shards"]:
            shard_id = shard["ShardId"]
            if shard_id not in self.iterators:
                self.iterators[shard_id] = self.streams.get_shard_iterator(
                    StreamArn=self.stream_arn, ShardId=shard_id, ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
            for _ in range(10_000):
                answer = self.streams.get_records(ShardIterator=self.iterators[shard_id], Limit=1000)
                self.iterators[shard_id] = answer.get("NextShardIterator") or self.iterators[shard_id]
                records = answer["Records"]
                for record in records:
                    # moto numbers a record by the stream's length when it is written, which concurrent writes
                    # could race on (moto_server.py now takes DynamoDB requests one at a time); a stream shard's
                    # numbers only grow and each record is handed over once, so records are numbered here in the
                    # order they are read and one already handed over is dropped.
                    if record["eventID"] in self.seen:
                        continue
                    self.seen.add(record["eventID"])
                    self.sequence += 1
                    record = dict(record, dynamodb=dict(record["dynamodb"], SequenceNumber=f"{self.sequence:021d}"))
                    keys = record["dynamodb"]["Keys"]
                    if not keys["sk"]["S"].startswith(self.sort_key_prefix):
                        continue
                    passed += 1
                    self.backlog[self._lane(keys["pk"]["S"])].append(self._event_record(record))
                if not records:
                    break
        return passed

    def _lane(self, partition_key):
        return int.from_bytes(hashlib.sha256(partition_key.encode()).digest()[:4], "big") % self.virtual_shards

    def _event_record(self, record):
        change = dict(record["dynamodb"])
        created = change.get("ApproximateCreationDateTime")
        if isinstance(created, datetime.datetime):
            change["ApproximateCreationDateTime"] = int(created.timestamp())
        return {"eventID": record["eventID"], "eventName": record["eventName"], "eventVersion": "1.1",
                "eventSource": "aws:dynamodb", "awsRegion": REGION, "dynamodb": change,
                "eventSourceARN": self.stream_arn}

    def event(self, index, records):
        """The event Lambda sends for `records` of virtual shard `index`, in a tumbling window."""
        now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
        return {"Records": records, "shardId": self.shard_id(index), "eventSourceARN": self.stream_arn,
                "window": {"start": now.isoformat().replace("+00:00", "Z"),
                           "end": (now + datetime.timedelta(seconds=1)).isoformat().replace("+00:00", "Z")},
                "state": {}, "isFinalInvokeForWindow": False, "isWindowTerminatedEarly": False}

    def deliver(self, index, records):
        """Hands `records` to the function; returns how many from the front were done (all, or up to the first
        failure it reported; none when the invocation failed)."""
        result = self.function.invoke(self.event(index, records))
        with self.lock:
            self.deliveries["batches"] += 1
            self.deliveries["records"] += len(records)
        if result.get("outcome") != "ok" or "state" not in (result.get("json") or {}):
            with self.lock:
                self.deliveries["failed"] += 1
            return 0
        failures = result["json"].get("batchItemFailures") or []
        if not failures:
            return len(records)
        resume = failures[0]["itemIdentifier"]
        for position, record in enumerate(records):
            if record["dynamodb"]["SequenceNumber"] == resume:
                return position
        return 0

    def drain(self, timeout=300, bisect=False):
        """Until every record on the stream has been folded (or the timeout passes: False). Shards go one batch at
        a time each, in order; a shard whose batch fails is retried (halved first, with `bisect`)."""
        with self.draining:
            return self._drain(time.monotonic() + timeout, bisect)

    def _drain(self, deadline, bisect):
        self._read()
        while time.monotonic() < deadline:
            pending = [index for index, records in self.backlog.items() if records]
            if not pending:
                if self._read() == 0:
                    return True
                continue
            for index in pending:
                batch = self.backlog[index][:self.limits[index]]
                done = self.deliver(index, batch)
                if self.duplicate:
                    self.deliver(index, batch)
                self.backlog[index] = self.backlog[index][done:]
                if done == 0:
                    if bisect:
                        self.limits[index] = max(1, len(batch) // 2)
                    time.sleep(0.2)
                else:
                    self.limits[index] = self.batch_size
        return False
