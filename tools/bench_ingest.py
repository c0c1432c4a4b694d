#!/usr/bin/env python3
"""`make bench` for the ingest function, against moto (signatures checked) on this machine:

1. a ~20 MB wide file ingested by the release `ingest` bootstrap under the project's emulator, then the table's
   stream folded into the day sums: meter-days per second, DynamoDB requests by operation, and write and read units
   per meter-day (counted by the fault proxy, by DynamoDB's rules); next to the anchor of the same run: boto3's
   batch_writer putting as many items straight into the same moto, which is moto's own ceiling;
2. the peak RSS of the streaming validation pass over a ~1 GB object (--validation-megabytes) served by moto's S3 (the file is broken on
   its last line, so the whole object is validated and nothing written).

moto, not the function, bounds the speeds: see ../shared/local-aws.md. Real DynamoDB is another world.
"""
import argparse
import boto3.dynamodb.types
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from dynamodb_size import item_size
from rig import FaultProxy, Moto, Stack, StreamEventSource, query_all, s3_event

ROOT = Path(__file__).resolve().parents[1]


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
        ingested = proxy.stats()
        rss = peak_rss_kib(function.stats()["pid"])
        started = time.perf_counter()
        assert StreamEventSource(moto, stack.stream_arn, function, batch_size=1000).drain(timeout=900)
        fold_seconds = time.perf_counter() - started
        folded = proxy.stats()
    finally:
        function.stop()
        proxy.stop()
        stack.close()
    phases = [json.loads(line[line.index("{"):]) for line in Path(function.server.log.name).read_text().splitlines()
              if "object ingested" in line][-1]
    assert answer["outcome"] == "ok", answer
    ledger = query_all(stack.dynamodb, stack.table, KeyConditionExpression="pk = :pk",
                       ExpressionAttributeValues={":pk": {"S": "T#bench#LEDGER"}})[0]
    meter_days = int(ledger["meterDays"]["N"])
    operations = ingested["operations"]
    dynamodb_requests = sum(n for op, n in operations.items() if op.startswith("DynamoDB"))
    fold_requests = sum(n for op, n in folded["operations"].items() if op.startswith("DynamoDB")) - dynamodb_requests
    items = query_all(stack.dynamodb, stack.table, KeyConditionExpression="pk = :pk",
                      ExpressionAttributeValues={":pk": {"S": "T#bench#M#MTR0000001"}})
    sizes = {("reading" if item["sk"]["S"].startswith("R#") else "meter-day"): item_size(item) for item in items}

    # The anchor writes items of the reading's shape (read back, re-keyed), as many as ingest wrote.
    anchor_items = min(meter_days, 40_000)
    resource = boto3.resource("dynamodb", endpoint_url=moto.endpoint, region_name="us-east-1",
                              aws_access_key_id=moto.access_key, aws_secret_access_key=moto.secret_key)
    deserialize = boto3.dynamodb.types.TypeDeserializer().deserialize
    reading = next(item for item in items if item["sk"]["S"].startswith("R#"))
    shape = {name: deserialize(value) for name, value in reading.items()}
    started = time.perf_counter()
    with resource.Table(stack.table).batch_writer() as writer:
        for index in range(anchor_items):
            writer.put_item(Item=dict(shape, pk=f"anchor#{index % 997}", sk=f"{index}"))
    anchor_seconds = time.perf_counter() - started

    print(f"ingest of a {megabytes} MB wide file ({path.stat().st_size / 1e6:.1f} MB) through moto:")
    print(f"  ingest (release bootstrap)    {seconds:7.2f} s  {meter_days:,} meter-days  "
          f"{meter_days / seconds:8,.0f} meter-days/s  peak RSS {rss / 1024:.1f} MB")
    write_seconds = phases["readWriteMs"] / 1000
    print(f"    of which reading + writing  {write_seconds:7.2f} s  {meter_days / write_seconds:8,.0f} meter-days/s; "
          f"settling the meter-days {phases['settleMs'] / 1000:.2f} s (one conditional write each; "
          f"{phases['meterDaysRecomputed']} recomputed)")
    print(f"  folding the table stream      {fold_seconds:7.2f} s  {fold_requests:,} UpdateItems into the day's sum shards")
    print(f"  anchor: boto3 batch_writer    {anchor_seconds:7.2f} s  {anchor_items:,} items  "
          f"{anchor_items / anchor_seconds:8,.0f} items/s (the reading items alone, as ingest writes them)")
    print(f"  DynamoDB requests: {dynamodb_requests:,} ({dynamodb_requests / meter_days:.3f} per meter-day): "
          + ", ".join(f"{op.split()[1]} {n}" for op, n in sorted(operations.items()) if op.startswith("DynamoDB")))
    print("  S3 requests: " + ", ".join(f"{op.split()[1]} {n}" for op, n in sorted(operations.items())
                                          if op.startswith("S3")))
    capacity = folded["capacity"]
    print(f"  per meter-day, ingest and fold: {capacity['writeUnits'] / meter_days:.3f} write units "
          f"(reading {sizes.get('reading')} B, meter-day {sizes.get('meter-day')} B, page share), "
          f"{capacity['readUnits'] / meter_days:.4f} read units, {capacity['readBytes'] / meter_days:.1f} bytes read")


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
    parser.add_argument("--megabytes", type=int, default=5)
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
