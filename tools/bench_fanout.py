#!/usr/bin/env python3
"""`make bench` for large files: the fan-out's figures measured here, and what they make of a 10 GB file on AWS.

1. The validation pass over the ~1 GB bench file (`consumption validate --range-bytes`, release build, the same
   parser and range plan the ingest function runs): seconds, peak RSS, ranges of 32 MiB (RANGE_BYTES), meter-days.
2. One range written, then one part of its offers settled, by one worker: the release `ingest` bootstrap under the
   emulator, through the fault proxy (which prices every DynamoDB request by DynamoDB's rules), against moto;
   meter-days a second, the bootstrap's CPU time and write units per meter-day; next to the anchor of the same run:
   boto3's batch_writer putting as many reading-shaped items into the same moto (moto's own ceiling).
3. The projection for a 10 GB file on Lambda with 100 workers, from those figures and documented limits: an
   on-demand table serves at most 40,000 write request units a second unless the account's table quota is raised
   ("DynamoDB maximum throughput for on-demand tables", AWS docs), one partition 1,000 a second; a function of
   1,769 MB has one vCPU (Lambda docs); DynamoDB answers in single-digit milliseconds (taken as 10 ms).
"""
import argparse
import json
import math
import os
import subprocess
import tempfile
import time
from pathlib import Path

import boto3.dynamodb.types

from oracle import wide_file
from rig import FaultProxy, Moto, Stack, query_all, sqs_event

ROOT = Path(__file__).resolve().parents[1]

RANGE_BYTES = 32 << 20
TABLE_QUOTA_WRU = 40_000
GOAL_SECONDS = 300
WORKERS = 100
MEMORY_MB = 1769
LATENCY_SECONDS = 0.010


def validation(path):
    timed = subprocess.run(["/usr/bin/time", "-f", "%e %M", str(ROOT / ".build/release/consumption"), "validate",
                            "--json", "--range-bytes", str(RANGE_BYTES), str(path)], capture_output=True, text=True)
    seconds, rss_kib = timed.stderr.strip().splitlines()[-1].split()
    [report] = json.loads(timed.stdout)
    assert report["valid"], report
    return float(seconds), int(rss_kib), report["ranges"], report["meterDays"], path.stat().st_size


def cpu_seconds(pid):
    """User and system CPU time a process has used so far (/proc/<pid>/stat, fields 14 and 15)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss_mib(pid):
    """The process's peak resident set so far (VmHWM), in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM")


def timed(function, proxy, records):
    """One invocation on `records`: wall seconds, the bootstrap's CPU seconds, and the write units it spent."""
    proxy.configure()
    pid = function.stats()["pid"]
    cpu, started = cpu_seconds(pid), time.perf_counter()
    answer = function.invoke(sqs_event(records))
    seconds, cpu = time.perf_counter() - started, cpu_seconds(pid) - cpu
    assert answer["json"] == {"batchItemFailures": []}, answer
    return seconds, cpu, proxy.stats()["capacity"]["writeUnits"]


def one_worker(moto, meters=3000, days=4):
    """A file of four small ranges (1 MiB), split by a first invocation; one worker writes one range (measured),
    then the rest; the version's offers, in parts of 1,000 meter-days, go out, and the worker settles one part
    (measured)."""
    stack = Stack(moto)
    rows = [(f"MTR{meter:07d}", f"2024-05-0{day + 1}", [f"{meter % 97}.{meter % 1000:03d}"] * 48)
            for day in range(days) for meter in range(meters)]
    stack.put("incoming/bench/big.csv", wide_file(rows))
    proxy = FaultProxy(moto)
    settings = {"WORK_QUEUE_URL": stack.work_queue_url, "FAN_OUT_BYTES": "65536", "RANGE_BYTES": str(1 << 20),
                "SETTLE_PART_METER_DAYS": "1000"}
    function = stack.function(timeout_ms=900_000, AWS_ENDPOINT_URL=proxy.endpoint, **settings)
    try:
        assert function.invoke(sqs_event(stack.messages()))["json"] == {"batchItemFailures": []}
        ranges = stack.messages(work=True)
        [entry] = query_all(stack.dynamodb, stack.table, KeyConditionExpression="pk = :pk",
                            ExpressionAttributeValues={":pk": {"S": "T#bench#LEDGER"}})
        starts = [int(r["M"]["m"]["N"]) for r in entry["ranges"]["L"]]
        writing = (starts[1] - starts[0], *timed(function, proxy, ranges[:1]))
        for record in ranges[1:]:
            assert function.invoke(sqs_event([record]))["json"] == {"batchItemFailures": []}
        parts = stack.messages(work=True)
        assert all(json.loads(part["body"])["settle"]["kind"] == "offer" for part in parts), parts
        settling = (1000, *timed(function, proxy, parts[:1]))
        worker_rss = peak_rss_mib(function.stats()["pid"])
        reading = next(item for item in query_all(
            stack.dynamodb, stack.table, KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": {"S": "T#bench#M#MTR0000001"}}) if item["sk"]["S"].startswith("R#"))
    finally:
        function.stop()
        proxy.stop()
    deserialize = boto3.dynamodb.types.TypeDeserializer().deserialize
    shape = {name: deserialize(value) for name, value in reading.items()}
    resource = boto3.resource("dynamodb", endpoint_url=moto.endpoint, region_name="us-east-1",
                              aws_access_key_id=moto.access_key, aws_secret_access_key=moto.secret_key)
    started = time.perf_counter()
    with resource.Table(stack.table).batch_writer() as writer:
        for index in range(writing[0]):
            writer.put_item(Item=dict(shape, pk=f"anchor#{index % 997}", sk=f"{index}"))
    anchor_seconds = time.perf_counter() - started
    stack.close()
    return writing, settling, anchor_seconds, len(ranges), len(parts), worker_rss


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--file", type=Path, required=True, help="the ~1 GB wide bench file")
    args = parser.parse_args()
    seconds, rss_kib, ranges, meter_days, size = validation(args.file)
    print(f"Large files: the validation pass over {size / 1e9:.2f} GB ({meter_days:,} meter-days)")
    print(f"  {seconds:.2f} s ({size / seconds / 1e6:,.0f} MB/s), peak RSS {rss_kib / 1024:.1f} MB, "
          f"{ranges} ranges of at least {RANGE_BYTES >> 20} MiB")
    moto = Moto(Path(tempfile.mkdtemp()))
    try:
        writing, settling, anchor_seconds, total_ranges, total_parts, worker_rss = one_worker(moto)
    finally:
        moto.stop()
    (w_md, w_seconds, w_cpu, w_units), (s_md, s_seconds, s_cpu, s_units) = writing, settling
    print(f"One worker through moto (moto's speed bounds the wall times; the CPU times are the bootstrap's own):")
    print(f"  writing one range of {w_md:,} meter-days (of {total_ranges}): {w_seconds:.2f} s  "
          f"{w_md / w_seconds:,.0f} meter-days/s  CPU {w_cpu / w_md * 1e6:.1f} us a meter-day  "
          f"{w_units / w_md:.3f} write units a meter-day (readings, pages, ledger)")
    print(f"  settling one part of {s_md:,} offers (of {total_parts}): {s_seconds:.2f} s  "
          f"{s_md / s_seconds:,.0f} meter-days/s  CPU {s_cpu / s_md * 1e6:.1f} us a meter-day  "
          f"{s_units / s_md:.3f} write units a meter-day")
    print(f"  anchor: boto3 batch_writer, as many reading-shaped items: {anchor_seconds:.2f} s  "
          f"{w_md / anchor_seconds:,.0f} items/s (moto's ceiling: it bounds both)")
    print(f"  the worker's peak RSS after splitting the file, writing its ranges and settling a part: "
          f"{worker_rss:.1f} MiB (a range is read in READ_CHUNK_BYTES slices, so it does not grow with the file)")

    # The projection: 10 GB of the same file, on AWS. Each phase takes the longer of what the table allows and
    # what 100 workers can send: a worker is bound by its CPU (its share of a vCPU at MEMORY_MB, AWS: "at 1,769
    # MB, a function has the equivalent of one vCPU") and by requests in flight over their latency (DynamoDB:
    # "single-digit millisecond" — taken as 10 ms; a write is a BatchWriteItem of 25, an offer one UpdateItem).
    scale = 10e9 / size
    md10 = meter_days * scale
    vcpu = MEMORY_MB / 1769
    print(f"Projected for 10 GB ({md10 / 1e6:.1f} M meter-days, {math.ceil(ranges * scale)} ranges, "
          f"{math.ceil(md10 / 100_000)} settle parts of 100,000) with {WORKERS} workers of {MEMORY_MB} MB:")
    validation10 = 10e9 / (size / seconds)
    print(f"  validation (one invocation, one stream): {validation10:.0f} s at the parsing rate above; slower if one "
          f"S3 stream delivers less (not measurable here; parallel ranged GETs are not built)")
    for quota in (TABLE_QUOTA_WRU, None):
        for parallelism in (8, 16):
            phases = []
            for units, cpu, per_request in ((w_units / w_md, w_cpu / w_md, 25), (s_units / s_md, s_cpu / s_md, 1)):
                worker = min(vcpu / cpu, parallelism * per_request / LATENCY_SECONDS)
                table = md10 * units / quota if quota else 0
                phases.append(max(table, md10 / (WORKERS * worker)))
            total = validation10 + sum(phases)
            limit = f"table quota {quota:,} units/s" if quota else "table quota raised out of the way"
            print(f"  {limit}, WRITE_PARALLELISM {parallelism}: writing {phases[0]:.0f} s + settling {phases[1]:.0f} s "
                  f"= {total / 60:.1f} min with the validation{'  (goal: under 5)' if total < GOAL_SECONDS else ''}")
    units10 = md10 * (w_units / w_md + s_units / s_md)
    print(f"  in all {units10 / 1e6:.0f} M write units; the {GOAL_SECONDS // 60}-minute goal needs the table to take "
          f"{units10 / (GOAL_SECONDS - validation10):,.0f} units/s; readings and meter-day items spread over the "
          f"meters' partitions, pages over {math.ceil(md10 / 1000 / 100)} keys of 100 pages, the settle jobs' "
          f"~{math.ceil(md10 / 100_000)} part updates on one item each")


if __name__ == "__main__":
    main()
