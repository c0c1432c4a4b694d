#!/usr/bin/env python3
"""`make bench` for the ingest function, against moto (signatures checked) on this machine:

1. a ~20 MB wide file ingested by the release `ingest` bootstrap under the project's emulator: meter-days written
   per second, DynamoDB requests by operation, and write and read units per meter-day (from the items' sizes by
   DynamoDB's rules); next to the anchor of the same run: boto3's batch_writer putting the same number of items
   straight into the same moto, which is moto's own ceiling;
2. the peak RSS of the streaming validation pass over a ~1 GB object (--validation-megabytes) served by moto's S3 (the file is broken on
   its last line, so the whole object is validated and nothing written).

moto, not the function, bounds the speeds: see ../shared/local-aws.md. Real DynamoDB is another world.
"""
import argparse
import boto3.dynamodb.types
import json
import math
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "Tests" / "Harness"))

from stack import FaultProxy, Moto, Stack, query_all, s3_event  # noqa: E402


def item_size(item):
    """DynamoDB's item size: attribute names plus values (strings in UTF-8 bytes, numbers ~1 byte per 2 digits + 1)."""
    size = 0
    for name, value in item.items():
        size += len(name.encode())
        kind, content = next(iter(value.items()))
        if kind == "S":
            size += len(content.encode())
        elif kind == "N":
            size += math.ceil(len(content.replace(".", "").replace("-", "").lstrip("0") or "0") / 2) + 1
        elif kind == "BOOL":
            size += 1
    return size


def peak_rss_kib(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def ingest_benchmark(moto, data_dir, megabytes):
    path = data_dir / f"wide-48-{megabytes}mb.csv"
    if not path.exists():
        subprocess.run([sys.executable, str(ROOT / "tools" / "meterfiles.py"), "bench", "--out", str(path),
                        "--megabytes", str(megabytes)], check=True)
    stack = Stack(moto)
    stack.s3.upload_file(str(path), stack.bucket, "incoming/bench/file.csv")
    proxy = FaultProxy(moto)
    function = stack.function(timeout_ms=900_000, AWS_ENDPOINT_URL=proxy.endpoint)
    try:
        proxy.configure()
        started = time.perf_counter()
        answer = function.invoke(s3_event(stack.bucket, "incoming/bench/file.csv"), timeout=900)
        seconds = time.perf_counter() - started
        operations = proxy.stats()["operations"]
        rss = peak_rss_kib(function.stats()["pid"])
    finally:
        function.stop()
        proxy.stop()
    phases = [json.loads(line[line.index("{"):]) for line in Path(function.server.log.name).read_text().splitlines()
              if "object ingested" in line][-1]
    assert answer["outcome"] == "ok", answer
    ledger = query_all(stack.dynamodb, stack.table, KeyConditionExpression="pk = :pk",
                       ExpressionAttributeValues={":pk": {"S": "T#bench#LEDGER"}})[0]
    meter_days = int(ledger["meterDays"]["N"])
    meter = query_all(stack.dynamodb, stack.table, KeyConditionExpression="pk = :pk",
                      ExpressionAttributeValues={":pk": {"S": "T#bench#M#MTR0000001"}})[0]
    partition = query_all(stack.dynamodb, stack.table, KeyConditionExpression="pk = :pk",
                          ExpressionAttributeValues={":pk": {"S": meter["pk"]["S"].replace("#M#MTR0000001", "") + "#D#"
                                                             + meter["date"]["S"] + "#B#00"}})
    reading = partition[0]
    wcu_per_meter_day = math.ceil(item_size(reading) / 1024) + math.ceil(item_size(meter) / 1024)
    bucket_count = operations.get("DynamoDB Query", 0)
    read_bytes = sum(item_size(item) for item in partition)
    rcu_per_meter_day = math.ceil(read_bytes / 4096) / len(partition)
    dynamodb_requests = sum(n for op, n in operations.items() if op.startswith("DynamoDB"))

    # The anchor writes the very items ingest wrote (read back, re-keyed), so item sizes match.
    anchor_items = min(2 * meter_days, 40_000)
    resource = boto3.resource("dynamodb", endpoint_url=moto.endpoint, region_name="us-east-1",
                              aws_access_key_id=moto.access_key, aws_secret_access_key=moto.secret_key)
    deserialize = boto3.dynamodb.types.TypeDeserializer().deserialize
    shapes = [{name: deserialize(value) for name, value in item.items()} for item in (reading, meter)]
    started = time.perf_counter()
    with resource.Table(stack.table).batch_writer() as writer:
        for index in range(anchor_items):
            writer.put_item(Item=dict(shapes[index % 2], pk=f"anchor#{index % 997}", sk=f"{index}"))
    anchor_seconds = time.perf_counter() - started

    print(f"ingest of a {megabytes} MB wide file ({path.stat().st_size / 1e6:.1f} MB) through moto:")
    print(f"  ingest (release bootstrap)    {seconds:7.2f} s  {meter_days:,} meter-days  "
          f"{meter_days / seconds:8,.0f} meter-days/s  peak RSS {rss / 1024:.1f} MB")
    write_seconds = phases["readWriteMs"] / 1000
    print(f"    of which reading + writing  {write_seconds:7.2f} s  {meter_days / write_seconds:8,.0f} meter-days/s; "
          f"recomputing {phases['bucketsRecomputed']} bucket sums {phases['recomputeMs'] / 1000:.2f} s "
          f"(moto's Query time grows with the table's size)")
    print(f"  anchor: boto3 batch_writer    {anchor_seconds:7.2f} s  {anchor_items:,} items  "
          f"{anchor_items / 2 / anchor_seconds:8,.0f} meter-days/s (2 items each, as ingest writes)")
    print(f"  DynamoDB requests: {dynamodb_requests:,} ({dynamodb_requests / meter_days:.3f} per meter-day): "
          + ", ".join(f"{op.split()[1]} {n}" for op, n in sorted(operations.items()) if op.startswith("DynamoDB")))
    print("  S3 requests: " + ", ".join(f"{op.split()[1]} {n}" for op, n in sorted(operations.items())
                                          if op.startswith("S3")))
    print(f"  write units per meter-day: {wcu_per_meter_day} (reading {item_size(reading)} B + meter copy "
          f"{item_size(meter)} B, 1 WCU per KB each), plus per bucket recompute 2 updates")
    print(f"  read units per meter-day (consistent bucket queries, once per recompute): {rcu_per_meter_day:.4f} "
          f"({bucket_count} bucket queries)")


def validation_benchmark(moto, data_dir, megabytes):
    big = data_dir / f"wide-48-{megabytes}mb.csv"
    if not big.exists():
        subprocess.run([sys.executable, str(ROOT / "tools" / "meterfiles.py"), "bench", "--out", str(big),
                        "--megabytes", str(megabytes)], check=True)
    broken = data_dir / f"wide-48-{megabytes}mb-broken-last-line.csv"
    if not broken.exists():
        with open(big, "rb") as source, open(broken, "wb") as out:
            while chunk := source.read(1 << 24):
                out.write(chunk)
            out.write(b"MTR9999999,2020-01-01,not-a-number\n")
    stack = Stack(moto)
    stack.s3.upload_file(str(broken), stack.bucket, "incoming/bench/big.csv")
    function = stack.function(timeout_ms=900_000)
    try:
        started = time.perf_counter()
        answer = function.invoke(s3_event(stack.bucket, "incoming/bench/big.csv"), timeout=900)
        seconds = time.perf_counter() - started
        rss = peak_rss_kib(function.stats()["pid"])
    finally:
        function.stop()
    assert answer["outcome"] == "ok", answer
    size = broken.stat().st_size
    print(f"validation pass over a {size / 1e6:.0f} MB object streamed from moto's S3 (rejected on its last line):")
    print(f"  {seconds:.2f} s  {size / 1e6 / seconds:.0f} MB/s  peak RSS {rss / 1024:.1f} MB (goal: under 100 MB)")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default=str(ROOT / ".bench-data"))
    parser.add_argument("--megabytes", type=int, default=20)
    parser.add_argument("--validation-megabytes", type=int, default=1000)
    parser.add_argument("--skip-ingest", action="store_true")
    parser.add_argument("--skip-validation", action="store_true")
    args = parser.parse_args()
    data_dir = Path(args.data)
    data_dir.mkdir(exist_ok=True)
    moto = Moto(Path(tempfile.mkdtemp()))
    try:
        if not args.skip_ingest:
            ingest_benchmark(moto, data_dir, args.megabytes)
        if not args.skip_validation:
            validation_benchmark(moto, data_dir, args.validation_megabytes)
    finally:
        moto.stop()


if __name__ == "__main__":
    main()
