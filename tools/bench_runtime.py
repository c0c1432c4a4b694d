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
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def post(url, body=b"{}"):
    with urllib.request.urlopen(urllib.request.Request(url, data=body, method="POST"), timeout=60) as answer:
        return json.loads(answer.read())


def measure(bootstrap, cold_starts, warm_invocations, environment=None, event=b'{"action":"echo"}'):
    arguments = [os.path.join(ROOT, ".build/release/local-lambda"), "--bootstrap", str(bootstrap),
                 "--timeout-ms", "10000", "--max-seconds", "600"]
    for name, value in (environment or {}).items():
        arguments += ["--env", f"{name}={value}"]
    emulator = subprocess.Popen(arguments, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        base = f"http://127.0.0.1:{emulator.stdout.readline().strip()}"
        inits = []
        for _ in range(cold_starts):
            result = post(base + "/invoke", event)
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


def packaged_cold_starts(cold):
    """Cold start (spawn to first /next) of the ingest function three ways: the release binary on this machine's
    libraries; the zip's bootstrap with its own lib/; the zip in a bare root (tools/bare_root.py), which adds entering
    a user namespace and chroot — timed alone too, running the root's dynamic loader and nothing else."""
    import tempfile
    import bare_root
    # Init reads its configuration and makes no request: nothing here needs a server.
    settings = {"TABLE_NAME": "bench", "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret",
                "AWS_REGION": "us-east-1"}
    event = b'{"Records": []}'
    package = os.path.join(ROOT, ".build/package/ingest.zip")
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        unpacked = os.path.join(folder, "task")
        subprocess.run(["unzip", "-q", package, "-d", unpacked], check=True)
        rows.append(("release binary, system libraries", measure(
            os.path.join(ROOT, ".build/release/ingest"), cold, 0, settings, event)[0]))
        rows.append(("zip's bootstrap, its own lib/", measure(
            os.path.join(unpacked, "bootstrap"), cold, 0, settings, event)[0]))
        if not bare_root.user_namespaces_work():
            return rows, None
        root, launcher = bare_root.build(package, folder)
        settings.update(LAMBDA_TASK_ROOT="/var/task", LD_LIBRARY_PATH=bare_root.LAMBDA_LIBRARY_PATH)
        rows.append(("zip in a bare root (namespaces+chroot)", measure(launcher, cold, 0, settings, event)[0]))
        entries = []
        for _ in range(cold):
            start = time.perf_counter()
            subprocess.run(["unshare", "--user", "--map-root-user", "--mount", "--pid", "--fork", "--kill-child",
                            f"--mount-proc={root}/proc", "chroot", str(root), "/lib64/ld-linux-x86-64.so.2",
                            "--version"], capture_output=True, check=True)
            entries.append((time.perf_counter() - start) * 1000)
        libraries = len(os.listdir(os.path.join(unpacked, "lib")))
        return rows, (statistics.median(entries), libraries, loader_milliseconds(os.path.join(unpacked, "bootstrap")))


def loader_milliseconds(bootstrap, runs=9):
    """The dynamic loader's own share of a start (mapping and relocating every library): glibc's LD_DEBUG=statistics
    counts it in cycles, turned into time at the CPU's stated clock."""
    cycles = []
    for _ in range(runs):
        printed = subprocess.run([bootstrap], env={"LD_DEBUG": "statistics"}, capture_output=True, text=True).stderr
        cycles.append(int(re.search(r"total startup time in dynamic loader: ([0-9]+) cycles", printed).group(1)))
    with open("/proc/cpuinfo") as info:
        megahertz = float(re.search(r"cpu MHz\s*:\s*([0-9.]+)", info.read()).group(1))
    return statistics.median(cycles) / (megahertz * 1000)


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
    rows, entry = packaged_cold_starts(args.cold)
    print(f"\nThe packaged ingest bootstrap's cold start ({args.cold} each; spawn to first GET /next)")
    for name, inits in rows:
        print(f"{name:40} init p50 {statistics.median(inits):6.2f} ms   max {max(inits):6.2f} ms")
    if entry is None:
        print("bare root: skipped, this kernel forbids unprivileged user namespaces")
    else:
        print(f"entering the namespaces and chroot alone (the root's ld.so --version): p50 {entry[0]:.2f} ms")
        print(f"the dynamic loader's share (LD_DEBUG=statistics, {entry[1]} libraries in lib/ plus glibc's): "
              f"p50 {entry[2]:.2f} ms")


if __name__ == "__main__":
    main()
