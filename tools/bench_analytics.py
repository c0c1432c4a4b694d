#!/usr/bin/env python3
"""`make bench` for the analytics layer: one day of M meters, ingested and folded by the release `ingest` bootstrap,
then written to the layer by a scheduled run of the same bootstrap (as template.yaml's AnalyticsFunction) through
the fault proxy, which counts the requests and what they would cost on AWS. The anchor, in the same run: boto3
making the same reads (the tenant's settings, the day's sum shards, the DayMeters index's 16 partitions page by
page, the readings 100 keys a BatchGetItem, 8 at a time), Python's gzip at the same level and the same three PUTs,
against the same moto. Then the projection for a utility's day of a million meters, from the measured bytes per
meter-day and DynamoDB's and S3's published prices."""
import argparse
import gzip
import hashlib
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from oracle import wide_file
from rig import FaultProxy, Moto, Stack, query_all, s3_event

ROOT = Path(__file__).resolve().parents[1]

SCHEDULED = {"version": "0", "id": "bench", "detail-type": "Scheduled Event", "source": "aws.events",
             "account": "123456789012", "time": "2026-11-30T05:00:00Z", "region": "us-east-1",
             "resources": ["arn:aws:events:us-east-1:123456789012:rule/bench"], "detail": {}}
# us-east-1 on demand, as docs/deploying.md's cost section quotes them.
READ_UNIT_DOLLARS = 0.125 / 1_000_000
S3_PUT_DOLLARS = 0.005 / 1000


def peak_rss_mib(pid):
    """The process's peak resident set so far (the kernel's VmHWM), in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM")


def anchor(stack):
    """boto3 doing what one run does for the day, timed."""
    dynamodb, started = stack.dynamodb, time.perf_counter()
    dynamodb.get_item(TableName=stack.table, Key={"pk": {"S": "T#bench#SETTINGS"}, "sk": {"S": "settings"}})
    dynamodb.query(TableName=stack.table, ConsistentRead=True, KeyConditionExpression="pk = :pk AND sk BETWEEN :a AND :b",
                   ExpressionAttributeValues={":pk": {"S": "T#bench#TOTALS"}, ":a": {"S": "2024-05-01#"},
                                              ":b": {"S": "2024-05-01#~"}})
    lines = ["meter\tdate\tvalue\tunit\tflow\tnot_actual\tmissing_intervals\tsource_key\tsource_version\tline"]
    intervals = ["meter\tdate\tinterval_number\tstart_local\tstart_utc\tminutes\tvalue\tunit\tquality\tflow\t"
                 "source_key\tsource_version"]
    for shard in range(16):
        pages = dynamodb.get_paginator("query").paginate(
            TableName=stack.table, IndexName="DayMeters", KeyConditionExpression="dayShard = :s",
            ExpressionAttributeValues={":s": {"S": f"T#bench#D#2024-05-01#{shard:02d}"}})
        keys = []
        for page in pages:
            for item in page["Items"]:
                lines.append("\t".join([item["meter"]["S"], "2024-05-01", item["value"]["N"], "kWh", "consumption", "0",
                                        "0", item["key"]["S"], item.get("versionId", {}).get("S", ""),
                                        item["line"]["N"]]))
                source = hashlib.sha256(item["key"]["S"].encode()).hexdigest()[:32]
                keys.append({"pk": item["pk"], "sk": {"S": f"R#2024-05-01#{source}#{item['tag']['S']}"}})
        with ThreadPoolExecutor(8) as pool:
            batches = pool.map(lambda chunk: dynamodb.batch_get_item(RequestItems={stack.table: {"Keys": chunk}}),
                               [keys[at:at + 100] for at in range(0, len(keys), 100)])
            readings = {item["pk"]["S"]: item for batch in batches for item in batch["Responses"][stack.table]}
        for key in keys:
            reading = readings[key["pk"]["S"]]
            values = reading["intervals"]["S"].split(",")
            minutes = 1440 // len(values)
            for number, value in enumerate(values, start=1):
                start = (number - 1) * minutes
                intervals.append("\t".join([reading["meter"]["S"], "2024-05-01", str(number),
                                            f"2024-05-01T{start // 60:02d}:{start % 60:02d}:00", "", str(minutes), value,
                                            "kWh", "A", "consumption", reading["key"]["S"],
                                            reading.get("versionId", {}).get("S", "")]))
    body = gzip.compress(("\n".join(lines) + "\n").encode(), compresslevel=6, mtime=0)
    stack.s3.put_object(Bucket=stack.bucket, Key="anchor/meter_days.tsv.gz", Body=body)
    body = gzip.compress(("\n".join(intervals) + "\n").encode(), compresslevel=6, mtime=0)
    stack.s3.put_object(Bucket=stack.bucket, Key="anchor/intervals.tsv.gz", Body=body)
    stack.s3.put_object(Bucket=stack.bucket, Key="anchor/daily.tsv.gz", Body=gzip.compress(b"total\n1\n"))
    return time.perf_counter() - started, len(lines) - 1, len(intervals) - 1


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--meters", type=int, default=20_000)
    args = parser.parse_args()
    moto = Moto(Path(tempfile.mkdtemp()))
    try:
        stack = Stack(moto)
        rows = [(f"NMI{meter:08d}", "2024-05-01", [f"{meter % 7}.{slot:03d}" for slot in range(48)])
                for meter in range(args.meters)]
        stack.put("incoming/bench/day.csv", wide_file(rows))
        ingest = stack.function(timeout_ms=900_000)
        try:
            ingest.invoke(s3_event(stack.bucket, "incoming/bench/day.csv"), timeout=900)
        finally:
            ingest.stop()
        stack.fold()
        marks = query_all(stack.dynamodb, stack.table, KeyConditionExpression="pk = :pk",
                          ExpressionAttributeValues={":pk": {"S": "ANALYTICS"}})
        # Timed straight against moto, as the anchor is; then, the day marked again, counted through the proxy.
        analytics = stack.function(ANALYTICS_BUCKET=stack.bucket, ANALYTICS_QUIET_SECONDS="0", timeout_ms=900_000)
        try:
            started = time.perf_counter()
            answer = analytics.invoke(SCHEDULED, timeout=900)
            ours = time.perf_counter() - started
        finally:
            analytics.stop()
        for mark in marks:
            stack.dynamodb.put_item(TableName=stack.table, Item=mark)
        proxy = FaultProxy(moto)
        counted = stack.function(ANALYTICS_BUCKET=stack.bucket, ANALYTICS_QUIET_SECONDS="0", timeout_ms=900_000,
                                 AWS_ENDPOINT_URL=proxy.endpoint)
        try:
            proxy.configure()
            assert counted.invoke(SCHEDULED, timeout=900)["json"]["written"] == 1
            stats = proxy.stats()
            peak = peak_rss_mib(counted.stats()["pid"])
        finally:
            counted.stop()
            proxy.stop()
        assert answer["json"]["written"] == 1, answer
        key = "analytics/bench/meter_days/month=2024-05/2024-05-01.tsv.gz"
        size = stack.s3.head_object(Bucket=stack.bucket, Key=key)["ContentLength"]
        key = "analytics/bench/intervals/month=2024-05/2024-05-01.tsv.gz"
        interval_size = stack.s3.head_object(Bucket=stack.bucket, Key=key)["ContentLength"]
        anchor_seconds, anchor_rows, anchor_intervals = anchor(stack)
        assert anchor_rows == args.meters and anchor_intervals == 48 * args.meters
        stack.close()
    finally:
        moto.stop()
    capacity, md = stats["capacity"], args.meters
    dynamodb = {op.split()[1]: n for op, n in stats["operations"].items() if op.startswith("DynamoDB")}
    s3 = {op.split()[1]: n for op, n in stats["operations"].items() if op.startswith("S3")}
    print(f"analytics run for one day of {md:,} meters (release ingest bootstrap under the emulator, against moto; "
          "requests and memory counted in a second run through the proxy):")
    print(f"  ours: {ours:.2f} s ({md / ours:,.0f} meter-days/s); anchor (boto3 + Python gzip, same requests): "
          f"{anchor_seconds:.2f} s ({md / anchor_seconds:,.0f} meter-days/s)")
    print(f"  requests: DynamoDB {dynamodb}, S3 {s3}; the bootstrap's peak RSS {peak:.1f} MiB")
    print(f"  read: {capacity['readBytes'] / md:.0f} bytes and {capacity['readUnits'] / md:.4f} read units a meter-day "
          f"(the index and the readings, both read eventually consistent); files: {size / md:.1f} gzip bytes a "
          f"meter-day (meter_days), {interval_size / md:.1f} a meter-day of 48 intervals "
          f"({interval_size / md / 48:.2f} an interval)")
    million = 1_000_000
    units = capacity["readUnits"] / md * million
    print(f"  projected for a day of {million:,} meters: {units:,.0f} read units (${units * READ_UNIT_DOLLARS:.4f}), "
          f"{capacity['readBytes'] / md * million / 2**20:,.0f} MiB read (index pages of 1 MB one after another, "
          f"readings 100 a BatchGetItem, 8 at a time), 3 PUTs (${3 * S3_PUT_DOLLARS:.5f}), files of "
          f"{size / md * million / 2**20:.1f} MiB (meter_days) and {interval_size / md * million / 2**20:.0f} MiB "
          f"(intervals) (moto answers far slower than DynamoDB: the time above is moto's, not a projection)")


if __name__ == "__main__":
    main()
