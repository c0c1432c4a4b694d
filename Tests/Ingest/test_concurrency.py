"""Contract point (e) and the failure paths: several processes in random order, kill -9 between any two requests,
and throttling — each ends in exactly the state the objects as they stand define."""
import os
import random
import signal
import threading
import time
from decimal import Decimal

import pytest
from oracle import expected_totals, table_totals, wide_file
from rig import FaultProxy, StreamEventSource, create_table, query_all, run_together, sqs_event

TENANTS = ["acme", "globex"]


@pytest.fixture
def proxy(moto):
    started = FaultProxy(moto)
    yield started
    started.stop()


def random_file(rng, meters=12, dates=("2024-05-01", "2024-05-02", "2024-05-03")):
    rows = []
    for meter in rng.sample(range(meters), rng.randint(1, 6)):
        for date in rng.sample(dates, rng.randint(1, len(dates))):
            rows.append((f"m{meter}", date, [f"{rng.randint(0, 999)}.{rng.randint(0, 999):03d}" for _ in range(48)]))
    return wide_file(rows)


def populate(stack, rng, objects=14):
    """Overlapping files across tenants and seconds, some overwritten, one deleted, one malformed."""
    keys = [f"incoming/{rng.choice(TENANTS)}/file-{index}.csv" for index in range(objects)]
    for index, key in enumerate(keys):
        stack.put(key, random_file(rng))
        if index % 5 == 4:
            time.sleep(1.05)  # spread LastModified over a few seconds, leaving ties within each
    for key in rng.sample(keys, 3):
        stack.put(key, random_file(rng))
    stack.delete(keys[0])
    stack.put(keys[1], random_file(rng).replace("m", "m\x01", 1).replace(",", ",x", 1))


def assert_final_state(stack, table=None):
    """The day sums against the oracle; the stack's own table is folded first (other tables by their runs)."""
    if table is None:
        stack.fold()
    expected = expected_totals(stack.s3, stack.bucket)
    for tenant in TENANTS:
        assert table_totals(stack.dynamodb, table or stack.table, tenant, query_all) == expected.get(tenant, {}), tenant


def test_several_processes_in_random_order_with_duplicates_match_the_oracle(stack):
    rng = random.Random(7)
    populate(stack, rng)
    records = stack.messages()
    deliveries = records + rng.sample(records, len(records) // 2)
    rng.shuffle(deliveries)
    functions = [stack.function(WRITE_PARALLELISM=rng.choice([1, 4])) for _ in range(3)]
    failures = []

    def worker(function, share):
        for start in range(0, len(share), 3):
            answer = function.invoke(sqs_event(share[start:start + 3]))
            if answer["outcome"] != "ok" or answer["json"]["batchItemFailures"]:
                failures.append(answer)

    try:
        run_together([lambda f=function, share=deliveries[index::3]: worker(f, share)
                      for index, function in enumerate(functions)])
    finally:
        for function in functions:
            function.stop()
    assert failures == []
    assert_final_state(stack)


def test_a_kill_between_any_two_requests_then_redelivery_ends_exact(stack, proxy):
    rng = random.Random(3)
    stack.put("incoming/acme/base.csv", random_file(rng))
    baseline = stack.messages()
    time.sleep(1.05)
    stack.put("incoming/acme/base.csv", random_file(rng))
    stack.put("incoming/acme/other.csv", random_file(rng))
    stack.put("incoming/acme/gone.csv", random_file(rng))
    stack.delete("incoming/acme/gone.csv")
    changes = stack.messages()

    def run(table, kill_at=None):
        stream = create_table(stack.dynamodb, table)
        function = stack.function(TABLE_NAME=table, AWS_ENDPOINT_URL=proxy.endpoint)
        try:
            proxy.configure()
            assert function.invoke(sqs_event(baseline))["json"] == {"batchItemFailures": []}
            proxy.configure(killAt=kill_at, killPid=function.stats()["pid"])
            first = function.invoke(sqs_event(changes))
            requests = proxy.stats()["requests"]
            proxy.configure()
            # Lambda starts a fresh environment; SQS hands the unfinished messages out again.
            again = function.invoke(sqs_event(changes))
            assert again["json"] == {"batchItemFailures": []}, again
            proxy.configure()
            assert StreamEventSource(stack.moto, stream, function).drain()
        finally:
            function.stop()
        return first, requests

    clean, total = run(f"{stack.table}-clean")
    assert clean["outcome"] == "ok"
    assert_final_state(stack, f"{stack.table}-clean")
    assert total > 10
    for kill_at in range(1, total + 1):
        table = f"{stack.table}-kill-{kill_at}"
        first, _ = run(table, kill_at)
        assert first["outcome"] == "crashed", (kill_at, first)
        assert_final_state(stack, table)


def test_throttling_is_retried_and_changes_nothing(stack, proxy):
    rng = random.Random(5)
    for index in range(4):
        stack.put(f"incoming/acme/{index}.csv", random_file(rng))
    function = stack.function(AWS_ENDPOINT_URL=proxy.endpoint)
    try:
        proxy.configure(throttleEvery=3)
        answer = function.invoke(sqs_event(stack.messages()))
    finally:
        function.stop()
    assert answer["json"] == {"batchItemFailures": []}
    assert proxy.stats()["throttled"] > 5
    assert_final_state(stack)


def test_throttling_that_outlasts_the_retries_fails_the_message_and_the_ledger_says_why(stack, proxy):
    stack.put("incoming/acme/a.csv", random_file(random.Random(1)))
    records = stack.messages()
    function = stack.function(AWS_ENDPOINT_URL=proxy.endpoint)
    try:
        proxy.configure(throttleEvery=1, throttleTargets=["BatchWriteItem"])
        answer = function.invoke(sqs_event(records))
        assert answer["json"] == {"batchItemFailures": [{"itemIdentifier": records[0]["messageId"]}]}
        ledger = query_all(stack.dynamodb, stack.table, KeyConditionExpression="pk = :pk",
                           ExpressionAttributeValues={":pk": {"S": "T#acme#LEDGER"}})
        assert [item["status"]["S"] for item in ledger] == ["processing"]
        # A stable code and a short sentence; AWS's own message (which can name accounts and roles) stays in the log.
        assert ledger[0]["lastError"]["S"].startswith("aws-retries-exhausted: ")
        assert "ThrottlingException" in ledger[0]["lastError"]["S"]
        assert "Rate of requests" not in ledger[0]["lastError"]["S"]
        proxy.configure()
        assert function.invoke(sqs_event(records))["json"] == {"batchItemFailures": []}
    finally:
        function.stop()
    assert_final_state(stack)


def test_a_thousand_one_meter_files_of_one_day_by_four_processes_with_kills_give_the_exact_total(stack):
    rng = random.Random(11)
    values = {}
    for index in range(1000):
        value = f"{rng.randint(0, 99)}.{rng.randint(0, 999):03d}"
        values[f"m{index:04d}"] = value
        stack.put(f"incoming/acme/one-{index:04d}.csv", wide_file([(f"m{index:04d}", "2024-05-01", [value] * 48)]))
    pending = stack.messages()
    rng.shuffle(pending)
    functions = [stack.function(WRITE_PARALLELISM=4) for _ in range(4)]
    lock = threading.Lock()
    kills = []

    def worker(function):
        for _ in range(2000):
            with lock:
                batch = [pending.pop() for _ in range(min(10, len(pending)))]
            if not batch:
                return
            answer = function.invoke(sqs_event(batch))
            failed = ({f["itemIdentifier"] for f in answer["json"]["batchItemFailures"]}
                      if answer["outcome"] == "ok" else {record["messageId"] for record in batch})
            with lock:
                pending.extend(record for record in batch if record["messageId"] in failed)

    def killer():
        for victim in (0, 2, 3):
            time.sleep(rng.uniform(2, 6))
            pid = functions[victim].stats()["pid"]
            if pid:
                os.kill(pid, signal.SIGKILL)
                kills.append(pid)

    try:
        run_together([lambda f=function: worker(f) for function in functions] + [killer], timeout=900)
    finally:
        for function in functions:
            function.stop()
    assert pending == [] and len(kills) == 3
    expected = sum(Decimal(value) * 48 for value in values.values())
    stack.fold(virtual_shards=4)
    assert table_totals(stack.dynamodb, stack.table, "acme", query_all) == {"2024-05-01": (expected, 1000)}


def test_a_stream_batch_delivered_twice_bisected_or_across_shards_is_folded_once(stack, proxy):
    rng = random.Random(13)
    for index in range(6):
        stack.put(f"incoming/acme/{index}.csv", random_file(rng, meters=30))
        if index % 2:
            stack.put(f"incoming/acme/{index}.csv", random_file(rng, meters=30))
    stack.delete("incoming/acme/0.csv")
    ingest = stack.function()
    try:
        assert ingest.invoke(sqs_event(stack.messages()))["json"] == {"batchItemFailures": []}
    finally:
        ingest.stop()
    expected = expected_totals(stack.s3, stack.bucket).get("acme", {})
    deliveries = [
        dict(virtual_shards=1, duplicate=True),
        dict(virtual_shards=3, duplicate=True, batch_size=7),
        dict(virtual_shards=2, batch_size=50, crash_at=4),
    ]
    for index, delivery in enumerate(deliveries):
        table = f"{stack.table}-fold-{index}"
        stream = create_table(stack.dynamodb, table)
        # The same meter-day changes in another table: copy the source table's meter-day items, as writes.
        for item in query_all_items(stack):
            stack.dynamodb.put_item(TableName=table, Item=item)
        crash_at = delivery.pop("crash_at", None)
        folder = stack.function(TABLE_NAME=table, AWS_ENDPOINT_URL=proxy.endpoint)
        try:
            source = StreamEventSource(stack.moto, stream, folder, **delivery)
            # A window's empty first invocation starts the function, so that its pid is known.
            assert folder.invoke(source.event(0, []))["json"] == {"state": {}, "batchItemFailures": []}
            # A crash after some of a batch's sum shards were updated: the batch comes back, halved, and the
            # shards already updated recognise its records.
            proxy.configure(killAt=crash_at, killPid=folder.stats()["pid"]) if crash_at else proxy.configure()
            assert source.drain(bisect=True)
            proxy.configure()
        finally:
            folder.stop()
        assert table_totals(stack.dynamodb, table, "acme", query_all) == expected, delivery
        if crash_at:
            assert source.deliveries["failed"] > 0


def query_all_items(stack):
    items = stack.dynamodb.scan(TableName=stack.table)["Items"]
    return [item for item in items if item["sk"]["S"].startswith("C#")]


def test_a_record_handed_over_twice_within_one_batch_is_folded_once(stack):
    stack.put("incoming/acme/a.csv", wide_file([(f"m{n}", "2024-05-01", ["1"] * 48) for n in range(5)]))
    ingest = stack.function()
    try:
        assert ingest.invoke(sqs_event(stack.messages()))["json"] == {"batchItemFailures": []}
        source = StreamEventSource(stack.moto, stack.stream_arn, ingest)
        source._read()
        records = source.backlog[0]
        answer = ingest.invoke(source.event(0, records + records[:2]))
        assert answer["json"] == {"state": {}, "batchItemFailures": []}
    finally:
        ingest.stop()
    assert table_totals(stack.dynamodb, stack.table, "acme", query_all) == {"2024-05-01": (Decimal("240"), 5)}
