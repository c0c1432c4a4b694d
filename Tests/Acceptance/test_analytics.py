"""The analytics layer against the API: DuckDB (PyPI), standing in for Athena, reads what the schedule wrote under
analytics/ with hive partitioning, and its sums per day equal the API's totals to the last digit — after the
demo's files, the shared samples, two NEM12 files with export, estimated and substituted energy, a correction and a
delete. Its intervals equal an oracle's, computed here from the files as uploaded (rule (d) over their versions,
Python's zoneinfo placing each interval in the tenant's zone). The backfill command writes the same bytes, and the
Glue tables of template.yaml name the files' columns."""
import csv
import gzip
import io
import json
import os
import subprocess
import urllib.parse
import urllib.request
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from analytics_layer import download, duckdb_days, duckdb_intervals, marks_left, settle
from local_stack import LocalStack
from nem12_oracle import channel_days_in, day_totals, role
from oracle import INTERVALS, counting_versions, meter_days
import template_yaml

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "samples"

CONSUMPTION = ROOT / os.environ.get("CONSUMPTION_BIN", ".build/debug/consumption")
TENANT = "acme"
# NEM12's market time (AEST, no daylight saving): the tenant's zone, so every interval has an offset and a UTC start.
ZONE = "Australia/Brisbane"


def nem12(date):
    """A day of one NMI's import (estimated: quality E) and export (actual) channels, in Wh."""
    def channel(suffix, unit, values, quality):
        return (f"200,NMI0000009,E1B1,1,{suffix},N1,M1,{unit},30,\n"
                f"300,{date},{','.join(values)},{quality},,,20240510120000,20240510120000\n")
    return ("100,NEM12,202405101200,MDP1,RETAILER\n"
            + channel("E1", "Wh", [str(100 + slot) for slot in range(48)], "E52")
            + channel("B1", "Wh", ["250.5"] * 48, "A") + "900\n")


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    # Marks are written as soon as they exist, and the schedule runs every 3 s (EventBridge's least is a minute).
    # The demo's files, the shared samples, a NEM12 file with export and estimated energy and the NEM12 week, read in
    # the tenant's zone.
    with LocalStack(stage="analytics", work_dir=tmp_path_factory.mktemp("analytics"), tenant=TENANT, max_seconds=900,
                    parameters={"AnalyticsQuietSeconds": "0"}, analytics_every=3) as stack:
        answer = consumption(stack, "tenants", "set-zone", TENANT, ZONE)
        assert answer.returncode == 0, answer.stderr
        for name in ("week-1.csv", "week-2.csv", "broken.csv"):
            put(stack, name, (ROOT / "samples" / name).read_bytes())
        for name in ("wide-48-k3.csv", "wide-48-integers.csv"):
            put(stack, f"shared/{name}", (SHARED / name).read_bytes())
        put(stack, "nem12/solar.csv", nem12("20240502").encode())
        # Qualities interval by interval (V and 400 records: S, A) and a day with gaps (N), which keeps no intervals.
        put(stack, "nem12/week.csv", (ROOT / "samples" / "nem12-week.csv").read_bytes())
        yield stack


def put(stack, key, body):
    stack.s3.put_object(Bucket=stack.settings.bucket, Key=f"incoming/{TENANT}/{key}", Body=body)


def api(stack, path):
    request = urllib.request.Request(stack.api_url + path, headers={"x-api-key": stack.api_key})
    with urllib.request.urlopen(request, timeout=60) as answer:
        return json.loads(answer.read())


def api_days(stack):
    """Every day the API has, from 2000 to 2030, page by page."""
    days, token = {}, None
    for _ in range(100):
        page = api(stack, "/consumption?from=2000-01-01&to=2030-12-31&limit=100"
                   + (f"&nextToken={urllib.parse.quote(token)}" if token else ""))
        days.update({day["date"]: day for day in page["items"]})
        token = page["nextToken"]
        if not token:
            return days
    raise AssertionError("the API kept paging")


def consumption(stack, *arguments):
    environment = {**os.environ, "TABLE_NAME": stack.settings.table, "AWS_ACCESS_KEY_ID": stack.moto.access_key,
                   "AWS_SECRET_ACCESS_KEY": stack.moto.secret_key, "AWS_REGION": "us-east-1",
                   "AWS_ENDPOINT_URL": stack.moto.endpoint}
    return subprocess.run([str(CONSUMPTION), *arguments], env=environment, capture_output=True, text=True, timeout=300)


def file_days(data):
    """(meter, date) -> (flow, [(kWh, quality)] or None when the reading keeps no intervals) of every day a valid
    file holds; None for a file that is not valid. A wide file's rows are all actual; a NEM12 day with a gap (N)
    keeps none."""
    if data.startswith(b"100,NEM12"):
        days = {}
        for (meter, date), day in channel_days_in(data.decode()).items():
            flow, scale = role(meter, day["unit"])
            if flow != "skipped":
                kept = "N" not in day["qualities"]
                days[(meter, date)] = (flow, [(value * scale, quality) for value, quality in
                                              zip(day["values"], day["qualities"])] if kept else None)
        return days
    if meter_days(data) is None:
        return None
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert [name.strip() for name in rows[0]] == ["Meter", "Date"] + INTERVALS
    return {(row[0], row[1]): ("consumption", [(Decimal(value), "A") for value in row[2:]]) for row in rows[1:] if row}


def expected_intervals(stack):
    """(meter, date, number) -> the intervals table's row: the reading that counts by rule (d) (the latest
    LastModified, then key, then ETag) over every counting version, its intervals placed in ZONE by zoneinfo."""
    bucket, prefix = stack.settings.bucket, f"incoming/{TENANT}/"
    counting = counting_versions(stack.s3, bucket, prefix, valid=lambda data: file_days(data) is not None)
    # Each key here has one version that ever counted, its latest.
    latest = {version["Key"]: version["VersionId"]
              for page in stack.s3.get_paginator("list_object_versions").paginate(Bucket=bucket, Prefix=prefix)
              for version in page.get("Versions", []) if version["IsLatest"]}
    winners = {}
    for key, (data, last_modified, etag) in counting.items():
        rank = (int(last_modified.timestamp()), key.encode(), etag.encode())
        for slot, day in file_days(data).items():
            if slot not in winners or winners[slot][0] < rank:
                winners[slot] = (rank, key, day)
    zone, rows = ZoneInfo(ZONE), {}
    for (meter, date), (_, key, (flow, intervals)) in winners.items():
        if intervals is None:
            continue
        midnight = datetime.fromisoformat(date).replace(tzinfo=zone).astimezone(timezone.utc)
        minutes = 1440 // len(intervals)
        for number, (value, quality) in enumerate(intervals, start=1):
            start = midnight + timedelta(minutes=minutes * (number - 1))
            rows[(meter, date, number)] = (start.astimezone(zone).isoformat(), start.strftime("%Y-%m-%dT%H:%M:%SZ"),
                                           minutes, value, "kWh", quality, flow, key, latest[key], date[:7])
    return rows


def assert_layer_equals_api(stack, tmp_path):
    expected = api_days(stack)
    assert expected, "the API has no day: nothing was ingested"
    layer = download(stack, "analytics/", tmp_path)
    assert duckdb_intervals(layer, TENANT) == expected_intervals(stack)
    summed, daily = duckdb_days(layer, TENANT)
    wanted = {date: (Decimal(day["total"]), day["meters"], Decimal(day["notActual"]), day["completeMeters"],
                     Decimal(day["exported"])) for date, day in expected.items()}
    assert {date: row[:5] for date, row in summed.items()} == wanted
    assert {date: row[:5] for date, row in daily.items()} == wanted
    assert {date: row[5] for date, row in daily.items()} == {d: Decimal(e["average"]) for d, e in expected.items()}
    return expected


def test_duckdb_sums_per_day_equal_the_api_after_corrections_and_deletes(stack, tmp_path):
    settle(stack)
    before = assert_layer_equals_api(stack, tmp_path / "first")
    # 48 x 250.5 Wh, beside the NEM12 week's own export that day.
    week_export = day_totals([ROOT / "samples" / "nem12-week.csv"])["2024-05-02"]["exported"]
    assert Decimal(before["2024-05-02"]["exported"]) == Decimal("12.024") + week_export
    # The oracle's check bites where it matters: NEM12 qualities other than actual, export, a day with gaps left out.
    intervals = duckdb_intervals(tmp_path / "first" / "analytics", TENANT)
    assert {row[5] for row in intervals.values()} == {"A", "E", "S"}
    assert {row[6] for row in intervals.values()} == {"consumption", "export"}
    assert ("6100000002/E1", "2024-05-06", 1) not in intervals and ("6100000002/E1", "2024-05-05", 1) in intervals
    second = intervals[("6100000001/E1", "2024-05-01", 2)]
    assert second[:3] == ("2024-05-01T00:30:00+10:00", "2024-04-30T14:30:00Z", 30)
    # Net energy beside both, never in place of either.
    assert all(Decimal(day["net"]) == Decimal(day["total"]) - Decimal(day["exported"]) for day in before.values())

    # A correction of the first week (later, so it ranks above week-1.csv), and a file deleted: the days it alone
    # held go from the API and from the layer.
    put(stack, "week-1-correction.csv", (ROOT / "samples" / "week-1-correction.csv").read_bytes())
    stack.s3.delete_object(Bucket=stack.settings.bucket, Key=f"incoming/{TENANT}/shared/wide-48-integers.csv")
    settle(stack)
    after = assert_layer_equals_api(stack, tmp_path / "second")
    assert after != before
    gone = set(before) - set(after)
    assert gone, "the deleted file held days no other file holds"
    first = tmp_path / "first" / "analytics" / TENANT
    assert all((first / "intervals" / f"month={day[:7]}" / f"{day}.tsv.gz").exists() for day in gone)
    layer = tmp_path / "second" / "analytics" / TENANT
    assert not [path for path in layer.rglob("*.tsv.gz") if any(day in str(path) for day in gone)]


def test_the_export_command_writes_the_same_files(stack, tmp_path):
    settle(stack)
    days = sorted(api_days(stack))
    answer = consumption(stack, "export", "--bucket", stack.settings.bucket, "--tenant", TENANT, "--from", days[0],
                         "--to", days[-1], "--prefix", "backfill/")
    assert answer.returncode == 0, answer.stderr
    lines = [json.loads(line) for line in answer.stdout.splitlines()]
    assert {line["date"] for line in lines if line["outcome"] == "written"} == set(days)
    scheduled = download(stack, f"analytics/{TENANT}/", tmp_path / "a")
    backfilled = download(stack, f"backfill/{TENANT}/", tmp_path / "b")
    files = sorted(path.relative_to(scheduled) for path in scheduled.rglob("*.tsv.gz"))
    assert files == sorted(path.relative_to(backfilled) for path in backfilled.rglob("*.tsv.gz"))
    assert {path.parts[0] for path in files} == {"daily", "meter_days", "intervals"}
    for path in files:
        assert (scheduled / path).read_bytes() == (backfilled / path).read_bytes(), path


def test_the_glue_tables_name_the_files_columns(stack, tmp_path):
    settle(stack)
    layer = download(stack, f"analytics/{TENANT}/", tmp_path)
    resources = template_yaml.load((ROOT / "template.yaml").read_text())["Resources"].values()
    tables = {resource["Properties"]["TableInput"]["Name"]: resource["Properties"]["TableInput"]
              for resource in resources if resource["Type"] == "AWS::Glue::Table"}
    assert set(tables) == {"daily", "meter_days", "intervals"}, "a Glue table this test does not hold to its files"
    for name in tables:
        sample = next((layer / name).rglob("*.tsv.gz"))
        header = gzip.decompress(sample.read_bytes()).split(b"\n", 1)[0].decode().split("\t")
        assert header == [column["Name"] for column in tables[name]["StorageDescriptor"]["Columns"]]
        partition = sample.parent.name.split("=")[0]
        assert [key["Name"] for key in tables[name]["PartitionKeys"]] == ["tenant", partition]


def test_a_day_is_not_written_while_its_sums_lag_its_index(stack):
    """The schedule writes a day only when the index's rows add up to the sums: a sum shard out of step (as one
    not yet folded would be) leaves the day unwritten and its mark in place."""
    settle(stack)
    table, date = stack.settings.table, "2024-05-03"
    shard = stack.dynamodb.query(TableName=table, KeyConditionExpression="pk = :pk AND begins_with(sk, :day)",
                                 ExpressionAttributeValues={":pk": {"S": f"T#{TENANT}#TOTALS"}, ":day": {"S": date}},
                                 ConsistentRead=True)["Items"][0]
    key = {"pk": shard["pk"], "sk": shard["sk"]}
    stack.dynamodb.update_item(TableName=table, Key=key, UpdateExpression="ADD #total :one",
                               ExpressionAttributeNames={"#total": "total"}, ExpressionAttributeValues={":one": {"N": "1"}})
    stack.dynamodb.put_item(TableName=table, Item={"pk": {"S": "ANALYTICS"}, "sk": {"S": f"{TENANT}#{date}"},
                                                   "tenant": {"S": TENANT}, "date": {"S": date}, "token": {"S": "t"},
                                                   "markedAt": {"S": "2024-01-01T00:00:00.000Z"}})
    try:
        summary = stack.run_analytics()["json"]
        assert summary["unsettled"] >= 1
        assert [item["sk"]["S"] for item in marks_left(stack)] == [f"{TENANT}#{date}"]
    finally:
        stack.dynamodb.update_item(TableName=table, Key=key, UpdateExpression="ADD #total :minus",
                                   ExpressionAttributeNames={"#total": "total"},
                                   ExpressionAttributeValues={":minus": {"N": "-1"}})
    settle(stack)


def test_meter_days_written_before_the_index_existed_are_put_in_it_by_reindex(stack, tmp_path):
    settle(stack)
    table, date = stack.settings.table, "2024-05-05"
    indexed = [item for shard in range(16) for item in stack.dynamodb.query(
        TableName=table, IndexName="DayMeters", KeyConditionExpression="dayShard = :s",
        ExpressionAttributeValues={":s": {"S": f"T#{TENANT}#D#{date}#{shard:02d}"}})["Items"]]
    assert indexed
    # The day's meter-days as a table upgraded with data holds them: no index keys.
    for item in indexed:
        stack.dynamodb.update_item(TableName=table, Key={"pk": item["pk"], "sk": item["sk"]},
                                   UpdateExpression="REMOVE dayShard, meter")
    stack.dynamodb.put_item(TableName=table, Item={"pk": {"S": "ANALYTICS"}, "sk": {"S": f"{TENANT}#{date}"},
                                                   "tenant": {"S": TENANT}, "date": {"S": date}, "token": {"S": "t"},
                                                   "markedAt": {"S": "2024-01-01T00:00:00.000Z"}})
    assert stack.run_analytics()["json"]["unsettled"] >= 1

    answer = consumption(stack, "reindex")
    assert answer.returncode == 0, answer.stderr
    assert json.loads(answer.stdout) == {"indexed": len(indexed), "days": 1}
    settle(stack)
    assert_layer_equals_api(stack, tmp_path)
    assert json.loads(consumption(stack, "reindex").stdout) == {"indexed": 0, "days": 0}
