#!/usr/bin/env python3
"""`make bench`: what a meter-day costs in DynamoDB as the same day arrives in more and smaller files.

The same M meter-days of one day are delivered as 1, 10, 50 and 200 files, each run on its own table: the release
`ingest` bootstrap takes the S3 -> SQS messages in batches of 10, then folds the table's stream (batches of 1000,
as template.yaml sets it) — all of it through the fault proxy, which counts the DynamoDB requests and what they
would cost on AWS (tools/dynamodb_size.py). The storage design's bar: the largest per-meter-day figure is at most
twice the smallest, for requests and for bytes read; what each file costs on its own (ledger, source item, HEADs)
is the fixed part, reported beside it. The DayMeters index's writes (a global secondary index is billed apart, a
unit per entry written) are counted beside the table's.
"""
import argparse
import tempfile
from decimal import Decimal
from pathlib import Path

from oracle import table_totals, wide_file
from rig import FaultProxy, Moto, Stack, StreamEventSource, query_all, sqs_event

ROOT = Path(__file__).resolve().parents[1]


def deliver(stack, meter_days, files):
    """Puts `meter_days` meters of one day as `files` files; returns the expected (total, meters)."""
    per_file = meter_days // files
    total = 0
    for index in range(files):
        rows = []
        for meter in range(index * per_file, (index + 1) * per_file):
            value = f"{meter % 97}.{meter % 1000:03d}"
            rows.append((f"MTR{meter:07d}", "2024-05-01", [value] * 48))
            total += int(value.replace(".", "")) * 48
        stack.put(f"incoming/bench/part-{index:04d}.csv", wide_file(rows))
    return total, per_file * files


def run(moto, meter_days, files, fold=True):
    stack = Stack(moto)
    expected_units, meters = deliver(stack, meter_days, files)
    records = stack.messages()
    proxy = FaultProxy(moto)
    function = stack.function(timeout_ms=900_000, AWS_ENDPOINT_URL=proxy.endpoint)
    try:
        proxy.configure()
        for start in range(0, len(records), 10):
            answer = function.invoke(sqs_event(records[start:start + 10]))
            assert answer["json"] == {"batchItemFailures": []}, answer
        ingest = proxy.stats()
        if fold:
            assert StreamEventSource(moto, stack.stream_arn, function, batch_size=1000).drain()
        both = proxy.stats()
    finally:
        function.stop()
        proxy.stop()
        stack.close()
    totals = table_totals(stack.dynamodb, stack.table, "bench", query_all)
    assert totals == {"2024-05-01": (Decimal(expected_units) / 1000, meters)}, totals
    requests = sum(n for op, n in both["operations"].items() if op.startswith("DynamoDB"))
    fold = requests - sum(n for op, n in ingest["operations"].items() if op.startswith("DynamoDB"))
    return {"files": files, "meterDays": meters, "requests": requests, "fold": fold, **both["capacity"],
            "operations": both["operations"]}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--meter-days", type=int, default=2000)
    parser.add_argument("--files", default="1,10,50,200")
    # For the benchmarks' anchor (docs/benchmarks.md): the design before the stream (git d6b21d1) kept its sums itself; run its bootstrap
    # with INGEST_BIN=... and this flag.
    parser.add_argument("--no-fold", action="store_true")
    args = parser.parse_args()
    moto = Moto(Path(tempfile.mkdtemp()))
    try:
        rows = [run(moto, args.meter_days, int(files), fold=not args.no_fold) for files in args.files.split(",")]
    finally:
        moto.stop()
    print(f"storage cost of {args.meter_days:,} meter-days of one day, delivered as N files (totals checked exact):")
    print("  files  meter-days  DynamoDB requests  per meter-day  (stream fold)  write units/md  (+ DayMeters index)"
          "  read bytes/md  read units/md")
    for row in rows:
        md = row["meterDays"]
        print(f"  {row['files']:5}  {md:10,}  {row['requests']:17,}  {row['requests'] / md:13.3f}  {row['fold']:13,}  "
              f"{row['writeUnits'] / md:14.3f}  {row['indexWriteUnits'] / md:19.3f}  {row['readBytes'] / md:13.1f}  "
              f"{row['readUnits'] / md:13.4f}")
    for name in ("requests", "readBytes", "writeUnits"):
        values = [row[name] / row["meterDays"] for row in rows]
        print(f"  largest/smallest {name} per meter-day: {max(values) / min(values):.2f}")
    first, last = rows[0], rows[-1]
    if last["files"] > first["files"]:
        fixed = (last["requests"] - first["requests"]) / (last["files"] - first["files"])
        print(f"  fixed cost per file: {fixed:.1f} DynamoDB requests (ledger, source item, its page), "
              f"{(last['readBytes'] - first['readBytes']) / (last['files'] - first['files']):.0f} bytes read")
    print("  requests by operation (" + f"{last['files']} files): "
          + ", ".join(f"{op.split()[1]} {n}" for op, n in sorted(last["operations"].items()) if op.startswith("DynamoDB")))


if __name__ == "__main__":
    main()
