#!/usr/bin/env python3
"""`make bench` for the runtime: cold start (spawn to first GET /next) and warm round trip (next -> respond) of a
trivial handler on our runtime (runtime-probe, release build) under the project's emulator, next to a minimal shell
runtime over curl in the same run; and the binary's size and dependencies."""
import argparse
import gzip
import json
import os
import re
import statistics
import subprocess
import sys
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def post(url, body=b"{}"):
    with urllib.request.urlopen(urllib.request.Request(url, data=body, method="POST"), timeout=60) as answer:
        return json.loads(answer.read())


def measure(bootstrap, cold_starts, warm_invocations):
    emulator = subprocess.Popen([os.path.join(ROOT, ".build/release/local-lambda"), "--bootstrap", bootstrap,
                                 "--timeout-ms", "10000", "--max-seconds", "600"], stdout=subprocess.PIPE, text=True)
    try:
        base = f"http://127.0.0.1:{emulator.stdout.readline().strip()}"
        inits = []
        for _ in range(cold_starts):
            result = post(base + "/invoke", b'{"action":"echo"}')
            assert result["outcome"] == "ok", result
            inits.append(result["initMs"])
            post(base + "/stop")
        warm = []
        walls = []
        for _ in range(warm_invocations):
            start = time.perf_counter()
            result = post(base + "/invoke", b'{"action":"echo"}')
            walls.append((time.perf_counter() - start) * 1000)
            assert result["outcome"] == "ok", result
            warm.append(result["durationMs"])
        return inits, warm[1:], walls[1:]
    finally:
        emulator.terminate()
        emulator.wait()


def binary_facts(path):
    stripped = path + ".stripped"
    subprocess.run(["strip", "-o", stripped, path], check=True)
    size = os.path.getsize(stripped)
    with open(stripped, "rb") as handle:
        zipped = len(gzip.compress(handle.read(), 6))
    libraries = subprocess.run(["ldd", stripped], capture_output=True, text=True).stdout
    symbols = subprocess.run(["objdump", "-T", stripped], capture_output=True, text=True).stdout
    versions = sorted({tuple(int(p) for p in v.split(".")) for v in re.findall(r"GLIBC_([0-9.]+)", symbols)})
    os.remove(stripped)
    foreign = [name for name in ("Foundation", "icu", "ICU") if name in libraries]
    return size, zipped, ".".join(map(str, versions[-1])) if versions else "none", foreign, libraries


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--probe", default=os.path.join(ROOT, ".build/release/runtime-probe"))
    parser.add_argument("--cold", type=int, default=20)
    parser.add_argument("--warm", type=int, default=300)
    args = parser.parse_args()
    rows = []
    for name, bootstrap in [("our runtime (runtime-probe)", args.probe),
                            ("shell + curl runtime", os.path.join(ROOT, "tools/bench/shell_runtime.sh"))]:
        inits, warm, walls = measure(bootstrap, args.cold, args.warm)
        rows.append((name, statistics.median(inits), max(inits), statistics.median(warm),
                     statistics.quantiles(warm, n=100)[98], statistics.median(walls)))
    print(f"Runtime API round trips under the project's emulator ({args.cold} cold starts, {args.warm} warm invocations)")
    print(f"{'':30} {'init p50':>9} {'init max':>9} {'warm p50':>9} {'warm p99':>9} {'invoke p50':>11}")
    for name, init50, init_max, warm50, warm99, wall50 in rows:
        print(f"{name:30} {init50:7.2f}ms {init_max:7.2f}ms {warm50:7.3f}ms {warm99:7.3f}ms {wall50:9.3f}ms")
    size, zipped, glibc, foreign, _ = binary_facts(args.probe)
    print(f"runtime-probe, stripped: {size / 1e6:.1f} MB ({zipped / 1e6:.1f} MB gzipped); newest glibc symbol version: "
          f"{glibc}; Foundation/ICU linked: {'yes: ' + ', '.join(foreign) if foreign else 'no'}")
    print("goal: init under 3 ms, under 8 MB stripped, no Foundation/ICU, glibc symbols at most 2.34")


if __name__ == "__main__":
    main()
