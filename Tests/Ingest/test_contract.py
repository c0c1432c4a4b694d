"""The ingest function's correctness contract, point by point: the real bootstrap under the Runtime API emulator,
events as moto's S3 -> SQS notifications deliver them, the table read back and held against an oracle computed from
the objects as they stand."""
import json
import time
from decimal import Decimal

from oracle import expected_totals, table_totals, wide_file
from rig import Stack, create_table, query_all, run_together, sqs_event


def day(meter, date, value):
    return (meter, date, [value] * 48)


def totals(stack, tenant):
    return stack.totals(tenant)


def ingest_queue(stack, function):
    answer = function.invoke(sqs_event(stack.messages()))
    assert answer["outcome"] == "ok", answer
    assert answer["json"] == {"batchItemFailures": []}
    return answer


def assert_matches_bucket(stack, *tenants):
    expected = expected_totals(stack.s3, stack.bucket)
    for tenant in tenants:
        assert totals(stack, tenant) == expected.get(tenant, {}), tenant


def test_a_file_gives_exact_daily_totals_and_meter_counts(stack, function):
    stack.put("incoming/acme/a.csv", wide_file([day("m1", "2024-05-01", "0.001"), day("m2", "2024-05-01", "1.5"),
                                                 day("m1", "2024-05-02", "2")]))
    ingest_queue(stack, function)
    assert totals(stack, "acme") == {"2024-05-01": (Decimal("72.048"), 2), "2024-05-02": (Decimal("96"), 1)}


def test_a_redelivered_version_changes_nothing_sequentially_or_concurrently(stack, moto):
    stack.put("incoming/acme/a.csv", wide_file([day("m1", "2024-05-01", "1"), day("m2", "2024-05-01", "2")]))
    records = stack.messages()
    functions = [stack.function() for _ in range(3)]
    try:
        for _ in range(3):
            assert functions[0].invoke(sqs_event(records))["outcome"] == "ok"
        answers = []
        run_together([lambda f=f: answers.append(f.invoke(sqs_event(records * 3))) for f in functions], timeout=120)
    finally:
        for started in functions:
            started.stop()
    assert [answer["outcome"] for answer in answers] == ["ok"] * 3
    assert totals(stack, "acme") == {"2024-05-01": (Decimal("144"), 2)}


def test_an_overwrite_counts_only_the_current_version_and_drops_what_it_no_longer_holds(stack, function):
    stack.put("incoming/acme/a.csv", wide_file([day("m1", "2024-05-01", "1"), day("m2", "2024-05-02", "1")]))
    ingest_queue(stack, function)
    stack.put("incoming/acme/a.csv", wide_file([day("m1", "2024-05-01", "3")]))
    ingest_queue(stack, function)
    assert totals(stack, "acme") == {"2024-05-01": (Decimal("144"), 1)}
    assert_matches_bucket(stack, "acme")


def test_an_event_for_an_old_version_counts_the_current_one(stack, function):
    stack.put("incoming/acme/a.csv", wide_file([day("m1", "2024-05-01", "1")]))
    stack.put("incoming/acme/a.csv", wide_file([day("m1", "2024-05-01", "2")]))
    records = stack.messages()
    function.invoke(sqs_event(records[:1]))
    assert totals(stack, "acme") == {"2024-05-01": (Decimal("96"), 1)}
    function.invoke(sqs_event(records))
    assert totals(stack, "acme") == {"2024-05-01": (Decimal("96"), 1)}


def test_a_deleted_object_stops_counting_and_what_it_superseded_counts_again(stack, function):
    stack.put("incoming/acme/old.csv", wide_file([day("m1", "2024-05-01", "1"), day("m2", "2024-05-01", "1")]))
    time.sleep(1.1)  # a later LastModified, to the second
    stack.put("incoming/acme/new.csv", wide_file([day("m1", "2024-05-01", "5")]))
    ingest_queue(stack, function)
    assert totals(stack, "acme") == {"2024-05-01": (Decimal("288"), 2)}
    stack.delete("incoming/acme/new.csv")
    ingest_queue(stack, function)
    # Every source's reading is kept, so the superseded one is restored: stronger than the (c) asks.
    assert totals(stack, "acme") == {"2024-05-01": (Decimal("96"), 2)}
    stack.delete("incoming/acme/old.csv")
    ingest_queue(stack, function)
    assert totals(stack, "acme") == {}


def test_a_delete_processed_before_its_create_means_the_object_never_counts(stack, function):
    stack.put("incoming/acme/a.csv", wide_file([day("m1", "2024-05-01", "1")]))
    stack.delete("incoming/acme/a.csv")
    created, removed = stack.messages()
    function.invoke(sqs_event([removed]))
    function.invoke(sqs_event([created]))
    assert totals(stack, "acme") == {}


def test_an_overlap_is_won_by_the_later_object_whatever_the_processing_order(stack):
    stack.put("incoming/acme/first.csv", wide_file([day("m1", "2024-05-01", "1"), day("m2", "2024-05-01", "1")]))
    time.sleep(1.1)
    stack.put("incoming/acme/second.csv", wide_file([day("m1", "2024-05-01", "2")]))
    first, second = stack.messages()
    for index, order in enumerate(([first, second], [second, first])):
        table = f"{stack.table}-{index}"
        stream = create_table(stack.dynamodb, table)
        started = stack.function(TABLE_NAME=table)
        try:
            for record in order:
                assert started.invoke(sqs_event([record]))["json"] == {"batchItemFailures": []}
        finally:
            started.stop()
        assert stack.totals("acme", table=table, stream_arn=stream) == {"2024-05-01": (Decimal("144"), 2)}


def test_an_overlap_within_one_second_is_won_by_the_greater_key(stack, function):
    for _ in range(5):
        a = stack.put("incoming/acme/b.csv", wide_file([day("m1", "2024-05-01", "1")]))
        b = stack.put("incoming/acme/a.csv", wide_file([day("m1", "2024-05-01", "7")]))
        heads = [stack.s3.head_object(Bucket=stack.bucket, Key=k)["LastModified"] for k in ("incoming/acme/a.csv",
                                                                                           "incoming/acme/b.csv")]
        if heads[0] == heads[1]:
            break
    assert a and b and heads[0] == heads[1], "could not put two objects within one second"
    ingest_queue(stack, function)
    assert totals(stack, "acme") == {"2024-05-01": (Decimal("48"), 1)}


def test_tenants_never_see_each_others_data(stack, function):
    stack.put("incoming/acme/a.csv", wide_file([day("m1", "2024-05-01", "1")]))
    stack.put("incoming/globex/a.csv", wide_file([day("m1", "2024-05-01", "2")]))
    stack.put("incoming/top.csv", wide_file([day("m1", "2024-05-01", "3")]))
    ingest_queue(stack, function)
    assert totals(stack, "acme") == {"2024-05-01": (Decimal("48"), 1)}
    assert totals(stack, "globex") == {"2024-05-01": (Decimal("96"), 1)}
    assert totals(stack, "default") == {"2024-05-01": (Decimal("144"), 1)}


def test_keys_are_decoded_as_s3_encodes_them(stack, function):
    key = "incoming/acme/May 2024/meter+a%b.csv"
    stack.put(key, wide_file([day("m1", "2024-05-01", "1")]))
    records = stack.messages()
    assert "%2F" in records[0]["body"] or "+" in records[0]["body"]
    ingest_queue_records = function.invoke(sqs_event(records))
    assert ingest_queue_records["json"] == {"batchItemFailures": []}
    ledger = query_all(stack.dynamodb, stack.table, KeyConditionExpression="pk = :pk",
                       ExpressionAttributeValues={":pk": {"S": "T#acme#LEDGER"}})
    assert [item["objectKey"]["S"] for item in ledger] == [key]
    assert ledger[0]["status"]["S"] == "ingested"


def test_a_bad_file_writes_nothing_is_reported_and_the_invocation_succeeds(stack, function):
    good = wide_file([day("m1", "2024-05-01", "1")])
    stack.put("incoming/acme/a.csv", good)
    ingest_queue(stack, function)
    bad = wide_file([day("m1", "2024-05-01", "2"), day("m2", "2024-05-01", "x")])
    stack.put("incoming/acme/a.csv", bad)
    stack.put("incoming/acme/b.csv", wide_file([day("m3", "2024-05-02", "-1")]))
    answer = ingest_queue(stack, function)
    # A rejected correction does not erase the key's last valid version: its totals stay.
    assert totals(stack, "acme") == {"2024-05-01": (Decimal("48"), 1)}
    assert_matches_bucket(stack, "acme")
    readings = query_all(stack.dynamodb, stack.table, KeyConditionExpression="pk = :pk",
                         ExpressionAttributeValues={":pk": {"S": "T#acme#M#m2"}})
    assert readings == []
    ledger = {item["objectKey"]["S"] + "@" + item["status"]["S"]: item for item in query_all(
        stack.dynamodb, stack.table, KeyConditionExpression="pk = :pk", ExpressionAttributeValues={":pk": {"S": "T#acme#LEDGER"}})}
    rejected = ledger["incoming/acme/b.csv@rejected"]
    assert "negative-value" in rejected["errorSummary"]["S"]
    report = json.loads(stack.s3.get_object(Bucket=stack.bucket, Key=rejected["reportKey"]["S"])["Body"].read())
    assert rejected["reportKey"]["S"].startswith("reports/acme/b.csv.")
    assert report["countsByCode"] == {"negative-value": 48}
    assert report["errors"][0]["line"] == 2 and report["errors"][0]["code"] == "negative-value"
    assert report["errors"][0]["column"] == "0:00" and report["errors"][0]["excerpt"] == "-1"
    assert report["object"]["key"] == "incoming/acme/b.csv"
    assert "incoming/acme/a.csv@rejected" in ledger and "incoming/acme/a.csv@ingested" in ledger
    # Each rejected file is alerted on once, with where its report is.
    alerts = sorted(stack.alerts(), key=lambda alert: alert["key"])
    assert [(a["kind"], a["tenant"], a["key"]) for a in alerts] == [
        ("rejected", "acme", "incoming/acme/a.csv"), ("rejected", "acme", "incoming/acme/b.csv")]
    assert "negative-value" in alerts[1]["summary"]
    assert alerts[1]["report"] == f"s3://{stack.bucket}/{rejected['reportKey']['S']}"
    assert "invalid-number" in ledger["incoming/acme/a.csv@rejected"]["errorSummary"]["S"]
    assert answer["json"] == {"batchItemFailures": []}
    # A valid version after the rejected one counts as usual, and a delete removes the key's readings.
    stack.put("incoming/acme/a.csv", wide_file([day("m1", "2024-05-01", "3")]))
    ingest_queue(stack, function)
    assert totals(stack, "acme") == {"2024-05-01": (Decimal("144"), 1)}
    stack.put("incoming/acme/a.csv", bad)
    stack.delete("incoming/acme/a.csv")
    ingest_queue(stack, function)
    assert totals(stack, "acme") == {}


def test_a_gzip_bomb_is_rejected_by_its_ratio_and_the_next_file_goes_on(stack, function):
    import gzip
    bomb = gzip.compress(wide_file([day("m1", "2024-05-01", "1")]).encode() + b"0" * (256 << 20), 9)
    assert len(bomb) < 400_000  # 256 MiB of zeros behind one good row
    stack.put("incoming/acme/bomb.csv.gz", bomb)
    stack.put("incoming/acme/good.csv", wide_file([day("m2", "2024-05-01", "2")]))
    ingest_queue(stack, function)
    ledger = {item["objectKey"]["S"]: item for item in query_all(
        stack.dynamodb, stack.table, KeyConditionExpression="pk = :pk", ExpressionAttributeValues={":pk": {"S": "T#acme#LEDGER"}})}
    assert ledger["incoming/acme/bomb.csv.gz"]["status"]["S"] == "rejected"
    assert "gzip-ratio" in ledger["incoming/acme/bomb.csv.gz"]["errorSummary"]["S"]
    assert totals(stack, "acme") == {"2024-05-01": (Decimal("96"), 1)}


def test_only_the_failing_messages_of_a_batch_come_back(stack, function):
    stack.put("incoming/acme/a.csv", wide_file([day("m1", "2024-05-01", "1")]))
    records = stack.messages()
    junk = dict(records[0], messageId="junk", body="not an S3 event")
    foreign = dict(records[0], messageId="foreign", body=records[0]["body"].replace(stack.bucket, "no-such-bucket"))
    answer = function.invoke(sqs_event([junk, records[0], foreign]))
    assert answer["outcome"] == "ok"
    assert answer["json"] == {"batchItemFailures": [{"itemIdentifier": "junk"}, {"itemIdentifier": "foreign"}]}
    assert totals(stack, "acme") == {"2024-05-01": (Decimal("48"), 1)}


def test_an_s3_test_event_and_a_vanished_object_are_not_failures(stack, function):
    test_event = {"Service": "Amazon S3", "Event": "s3:TestEvent", "Time": "2026-11-22T00:00:00Z", "Bucket": stack.bucket}
    stack.put("incoming/acme/gone.csv", wide_file([day("m1", "2024-05-01", "1")]))
    stack.s3.delete_objects(Bucket=stack.bucket, Delete={"Objects": [{"Key": "incoming/acme/gone.csv"}]})
    records = [r for r in stack.messages() if "ObjectCreated" in r["body"]]
    records.append(dict(records[0], messageId="test", body=json.dumps(test_event)))
    answer = function.invoke(sqs_event(records))
    assert answer["json"] == {"batchItemFailures": []}
    assert totals(stack, "acme") == {}


def test_with_listing_granted_only_under_the_incoming_prefix_a_gone_key_is_told_from_a_refusal(stack):
    """S3 answers a HEAD of a missing key with 403, not 404, to a role that may list only under a prefix (the
    template's grant); the proxy answers as S3 would to that role."""
    from rig import FaultProxy
    proxy = FaultProxy(stack.moto)
    function = stack.function(AWS_ENDPOINT_URL=proxy.endpoint)
    try:
        proxy.configure(listPrefix="incoming/")
        stack.put("incoming/acme/a.csv", wide_file([day("m1", "2024-05-01", "1")]))
        stack.put("incoming/acme/b.csv", wide_file([day("m2", "2024-05-01", "2")]))
        ingest_queue(stack, function)
        assert totals(stack, "acme") == {"2024-05-01": (Decimal("144"), 2)}
        stack.delete("incoming/acme/a.csv")
        ingest_queue(stack, function)
        assert totals(stack, "acme") == {"2024-05-01": (Decimal("96"), 1)}
        assert proxy.stats()["operations"].get("S3 AccessDenied", 0) >= 1  # the gone key was a 403

        # A 403 for a key that has an object is a refusal: the message fails, and nothing stops counting.
        stack.put("incoming/acme/b.csv", wide_file([day("m2", "2024-05-01", "3")]))
        proxy.configure(listPrefix="incoming/", deniedKeys=["incoming/acme/b.csv"])
        records = stack.messages()
        answer = function.invoke(sqs_event(records))
        assert answer["json"] == {"batchItemFailures": [{"itemIdentifier": records[0]["messageId"]}]}
        assert totals(stack, "acme") == {"2024-05-01": (Decimal("96"), 1)}

        # A backfill of the whole bucket lists only the incoming prefix.
        proxy.configure(listPrefix="incoming/")
        answer = function.invoke({"backfill": {"bucket": stack.bucket}})
        assert answer["outcome"] == "ok", answer
        assert answer["json"]["processed"] == 1 and answer["json"]["done"]
        assert totals(stack, "acme") == {"2024-05-01": (Decimal("144"), 1)}
    finally:
        function.stop()
        proxy.stop()


def test_a_slow_but_steady_read_goes_to_the_end_and_a_stalled_one_resumes_where_it_stopped(stack):
    """A read has no fixed total time, only the invocation's deadline: a file streamed over a minute is read whole.
    A stream that stops moving is dropped after TRANSFER_STALL_SECONDS and resumed with a ranged read of the rest,
    within the same invocation."""
    from rig import FaultProxy
    proxy = FaultProxy(stack.moto)
    function = stack.function(timeout_ms=180_000, AWS_ENDPOINT_URL=proxy.endpoint, TRANSFER_STALL_SECONDS="2")
    try:
        slow = wide_file([(f"m{meter}", "2024-05-01", [f"{meter % 10}.125"] * 48) for meter in range(1000)])
        stack.put("incoming/acme/slow.csv", slow)
        proxy.configure(paceBytesPerSecond=len(slow) // 60)  # a minute, twice curl's old fixed 30 s
        ingest_queue(stack, function)
        assert_matches_bucket(stack, "acme")

        stalled = wide_file([(f"s{meter}", "2024-05-02", ["0.5"] * 48) for meter in range(700)])
        stack.put("incoming/acme/stalled.csv", stalled)
        proxy.configure(stallAfterBytes=len(stalled) // 3)
        ingest_queue(stack, function)
        assert proxy.stats()["operations"]["S3 stalled"] == 1
        assert_matches_bucket(stack, "acme")
        assert totals(stack, "acme")["2024-05-02"] == (Decimal("16800"), 700)
    finally:
        function.stop()
        proxy.stop()


def test_a_direct_s3_event_is_handled_too(stack, function):
    stack.put("incoming/acme/a.csv", wide_file([day("m1", "2024-05-01", "1")]))
    body = json.loads(stack.messages()[0]["body"])
    answer = function.invoke(body)
    assert answer["outcome"] == "ok"
    assert totals(stack, "acme") == {"2024-05-01": (Decimal("48"), 1)}


def test_a_gzip_file_and_a_bucket_without_versioning(moto):
    import gzip
    plain = Stack(moto, versioned=False)
    function = plain.function()
    try:
        plain.put("incoming/acme/a.csv.gz", gzip.compress(wide_file([day("m1", "2024-05-01", "0.25")]).encode()))
        ingest_queue(plain, function)
        plain.put("incoming/acme/a.csv.gz", gzip.compress(wide_file([day("m2", "2024-05-02", "0.5")]).encode()))
        ingest_queue(plain, function)
        assert_matches_bucket(plain, "acme")
        assert totals(plain, "acme") == {"2024-05-02": (Decimal("24"), 1)}
    finally:
        function.stop()
        plain.close()


def test_backfill_ingests_a_prefix_and_resumes_from_its_continuation(stack, moto):
    for index in range(6):
        stack.put(f"incoming/acme/{index}.csv", wide_file([day(f"m{index}", "2024-05-01", "1")]))
    stack.messages()  # the backfill, not the queue, brings them in
    started = stack.function()
    try:
        event = {"backfill": {"bucket": stack.bucket, "prefix": "incoming/acme/", "limit": 4}}
        answers = []
        for _ in range(40):
            answer = started.invoke(event)
            assert answer["outcome"] == "ok", answer
            answers.append(answer["json"])
            if answer["json"]["done"]:
                break
            event = answer["json"]["continuation"]
    finally:
        started.stop()
    assert [a["done"] for a in answers] == [False, True]
    assert answers[0]["continuation"]["backfill"]["startAfter"] == "incoming/acme/3.csv"
    assert sum(a["processed"] for a in answers) == 6
    assert totals(stack, "acme") == {"2024-05-01": (Decimal("288"), 6)}


def test_a_missing_table_name_is_an_init_error(stack):
    started = stack.function(TABLE_NAME="")
    try:
        answer = started.invoke({"Records": []})
    finally:
        started.stop()
    assert answer["outcome"] == "init-error"
    assert answer["errorType"] == "Runtime.InvalidConfiguration"
    assert "TABLE_NAME" in answer["errorMessage"]


def test_a_file_too_big_for_one_invocation_resumes_where_it_stopped(stack):
    rows = [(f"m{meter}", f"2024-05-{day:02d}", [f"{meter % 7}.{day:03d}"] * 48) for meter in range(300) for day in (1, 2, 3)]
    stack.put("incoming/acme/big.csv", wide_file(rows))
    records = stack.messages()
    # 2 s per invocation, work stops 1 s before: far too little for 900 meter-days against moto, and enough for a
    # round of offers and its progress on a loaded machine (1.5 s gave 0.5 s, which two busy cores could use up).
    function = stack.function(timeout_ms=2000, DEADLINE_MARGIN_MS="1000", WRITE_PARALLELISM="1")
    answers, pending = [], records
    try:
        for _ in range(60):
            answers.append(function.invoke(sqs_event(pending)))
            assert answers[-1]["outcome"] == "ok", answers[-1]
            # A message cut short either fails (and comes back) or, when the deadline stopped it with its progress
            # saved, succeeds with its rest continued in a fresh message on the work queue.
            if answers[-1]["json"] == {"batchItemFailures": []}:
                pending = stack.messages(work=True)
                assert all("continued" in json.loads(record["body"]) for record in pending)
                if not pending:
                    break
    finally:
        function.stop()
    # No invocation could do it all, so finishing at all shows each one resumed where the last stopped.
    assert len(answers) > 2 and not pending
    assert_matches_bucket(stack, "acme")
    ledger = query_all(stack.dynamodb, stack.table, KeyConditionExpression="pk = :pk",
                       ExpressionAttributeValues={":pk": {"S": "T#acme#LEDGER"}})
    assert ledger[0]["status"]["S"] == "ingested" and ledger[0]["meterDays"]["N"] == "900"
    assert "lastError" not in ledger[0] and "writtenMeterDays" not in ledger[0]


def test_keys_and_meters_that_differ_only_in_unicode_normalisation_are_apart(stack, function):
    composed, decomposed = "M\u00e4rz", "Ma\u0308rz"
    stack.put(f"incoming/acme/{composed}.csv", wide_file([day(composed, "2024-05-01", "1")]))
    time.sleep(1.1)
    stack.put(f"incoming/acme/{decomposed}.csv", wide_file([day(decomposed, "2024-05-01", "2"),
                                                             day(composed, "2024-05-02", "1")]))
    ingest_queue(stack, function)
    # Two keys and two meters, though Swift's String calls each pair equal.
    assert totals(stack, "acme") == {"2024-05-01": (Decimal("144"), 2), "2024-05-02": (Decimal("48"), 1)}
    stack.delete(f"incoming/acme/{composed}.csv")
    ingest_queue(stack, function)
    assert totals(stack, "acme") == {"2024-05-01": (Decimal("96"), 1), "2024-05-02": (Decimal("48"), 1)}
    assert_matches_bucket(stack, "acme")


def test_a_file_costs_what_it_holds_whatever_its_day_already_holds(stack, function):
    """The bar of the storage design: a small file into a large day reads no more than a small file into an empty
    one (its meter-days, not the day's)."""
    stack.put("incoming/acme/big.csv", wide_file([day(f"m{index}", "2024-05-01", "1") for index in range(300)]))
    ingest_queue(stack, function)
    stack.put("incoming/acme/small.csv", wide_file([day(f"n{index}", "2024-05-01", "1") for index in range(3)]))
    answer = ingest_queue(stack, function)
    logs = [line for line in function.log_text().splitlines() if "small.csv" in line and "meterDaysRecomputed" in line]
    assert logs and '"meterDaysRecomputed":0' in logs[-1].replace(" ", ""), logs
    assert answer["json"] == {"batchItemFailures": []}
    assert totals(stack, "acme") == {"2024-05-01": (Decimal("14544"), 303)}


def test_days_from_1900_to_2999_travel_end_to_end(stack):
    """Keys hold dates as text and pages list them the same way, so a day before 1970 reads back like any other."""
    function = stack.function(EARLIEST_DATE="1900-01-01", LATEST_DATE="2999-12-31")
    try:
        stack.put("incoming/acme/edges.csv", wide_file([day("m1", "1900-01-01", "1"), day("m1", "2999-12-31", "2")]))
        ingest_queue(stack, function)
        assert totals(stack, "acme") == {"1900-01-01": (Decimal("48"), 1), "2999-12-31": (Decimal("96"), 1)}
        # A correction then a delete must find the earlier version's meter-days again through its pages.
        stack.put("incoming/acme/edges.csv", wide_file([day("m1", "1900-01-01", "3")]))
        ingest_queue(stack, function)
        assert totals(stack, "acme") == {"1900-01-01": (Decimal("144"), 1)}
        stack.delete("incoming/acme/edges.csv")
        ingest_queue(stack, function)
        assert totals(stack, "acme") == {}
    finally:
        function.stop()


def test_a_key_of_1024_bytes_and_keys_with_dot_segments_are_ingested(stack, function):
    """S3 allows 1,024-byte keys (the ledger's sort key then holds a hash of it) and keys with `.` and `..` segments
    (sent as they are: a path tidied by the HTTP client would no longer be the one signed)."""
    long_key = "incoming/acme/" + "k" * (1024 - len("incoming/acme/") - len(".csv")) + ".csv"
    assert len(long_key.encode()) == 1024
    dotted = ["incoming/acme/./a.csv", "incoming/acme/../acme/b.csv"]
    for index, key in enumerate([long_key] + dotted):
        stack.put(key, wide_file([day(f"m{index}", "2024-05-01", "1")]))
    ingest_queue(stack, function)
    assert totals(stack, "acme") == {"2024-05-01": (Decimal("144"), 3)}
    ledger = query_all(stack.dynamodb, stack.table, KeyConditionExpression="pk = :pk",
                       ExpressionAttributeValues={":pk": {"S": "T#acme#LEDGER"}})
    assert sorted(item["objectKey"]["S"] for item in ledger) == sorted([long_key] + dotted)
    assert all(item["status"]["S"] == "ingested" for item in ledger)


def test_a_huge_header_field_is_quoted_short_in_the_report_and_the_ledger(stack, function):
    header = "Meter,Date," + "X" * 65_000 + "\n"
    stack.put("incoming/acme/huge.csv", header + "m1,2024-05-01,1\n")
    ingest_queue(stack, function)
    ledger = query_all(stack.dynamodb, stack.table, KeyConditionExpression="pk = :pk",
                       ExpressionAttributeValues={":pk": {"S": "T#acme#LEDGER"}})
    summary = ledger[0]["errorSummary"]["S"]
    assert ledger[0]["status"]["S"] == "rejected" and len(summary.encode()) < 600, len(summary)
    report = json.loads(stack.s3.get_object(Bucket=stack.bucket, Key=ledger[0]["reportKey"]["S"])["Body"].read())
    assert all(len((error["column"] or "").encode()) <= 200 and len(error["message"].encode()) <= 200
               for error in report["errors"])


def test_an_object_in_no_tenants_folder_is_on_the_ledger_and_alerted_never_counted(stack, function):
    stray = ["incoming/Acme Corp/x.csv", "incoming/_x/y.csv", "incoming/" + "t" * 65 + "/z.csv",
             "incoming/acme/folder/", "incoming/\u0301acme/w.csv"]
    for key in stray:
        stack.put(key, wide_file([day("m1", "2024-05-01", "1")]))
    stack.put("incoming/acme/empty/", b"")  # the console's folder placeholder: nothing to account for
    records = stack.messages()
    ingest = function.invoke(sqs_event(records))
    assert ingest["json"] == {"batchItemFailures": []}
    ledger = query_all(stack.dynamodb, stack.table, KeyConditionExpression="pk = :pk",
                       ExpressionAttributeValues={":pk": {"S": "T#_unassigned#LEDGER"}})
    assert sorted(item["objectKey"]["S"] for item in ledger) == sorted(stray)
    assert {item["status"]["S"] for item in ledger} == {"unassigned"}
    assert "breaks the rule" in next(i for i in ledger if i["objectKey"]["S"] == stray[0])["errorSummary"]["S"]
    assert "holds" in next(i for i in ledger if i["objectKey"]["S"] == stray[3])["errorSummary"]["S"]
    # A combining mark after the prefix's slash: the tenant folder is "\u0301acme", not under the prefix's radar.
    assert "breaks the rule" in next(i for i in ledger if i["objectKey"]["S"] == stray[4])["errorSummary"]["S"]
    assert sorted(a["key"] for a in stack.alerts() if a["kind"] == "unassigned") == sorted(stray)
    assert '"ObjectsUnassigned":1' in function.log_text().replace(" ", "")
    # Delivered again: nothing new, no second alert; and nothing of it counts anywhere.
    assert function.invoke(sqs_event(records))["json"] == {"batchItemFailures": []}
    assert stack.alerts() == []
    assert totals(stack, "acme") == {} and totals(stack, "_unassigned") == {}
