"""A scheduled analytics run, by the ingest bootstrap as the template's AnalyticsFunction runs it: it writes each day
the stream fold marked, and deletes a mark only if no fold marked the day again meanwhile — a change that lands
while a day is being written is written by the next run, never lost. Marks younger than the quiet time wait."""
import gzip
import threading
from decimal import Decimal

import pytest
from oracle import wide_file
from rig import FaultProxy, query_all, sqs_event

SCHEDULED = {"version": "0", "id": "0b4c", "detail-type": "Scheduled Event", "source": "aws.events",
             "account": "123456789012", "time": "2026-11-30T05:00:00Z", "region": "us-east-1",
             "resources": ["arn:aws:events:us-east-1:123456789012:rule/analytics-schedule"], "detail": {}}


def ingest(stack, function, key, meters, value):
    stack.put(key, wide_file([(meter, "2024-05-01", [value] * 48) for meter in meters]))
    assert function.invoke(sqs_event(stack.messages()))["json"] == {"batchItemFailures": []}
    stack.fold()


def marks(stack):
    return query_all(stack.dynamodb, stack.table, KeyConditionExpression="pk = :pk",
                     ExpressionAttributeValues={":pk": {"S": "ANALYTICS"}})


def meter_day_rows(stack, date="2024-05-01"):
    body = stack.s3.get_object(Bucket=stack.bucket, Key=f"analytics/acme/meter_days/month={date[:7]}/{date}.tsv.gz")
    header, *rows = gzip.decompress(body["Body"].read()).decode().splitlines()
    return [dict(zip(header.split("\t"), row.split("\t"))) for row in rows]


def test_a_day_changed_while_it_was_written_keeps_its_mark_and_the_next_run_writes_it(stack, function):
    ingest(stack, function, "incoming/acme/a.csv", ["m1", "m2"], "1")
    [mark] = marks(stack)
    assert mark["sk"]["S"] == "acme#2024-05-01"
    proxy = FaultProxy(stack.moto)
    analytics = stack.function(ANALYTICS_BUCKET=stack.bucket, ANALYTICS_QUIET_SECONDS="0",
                               AWS_ENDPOINT_URL=proxy.endpoint, timeout_ms=120_000)
    answers = []
    try:
        # The run has written the day's files and is about to delete the mark (the delete names the token).
        proxy.configure(holdMatching="#token", holdOccurrence=1)
        thread = threading.Thread(target=lambda: answers.append(analytics.invoke(SCHEDULED)))
        thread.start()
        assert proxy.holding(thread)
        # Meanwhile another file changes the day: the fold marks it again.
        ingest(stack, function, "incoming/acme/b.csv", ["m3"], "2")
        proxy.release()
        thread.join(timeout=120)
    finally:
        analytics.stop()
        proxy.stop()
    assert answers[0]["json"] == {"written": 1, "removed": 0, "unsettled": 0, "failed": 0, "waiting": 1}
    assert len(marks(stack)) == 1
    # What the held run wrote is the day before the change.
    assert sorted(row["meter"] for row in meter_day_rows(stack)) == ["m1", "m2"]

    again = stack.function(ANALYTICS_BUCKET=stack.bucket, ANALYTICS_QUIET_SECONDS="0")
    try:
        assert again.invoke(SCHEDULED)["json"]["written"] == 1
    finally:
        again.stop()
    rows = meter_day_rows(stack)
    assert sorted(row["meter"] for row in rows) == ["m1", "m2", "m3"]
    assert sum(Decimal(row["value"]) for row in rows) == Decimal("48") + Decimal("48") + Decimal("96")
    assert marks(stack) == []


def test_marks_younger_than_the_quiet_time_wait_for_a_later_run(stack, function):
    ingest(stack, function, "incoming/acme/a.csv", ["m1"], "1")
    analytics = stack.function(ANALYTICS_BUCKET=stack.bucket, ANALYTICS_QUIET_SECONDS="3600")
    try:
        assert analytics.invoke(SCHEDULED)["json"] == {"written": 0, "removed": 0, "unsettled": 0, "failed": 0,
                                                       "waiting": 1}
    finally:
        analytics.stop()
    assert len(marks(stack)) == 1
    assert stack.s3.list_objects_v2(Bucket=stack.bucket, Prefix="analytics/").get("KeyCount", 0) == 0


def test_a_day_whose_readings_all_went_loses_its_files(stack, function):
    ingest(stack, function, "incoming/acme/a.csv", ["m1"], "1")
    analytics = stack.function(ANALYTICS_BUCKET=stack.bucket, ANALYTICS_QUIET_SECONDS="0")
    try:
        assert analytics.invoke(SCHEDULED)["json"]["written"] == 1
        stack.delete("incoming/acme/a.csv")
        assert function.invoke(sqs_event(stack.messages()))["json"] == {"batchItemFailures": []}
        stack.fold()
        assert analytics.invoke(SCHEDULED)["json"]["removed"] == 1
    finally:
        analytics.stop()
    assert stack.s3.list_objects_v2(Bucket=stack.bucket, Prefix="analytics/").get("KeyCount", 0) == 0


@pytest.mark.parametrize("settings", [{}, {"ANALYTICS_PREFIX": "incoming/analytics/"}])
def test_a_function_not_set_up_for_analytics_refuses_the_schedule(stack, settings):
    analytics = stack.function(**settings)
    try:
        answer = analytics.invoke(SCHEDULED)
    finally:
        analytics.stop()
    if settings:
        assert answer["outcome"] == "init-error" and "ANALYTICS_PREFIX" in answer["errorMessage"]
    else:
        assert answer["outcome"] == "error" and "ANALYTICS_BUCKET is not set" in answer["errorMessage"]
