"""Files too large for one invocation are written range by range, and settled part by part, by whichever
invocations take the work (FAN_OUT_BYTES, RANGE_BYTES and SETTLE_PART_METER_DAYS scaled down here so a file of a few
hundred KB splits as a 10 GB one would): by eight worker processes, with two of them killed -9 mid-range or mid-part
and every message delivered twice, and with a newer version uploaded mid-job — each ends exactly as the oracle
computes from the objects as they stand."""
import hashlib
import json
import random
import threading
import time
from decimal import Decimal

import pytest
from apigw import Response, v2
from oracle import expected_totals, wide_file
from rig import FaultProxy, query_all, s3_event, sqs_event

WORKERS = 8
SPLIT = {"FAN_OUT_BYTES": "65536", "RANGE_BYTES": "16384"}


def big_file(seed, meters=500, dates=("2024-05-01", "2024-05-02", "2024-05-03", "2024-05-04", "2024-05-05")):
    rng = random.Random(seed)
    return wide_file([(f"m{meter}", date, [f"{rng.randint(0, 999)}.{rng.randint(0, 999):03d}" for _ in range(48)])
                      for meter in range(meters) for date in dates])


def partition(stack, pk):
    return query_all(stack.dynamodb, stack.table, KeyConditionExpression="pk = :pk",
                     ExpressionAttributeValues={":pk": {"S": pk}})


def ledger(stack, tenant="acme"):
    return partition(stack, f"T#{tenant}#LEDGER")


def kinds(records):
    """What each work message asks: ('range', index) or (kind of settling, part); a continuation asks what the work
    it continues asked."""
    bodies = [json.loads(record["body"]) for record in records]
    bodies = [body["continued"]["body"] if "continued" in body else body for body in bodies]
    return [("range", body["range"]["index"]) if "range" in body else (body["settle"]["kind"], body["settle"]["part"])
            for body in bodies]


def progress(stack):
    """The job's progress as `GET /ingestions/{key}` shows it."""
    query = stack.query_function()
    try:
        answer = Response(query.invoke(v2("/ingestions/incoming%2Facme%2Fbig.csv", tenant="acme")))
    finally:
        query.stop()
    assert answer.status == 200, answer.text
    [entry] = answer.json["versions"]
    return entry["ranges"]


def work_through(functions, records, duplicate=False, stack=None):
    """Lambda's SQS event source over the range queue with `functions` as its concurrent environments: each
    message to one of them, again (after its visibility timeout) until one answers without failing it. With `stack`,
    the work these messages continue in fresh messages (cut short by a deadline) is taken too."""
    pending = records + (records[:] if duplicate else [])
    random.Random(1).shuffle(pending)
    lock = threading.Lock()
    answers = []

    def worker(function):
        for _ in range(200):
            with lock:
                if not pending:
                    return
                record = pending.pop()
            answer = function.invoke(sqs_event([record]))
            with lock:
                answers.append(answer)
                if answer["outcome"] != "ok" or answer["json"]["batchItemFailures"]:
                    pending.insert(0, record)

    threads = [threading.Thread(target=worker, args=(function,)) for function in functions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    assert not pending
    if stack is not None:
        answers += drain_continuations(stack, functions)
    return answers


def drain_continuations(stack, functions):
    """Work cut short by a deadline goes on in a fresh message on the work queue (`{"continued": ...}`, its progress
    saved): part of the same step, taken until none is left. Other messages are put back for the step after."""
    answers = []
    for _ in range(100):
        records = stack.messages(work=True)
        continued = [record for record in records if "continued" in json.loads(record["body"])]
        for record in records:
            if record not in continued:
                group = record["attributes"].get("MessageGroupId")
                stack.sqs.send_message(QueueUrl=stack.work_queue_url, MessageBody=record["body"],
                                       **({"MessageGroupId": group} if group else {}))
        if not continued:
            return answers
        answers += work_through(functions, continued)
    raise AssertionError("continuations kept coming")


def work_until_done(stack, functions, duplicate=False):
    """The work queue's messages to `functions` (as `work_through`) until no more come: ranges, then the parts of
    the offers, then those of the retires, each made by the invocation that finished the previous step."""
    asked = []
    for _ in range(10):
        records = stack.messages(work=True)
        if not records:
            return asked
        asked.append(sorted(kinds(records)))
        work_through(functions, records, duplicate, stack=stack)
    raise AssertionError(f"work kept coming: {asked}")


def killed_mid_work(stack, workers, records, kill_at, **settings):
    """The first two records each crash a worker of their own (kill -9 at its `kill_at`-th request from now); then
    they come back after their visibility timeout, among every record delivered twice, to those two (restarted) and
    the other workers."""
    proxies = [FaultProxy(stack.moto) for _ in range(2)]
    killers = [stack.function(WORK_QUEUE_URL=stack.work_queue_url, AWS_ENDPOINT_URL=proxy.endpoint, **SPLIT,
                              **settings) for proxy in proxies]
    try:
        for proxy, killer, record in zip(proxies, killers, records):
            assert killer.invoke(sqs_event([]))["outcome"] == "ok"  # started: its bootstrap has a pid to kill
            proxy.configure(killAt=kill_at, killPid=killer.stats()["pid"])
            assert killer.invoke(sqs_event([record]))["outcome"] == "crashed"
            assert proxy.stats()["killed"]
        work_through(killers + workers[2:], records, duplicate=True, stack=stack)
    finally:
        for function in killers:
            function.stop()
        for proxy in proxies:
            proxy.stop()


@pytest.fixture
def workers(stack):
    started = [stack.function(WORK_QUEUE_URL=stack.work_queue_url, **SPLIT) for _ in range(WORKERS)]
    yield started
    for function in started:
        function.stop()


@pytest.fixture
def settlers(stack):
    """Workers that also settle in parts of 1,000 meter-days: a file of 1,500 meter-days settles in two. Two minutes an
    invocation: a retire may wait out an offering lease (a minute)."""
    started = [stack.function(WORK_QUEUE_URL=stack.work_queue_url, SETTLE_PART_METER_DAYS="1000",
                              timeout_ms=120_000, **SPLIT) for _ in range(WORKERS)]
    yield started
    for function in started:
        function.stop()


def test_a_split_file_gives_exactly_the_totals_of_the_file(stack, workers):
    data = big_file(1)
    stack.put("incoming/acme/big.csv", data)
    first = workers[0].invoke(sqs_event(stack.messages()))
    assert first["json"] == {"batchItemFailures": []}
    [entry] = ledger(stack)
    assert entry["status"]["S"] == "processing" and len(entry["ranges"]["L"]) >= 3
    ranges = stack.messages(work=True)
    assert len(ranges) == len(entry["ranges"]["L"])
    # The tenant is each message's group: SQS's fair queues share the work queue's consumers among tenants.
    assert {record["attributes"].get("MessageGroupId") for record in ranges} == {"acme"}
    work_through(workers, ranges[:1], stack=stack)
    assert progress(stack) == {"total": len(ranges), "done": 1, "meterDaysWritten": 1000}
    work_through(workers, ranges[1:], stack=stack)
    assert progress(stack) == {"total": len(ranges), "done": len(ranges), "meterDaysWritten": 2500}
    [entry] = ledger(stack)
    assert entry["status"]["S"] == "ingested" and entry["meterDays"]["N"] == "2500"
    assert len(entry["rangesDone"]["NS"]) == len(entry["ranges"]["L"])
    assert stack.totals("acme") == expected_totals(stack.s3, stack.bucket)["acme"]


def test_workers_killed_mid_range_and_every_range_delivered_twice_still_end_exact(stack, workers):
    stack.put("incoming/acme/big.csv", big_file(2))
    assert workers[0].invoke(sqs_event(stack.messages()))["json"] == {"batchItemFailures": []}
    ranges = stack.messages(work=True)
    # Past the ledger read, the HEAD and the reads of the header and the range: among the range's writes.
    killed_mid_work(stack, workers, ranges, kill_at=12)
    [entry] = ledger(stack)
    assert entry["status"]["S"] == "ingested"
    assert stack.totals("acme") == expected_totals(stack.s3, stack.bucket)["acme"]


def test_a_newer_version_uploaded_mid_job_wins(stack, workers):
    stack.put("incoming/acme/big.csv", big_file(3))
    assert workers[0].invoke(sqs_event(stack.messages()))["json"] == {"batchItemFailures": []}
    ranges = stack.messages(work=True)
    work_through(workers, ranges[:2], stack=stack)
    time.sleep(1.1)
    stack.put("incoming/acme/big.csv", wide_file([("m1", "2024-05-01", ["1"] * 48)]))
    assert workers[1].invoke(sqs_event(stack.messages()))["json"] == {"batchItemFailures": []}
    work_through(workers, ranges[2:], stack=stack)
    assert any("a newer version replaced this one" in worker.log_text() for worker in workers)
    assert expected_totals(stack.s3, stack.bucket)["acme"] == {"2024-05-01": (Decimal("48"), 1)}
    assert stack.totals("acme") == {"2024-05-01": (Decimal("48"), 1)}
    # Only the newer version was ingested: the older one's ranges left after it came were skipped.
    assert [item["status"]["S"] for item in ledger(stack)].count("ingested") == 1


def readings_of(stack, tag):
    """The reading items of one version (every meter's partition)."""
    pages = stack.dynamodb.get_paginator("scan").paginate(TableName=stack.table, ConsistentRead=True)
    items = [item for page in pages for item in page["Items"]]
    return [item for item in items if item["sk"]["S"].startswith("R#") and item["sk"]["S"].endswith(f"#{tag}")]


def test_a_large_version_is_offered_and_retired_in_parts_and_ends_exact(stack, settlers):
    stack.put("incoming/acme/big.csv", big_file(4, meters=300))
    assert settlers[0].invoke(sqs_event(stack.messages()))["json"] == {"batchItemFailures": []}
    work_through(settlers, stack.messages(work=True), stack=stack)
    parts = stack.messages(work=True)
    assert sorted(kinds(parts)) == [("offer", part) for part in range(2)]
    assert {record["attributes"].get("MessageGroupId") for record in parts} == {"acme"}
    work_through(settlers, parts, duplicate=True, stack=stack)
    assert stack.messages(work=True) == []
    [entry] = ledger(stack)
    assert entry["status"]["S"] == "ingested"
    assert stack.totals("acme") == expected_totals(stack.s3, stack.bucket)["acme"]
    old_tag = entry["versionTag"]["S"]
    assert len(readings_of(stack, old_tag)) == 1500

    # A corrected file replaces it: its offers, then the old version's retires, each in two parts.
    time.sleep(1.1)
    stack.put("incoming/acme/big.csv", big_file(5, meters=300))
    assert settlers[1].invoke(sqs_event(stack.messages()))["json"] == {"batchItemFailures": []}
    steps = work_until_done(stack, settlers)
    assert [{kind for kind, _ in step} for step in steps] == [{"range"}, {"offer"}, {"retire"}]
    assert steps[2] == [("retire", part) for part in range(2)]
    assert stack.totals("acme") == expected_totals(stack.s3, stack.bucket)["acme"]
    # S3 still holds the old version (deleting the newer one would make it current again): its readings and pages
    # stay, counting for nothing.
    source_id = hashlib.sha256(b"incoming/acme/big.csv").hexdigest()[:32]
    assert len(readings_of(stack, old_tag)) == 1500
    assert partition(stack, f"T#acme#V#{source_id}#{old_tag}#0") != []
    [source] = partition(stack, "T#acme#SOURCE")
    assert "retiring" not in source and "offered" not in source
    assert partition(stack, "T#acme#SETTLE") == []
    statuses = sorted(item["status"]["S"] for item in ledger(stack))
    assert statuses == ["deleted", "ingested"]

    # S3 deletes the old version for good (by id here; its lifecycle rule does it after 30 days): the event purges
    # them, and nothing of the old version is left but its ledger entry.
    versions = stack.s3.list_object_versions(Bucket=stack.bucket, Prefix="incoming/acme/big.csv")["Versions"]
    [old] = [version for version in versions if not version["IsLatest"]]
    stack.s3.delete_object(Bucket=stack.bucket, Key="incoming/acme/big.csv", VersionId=old["VersionId"])
    # moto sends no event when a noncurrent version goes; S3 sends ObjectRemoved:Delete.
    stack.sqs.send_message(QueueUrl=stack.queue_url, MessageBody=json.dumps(
        s3_event(stack.bucket, "incoming/acme/big.csv", "ObjectRemoved:Delete")))
    assert settlers[0].invoke(sqs_event(stack.messages()))["json"] == {"batchItemFailures": []}
    assert readings_of(stack, old_tag) == []
    assert partition(stack, f"T#acme#V#{source_id}#{old_tag}#0") == []
    assert stack.totals("acme") == expected_totals(stack.s3, stack.bucket)["acme"]
    assert [item.get("purgedAt") is not None for item in ledger(stack) if item["status"]["S"] == "deleted"] == [True]


def test_an_invocation_that_read_the_key_before_another_finished_the_offers_sends_no_part_again(stack, settlers):
    stack.put("incoming/acme/big.csv", big_file(8, meters=300))
    assert settlers[0].invoke(sqs_event(stack.messages()))["json"] == {"batchItemFailures": []}
    work_through(settlers, stack.messages(work=True), stack=stack)
    parts = stack.messages(work=True)
    first, last = sorted(parts, key=lambda record: kinds([record])[0])
    work_through(settlers, [first], stack=stack)
    proxy = FaultProxy(stack.moto)
    late = stack.function(WORK_QUEUE_URL=stack.work_queue_url, AWS_ENDPOINT_URL=proxy.endpoint,
                          SETTLE_PART_METER_DAYS="1000", timeout_ms=120_000, **SPLIT)
    answers = []
    try:
        # The late invocation settles the last part, then brings the key up to date: it reads the source item
        # (offers pending) and pauses before its third request about the job (read, part done, read).
        proxy.configure(holdMatching="T#acme#SETTLE", holdOccurrence=3)
        thread = threading.Thread(target=lambda: answers.append(late.invoke(sqs_event([last]))))
        thread.start()
        assert proxy.holding(thread)
        # Meanwhile the same part, delivered again, finds the job complete: that invocation records the offers
        # done and deletes the job.
        work_through(settlers[:1], [last], stack=stack)
        assert partition(stack, "T#acme#SETTLE") == []
        proxy.release()
        thread.join(timeout=120)
    finally:
        late.stop()
        proxy.stop()
    # The late invocation found the job gone and the offers recorded done: it deleted the job it had made again,
    # sent no part, and started over from the key as it stands.
    assert [answer["json"] for answer in answers] == [{"batchItemFailures": []}]
    assert stack.messages(work=True) == []
    assert partition(stack, "T#acme#SETTLE") == []
    [entry] = ledger(stack)
    assert entry["status"]["S"] == "ingested"
    assert stack.totals("acme") == expected_totals(stack.s3, stack.bucket)["acme"]


def test_workers_killed_mid_part_and_every_part_delivered_twice_still_end_exact(stack, settlers):
    stack.put("incoming/acme/big.csv", big_file(6, meters=300))
    assert settlers[0].invoke(sqs_event(stack.messages()))["json"] == {"batchItemFailures": []}
    work_through(settlers, stack.messages(work=True), stack=stack)
    parts = stack.messages(work=True)
    assert sorted(kinds(parts)) == [("offer", part) for part in range(2)]
    assert {record["attributes"].get("MessageGroupId") for record in parts} == {"acme"}
    # Past the job, the source item, the lease and the first page: among the part's offers.
    killed_mid_work(stack, settlers, parts, kill_at=40, SETTLE_PART_METER_DAYS="1000")
    assert stack.messages(work=True) == []
    [entry] = ledger(stack)
    assert entry["status"]["S"] == "ingested"
    assert stack.totals("acme") == expected_totals(stack.s3, stack.bucket)["acme"]
    assert partition(stack, "T#acme#SETTLE") == []


def test_a_newer_version_during_the_offers_wins_and_the_old_offers_are_retired(stack, settlers):
    stack.put("incoming/acme/big.csv", big_file(7, meters=300))
    assert settlers[0].invoke(sqs_event(stack.messages()))["json"] == {"batchItemFailures": []}
    work_through(settlers, stack.messages(work=True), stack=stack)
    parts = stack.messages(work=True)
    work_through(settlers, parts[:1], stack=stack)
    # One part of the offers landed; a small new version switches the key before the others are taken.
    time.sleep(1.1)
    stack.put("incoming/acme/big.csv", wide_file([("m1", "2024-05-01", ["1"] * 48)]))
    assert settlers[1].invoke(sqs_event(stack.messages()))["json"] == {"batchItemFailures": []}
    work_through(settlers, parts[1:], stack=stack)
    assert any("the offer these parts are for is over" in worker.log_text() for worker in settlers)
    # The old version's retire waits out the offering lease (a minute) in parts of its own.
    steps = work_until_done(stack, settlers)
    assert [{kind for kind, _ in step} for step in steps] == [{"retire"}]
    assert stack.totals("acme") == {"2024-05-01": (Decimal("48"), 1)}
    assert expected_totals(stack.s3, stack.bucket)["acme"] == {"2024-05-01": (Decimal("48"), 1)}
    assert partition(stack, "T#acme#SETTLE") == []
