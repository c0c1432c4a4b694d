#!/usr/bin/env python3
"""The oracles the suites and benchmarks hold the product to, written from the formats and from rule (d), sharing no
code with the Swift parser: Python's csv, decimal and zoneinfo. (NEM12 has its own: nem12_oracle.py.)

  oracle.py FILE...   prints date,total over all files (exact, via decimal.Decimal)
"""
import csv
import datetime
import gzip
import io
import sys
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

INTERVALS = [f"{h}:{m:02d}" for h in range(24) for m in (0, 30)]


def wide_file(rows, header=True):
    """A canonical wide CSV: rows of (meter, date, [48 values])."""
    lines = ["Meter,Date," + ",".join(INTERVALS)] if header else []
    for meter, date, values in rows:
        assert len(values) == 48
        lines.append(",".join([meter, date] + [str(v) for v in values]))
    return "\n".join(lines) + "\n"


def half_hours(zone=None):
    """The half-hours of a local day in `zone` (an IANA name): 46 or 50 on a day its clocks change; 48 without one."""
    if zone is None:
        return lambda date: 48
    def count(date):
        first = datetime.datetime.fromisoformat(date).replace(tzinfo=ZoneInfo(zone))
        after = (first + datetime.timedelta(days=1)).replace(tzinfo=ZoneInfo(zone))
        return int((after.timestamp() - first.timestamp()) // 1800)
    return count


def meter_day_values(data, intervals_on=half_hours()):
    """(meter, date) -> the day's interval values (48, or as many as `intervals_on(date)` says the day holds), or None
    when the file is not valid (the tests' bad files break a number)."""
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    rows = [row for row in csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")) if row]
    if not rows or [name.strip() for name in rows[0]] != ["Meter", "Date"] + INTERVALS:
        return None
    days = {}
    for row in rows[1:]:
        try:
            expected = intervals_on(row[1])
        except ValueError:
            return None
        if len(row) != 2 + expected or (row[0], row[1]) in days or any(ord(c) < 32 for c in row[0]):
            return None
        try:
            values = [Decimal(field) for field in row[2:]]
        except InvalidOperation:
            return None
        if any(value < 0 for value in values):
            return None
        days[(row[0], row[1])] = values
    return days or None


def meter_days(data, intervals_on=half_hours()):
    """(meter, date) -> day value, or None when the file is not valid."""
    days = meter_day_values(data, intervals_on)
    return None if days is None else {slot: sum(values) for slot, values in days.items()}


def tenant_of(key, incoming="incoming/", default="default"):
    rest = key[len(incoming):]
    return rest.split("/", 1)[0] if "/" in rest else default


def counting_versions(s3, bucket, incoming="incoming/", valid=None, zones=None):
    """key -> (data, LastModified, ETag) of the version that counts: the newest valid version since the key's last
    delete marker (a rejected upload leaves the last valid one counting); in a bucket without versioning, the
    object if it is valid. `valid` says whether a file's bytes are valid (default: a canonical wide CSV, its days as
    long as the market zone `zones` gives its tenant makes them)."""
    zones = zones or {}
    checks = {}

    def is_valid(key, data):
        if valid is not None:
            return valid(data)
        tenant = tenant_of(key, incoming)
        return meter_days(data, checks.setdefault(tenant, half_hours(zones.get(tenant)))) is not None

    counting = {}
    if s3.get_bucket_versioning(Bucket=bucket).get("Status") != "Enabled":
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=incoming):
            for summary in page.get("Contents", []):
                key = summary["Key"]
                answer = s3.get_object(Bucket=bucket, Key=key)
                counting[key] = (answer["Body"].read(), answer["LastModified"], answer["ETag"])
        return {key: value for key, value in counting.items() if is_valid(key, value[0])}
    history = {}
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket, Prefix=incoming):
        for version in page.get("Versions", []):
            history.setdefault(version["Key"], []).append(("version", version))
        for marker in page.get("DeleteMarkers", []):
            history.setdefault(marker["Key"], []).append(("marker", marker))
    for key, entries in history.items():
        # Newest first: S3 lists a key's versions in that order; markers are merged in by their time.
        entries.sort(key=lambda entry: (entry[1]["IsLatest"], entry[1]["LastModified"]), reverse=True)
        for kind, entry in entries:
            if kind == "marker":
                break
            answer = s3.get_object(Bucket=bucket, Key=key, VersionId=entry["VersionId"])
            data = answer["Body"].read()
            if is_valid(key, data):
                counting[key] = (data, answer["LastModified"], answer["ETag"])
                break
    return counting


def expected_winners(s3, bucket, incoming="incoming/", zones=None):
    """(tenant, meter, date) -> (value, key) of the reading that counts: rule (d) over every counting version."""
    winners = {}
    for key, (data, last_modified, etag) in counting_versions(s3, bucket, incoming, zones=zones).items():
        rank = (int(last_modified.timestamp()), key.encode(), etag.encode())
        tenant = tenant_of(key, incoming)
        for (meter, date), value in meter_days(data, half_hours((zones or {}).get(tenant))).items():
            slot = (tenant, meter, date)
            if slot not in winners or winners[slot][0] < rank:
                winners[slot] = (rank, value)
    return {slot: (value, rank[1].decode()) for slot, (rank, value) in winners.items()}


def expected_totals(s3, bucket, incoming="incoming/", zones=None):
    """tenant -> date -> (total, meters), from every current object under the incoming prefix."""
    totals = {}
    for (tenant, meter, date), (value, _) in expected_winners(s3, bucket, incoming, zones).items():
        total, meters = totals.setdefault(tenant, {}).get(date, (Decimal(0), 0))
        totals[tenant][date] = (total + value, meters + 1)
    return totals


def table_totals(dynamodb, table, tenant, query_all):
    """date -> (total, meters) as the day sum shards give them; days with no meter left are no data."""
    days = {}
    for item in query_all(dynamodb, table, KeyConditionExpression="pk = :pk",
                          ExpressionAttributeValues={":pk": {"S": f"T#{tenant}#TOTALS"}}):
        if "total" not in item:
            continue
        date = item["sk"]["S"].split("#")[0]
        total, meters = days.get(date, (Decimal(0), 0))
        days[date] = (total + Decimal(item["total"]["N"]), meters + int(Decimal(item["meters"]["N"])))
    return {date: value for date, value in days.items() if value[1] > 0}


METER = {"meter", "meter_id", "meterid", "nmi"}
DATE = {"date", "reading_date"}
TIMESTAMP = {"timestamp", "datetime", "reading_time"}
VALUE = {"value", "kwh", "consumption"}


def read_rows(path):
    with open(path, "rb") as handle:
        data = handle.read()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    text = data.decode("utf-8-sig")
    first_line = text.split("\n", 1)[0]
    delimiter = max([",", ";", "\t"], key=first_line.count)
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def file_totals(path):
    rows = [row for row in read_rows(path) if row]
    names = [name.strip().lower() for name in rows[0]]
    meter = next(i for i, n in enumerate(names) if n in METER)
    values = [i for i, n in enumerate(names) if n in VALUE or ":" in n]
    date = next((i for i, n in enumerate(names) if n in DATE), None)
    stamp = next((i for i, n in enumerate(names) if n in TIMESTAMP), None)
    totals = {}
    for row in rows[1:]:
        assert row[meter].strip(), row
        day = row[date].strip() if date is not None else row[stamp].strip()[:10]
        # An empty interval cell of a wide file is a gap (nothing to add); a daily value has to be there.
        present = [row[i].strip() for i in values if row[i].strip() or len(values) == 1]
        totals[day] = totals.get(day, Decimal(0)) + sum(Decimal(value) for value in present)
    return totals


def main():
    totals = {}
    for path in sys.argv[1:]:
        for day, total in file_totals(path).items():
            totals[day] = totals.get(day, Decimal(0)) + total
    print("date,total")
    for day in sorted(totals):
        print(f"{day},{totals[day]}")


if __name__ == "__main__":
    main()
