"""Files too large for one invocation are written range by range by whichever invocations take the ranges
(FAN_OUT_BYTES and RANGE_BYTES scaled down here so a file of a few hundred KB splits as a 10 GB one would): by eight
worker processes, with two of them killed -9 mid-range and every range message delivered twice, and with a newer
version uploaded mid-job — each ends exactly as the oracle computes from the objects as they stand."""
import random
import threading
import time
from decimal import Decimal

import pytest
from apigw import Response, v2
from oracle import expected_totals, wide_file
from stack import FaultProxy, query_all, sqs_event

WORKERS = 8
SPLIT = {"FAN_OUT_BYTES": "65536", "RANGE_BYTES": "16384"}


def big_file(seed, meters=500, dates=("2024-05-01", "2024-05-02", "2024-05-03", "2024-05-04", "2024-05-05")):
    rng = random.Random(seed)
    return wide_file([(f"m{meter}", date, [f"{rng.randint(0, 999)}.{rng.randint(0, 999):03d}" for _ in range(48)])
                      for meter in range(meters) for date in dates])


def ledger(stack, tenant="acme"):
    return query_all(stack.dynamodb, stack.table, KeyConditionExpression="pk = :pk",
                     ExpressionAttributeValues={":pk": {"S": f"T#{tenant}#LEDGER"}})


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


def work_through(functions, records, duplicate=False):
    """Lambda's SQS event source over the range queue with `functions` as its concurrent environments: each
    message to one of them, again (after its visibility timeout) until one answers without failing it."""
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
    return answers


@pytest.fixture
def workers(stack):
    started = [stack.function(RANGE_QUEUE_URL=stack.range_queue_url, **SPLIT) for _ in range(WORKERS)]
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
    ranges = stack.messages(ranges=True)
    assert len(ranges) == len(entry["ranges"]["L"])
    work_through(workers, ranges[:1])
    assert progress(stack) == {"total": len(ranges), "done": 1, "meterDaysWritten": 1000}
    work_through(workers, ranges[1:])
    assert progress(stack) == {"total": len(ranges), "done": len(ranges), "meterDaysWritten": 2500}
    [entry] = ledger(stack)
    assert entry["status"]["S"] == "ingested" and entry["meterDays"]["N"] == "2500"
    assert len(entry["rangesDone"]["NS"]) == len(entry["ranges"]["L"])
    assert stack.totals("acme") == expected_totals(stack.s3, stack.bucket)["acme"]


def test_workers_killed_mid_range_and_every_range_delivered_twice_still_end_exact(stack, workers):
    stack.put("incoming/acme/big.csv", big_file(2))
    assert workers[0].invoke(sqs_event(stack.messages()))["json"] == {"batchItemFailures": []}
    ranges = stack.messages(ranges=True)
    proxies = [FaultProxy(stack.moto) for _ in range(2)]
    killers = [stack.function(RANGE_QUEUE_URL=stack.range_queue_url, AWS_ENDPOINT_URL=proxy.endpoint, **SPLIT)
               for proxy in proxies]
    try:
        for proxy, killer, record in zip(proxies, killers, ranges):
            assert killer.invoke(sqs_event([]))["outcome"] == "ok"  # started: its bootstrap has a pid to kill
            # Past the ledger read, the HEAD and the reads of the header and the range: among the range's writes.
            proxy.configure(killAt=12, killPid=killer.stats()["pid"])
            assert killer.invoke(sqs_event([record]))["outcome"] == "crashed"
            assert proxy.stats()["killed"]
        # The two messages come back after their visibility timeout, among every message delivered twice.
        work_through(killers + workers[2:], ranges, duplicate=True)
    finally:
        for function in killers:
            function.stop()
        for proxy in proxies:
            proxy.stop()
    [entry] = ledger(stack)
    assert entry["status"]["S"] == "ingested"
    assert stack.totals("acme") == expected_totals(stack.s3, stack.bucket)["acme"]


def test_a_newer_version_uploaded_mid_job_wins(stack, workers):
    stack.put("incoming/acme/big.csv", big_file(3))
    assert workers[0].invoke(sqs_event(stack.messages()))["json"] == {"batchItemFailures": []}
    ranges = stack.messages(ranges=True)
    work_through(workers, ranges[:2])
    time.sleep(1.1)
    stack.put("incoming/acme/big.csv", wide_file([("m1", "2024-05-01", ["1"] * 48)]))
    assert workers[1].invoke(sqs_event(stack.messages()))["json"] == {"batchItemFailures": []}
    work_through(workers, ranges[2:])
    assert any("a newer version or a delete replaced this one" in worker.log_text() for worker in workers)
    assert expected_totals(stack.s3, stack.bucket)["acme"] == {"2024-05-01": (Decimal("48"), 1)}
    assert stack.totals("acme") == {"2024-05-01": (Decimal("48"), 1)}
    # Only the newer version was ingested: the older one's ranges left after it came were skipped.
    assert [item["status"]["S"] for item in ledger(stack)].count("ingested") == 1
