#!/usr/bin/env python3
"""`make bench` for the core: `consumption totals` on one core against DuckDB read_csv + GROUP BY with threads=1,
on the same generated wide file, in the same run. Prints MB/s, rows/s, the ratio and each one's peak RSS, and checks
that both computed the same totals (DuckDB's doubles rounded to the file's 3 decimals). With `--nem12`, also
`consumption totals` on a NEM12 file of 5-minute data of about the same size, next to the wide file's figure of the
same run (goal: at least 60% of its MB/s), with its peak RSS."""
import argparse
import os
import subprocess
import sys
import tempfile
import time
from decimal import Decimal

DUCKDB_SCRIPT = r"""
import sys, duckdb
path = sys.argv[1]
con = duckdb.connect()
con.execute("SET threads=1")
con.execute("SET enable_progress_bar=false")
columns = [c[0] for c in con.execute(f"DESCRIBE SELECT * FROM read_csv('{path}', header=true)").fetchall()]
intervals = " + ".join(f'"{c}"' for c in columns[2:])
rows = con.execute(
    f"SELECT \"Date\", sum({intervals}) FROM read_csv('{path}', header=true) GROUP BY 1 ORDER BY 1").fetchall()
print("date,total")
for date, total in rows:
    print(f"{date},{total:.3f}")
"""


def measure(command):
    """Runs `command` under GNU time, returning (seconds, peak RSS in MiB, stdout). GNU time forks from a small
    process: a child forked from this Python would count Python's own pages in its peak RSS."""
    with tempfile.NamedTemporaryFile("r") as report:
        start = time.perf_counter()
        result = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", report.name] + command,
                                stdout=subprocess.PIPE, text=True)
        seconds = time.perf_counter() - start
        if result.returncode != 0:
            sys.exit(f"{command[0]} failed with status {result.returncode}")
        peak_kib = int(report.read().split()[-1])
    return seconds, peak_kib / 1024, result.stdout


def totals(text):
    lines = text.strip().splitlines()[1:]
    return {line.split(",")[0]: Decimal(line.split(",")[1]) for line in lines}


def best_of(runs, command):
    results = [measure(command) for _ in range(runs)]
    return min(results, key=lambda result: result[0])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--consumption", required=True)
    parser.add_argument("--file", required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--nem12", help="a NEM12 file of 5-minute data (meterfiles.py nem12-bench)")
    args = parser.parse_args()
    size = os.path.getsize(args.file)
    with open(args.file, "rb") as handle:
        rows = sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 24), b"")) - 1

    ours = best_of(args.runs, ["taskset", "-c", "0", args.consumption, "totals", args.file])
    duck = best_of(args.runs, ["taskset", "-c", "0", sys.executable, "-c", DUCKDB_SCRIPT, args.file])
    tiny = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "samples", "week-1.csv")
    baseline = best_of(args.runs, ["taskset", "-c", "0", args.consumption, "totals", tiny])
    ours_totals, duck_totals = totals(ours[2]), totals(duck[2])
    agree = ours_totals.keys() == duck_totals.keys() and all(
        ours_totals[d].quantize(Decimal("0.001")) == duck_totals[d] for d in ours_totals)

    mb = size / 1e6
    print(f"file: {args.file}: {mb:.0f} MB, {rows:,} rows, {len(ours_totals)} days; best of {args.runs} runs, one core")
    print(f"{'':28} {'seconds':>8} {'MB/s':>8} {'rows/s':>12} {'peak RSS':>10}")
    for name, (seconds, rss, _) in [("consumption totals", ours), ("DuckDB read_csv threads=1", duck)]:
        print(f"{name:28} {seconds:8.2f} {mb / seconds:8.0f} {rows / seconds:12,.0f} {rss:8.1f} MB")
    print(f"ratio: consumption is {duck[0] / ours[0]:.2f}x DuckDB threads=1 (goal: 5x)")
    print(f"consumption's peak RSS on a 4 KB file (the process itself): {baseline[1]:.1f} MB")
    print(f"totals agree with DuckDB: {'yes' if agree else 'NO'}")
    if args.nem12:
        nem12_mb = os.path.getsize(args.nem12) / 1e6
        seconds, rss, _ = best_of(args.runs, ["taskset", "-c", "0", args.consumption, "totals", args.nem12])
        print(f"NEM12, 5-minute data: {args.nem12}: {nem12_mb:.0f} MB in {seconds:.2f} s, {nem12_mb / seconds:.0f} MB/s, "
              f"peak RSS {rss:.1f} MB: {nem12_mb / seconds / (mb / ours[0]):.0%} of the wide file's MB/s (goal: 60%)")
    if not agree:
        sys.exit(1)


if __name__ == "__main__":
    main()
