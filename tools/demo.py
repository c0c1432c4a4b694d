#!/usr/bin/env python3
"""`make demo`: the whole system on this machine, end to end, with the real binaries and the deployed event shapes.

  demo.py [--once] [FILE...]

Starts the local stack (tools/local_stack.py), uploads the sample files — two weeks of readings, a correction of
the first week uploaded later, and a malformed file — or the given FILEs, shows them being ingested through
S3 -> SQS -> ingest, then prints the daily totals from the API, the rejected files with their error reports, the
analytics layer as DuckDB reads it, and curl commands for every endpoint. It then serves the API until Ctrl-C (or,
with --once, stops at once).
"""
import argparse
import json
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path


from browser import chromium
from local_stack import ROOT, LocalStack

SAMPLES = ["week-1.csv", "week-2.csv", "broken.csv", "week-1-correction.csv", "nem12-week.csv"]
ANALYTICS_EVERY = 60


def api(stack, path, query=None):
    url = stack.api_url + path + ("?" + urllib.parse.urlencode(query) if query else "")
    request = urllib.request.Request(url, headers={"x-api-key": stack.api_key})
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def upload(stack, files):
    """Every file straight into the bucket, but one (the second) the way a tenant uploads its own: `consumption
    upload` asks POST /uploads for a form and sends the file to S3 with it."""
    print(f"== Uploading {len(files)} file(s) to s3://{stack.settings.bucket}/incoming/{stack.tenant}/")
    for index, path in enumerate(files):
        if index == min(1, len(files) - 1):
            answer = subprocess.run([str(ROOT / ".build" / "release" / "consumption"), "upload", str(path), "--api",
                                     stack.api_url, "--key", stack.api_key], capture_output=True, text=True, timeout=300)
            if answer.returncode != 0:
                raise SystemExit(f"consumption upload failed: {answer.stderr}")
            upload_id, key = answer.stdout.split()
            print(f"   {key}  ({path.stat().st_size:,} bytes; by `consumption upload`: POST /uploads, then the "
                  f"presigned POST, upload id {upload_id})")
        else:
            key = f"incoming/{stack.tenant}/{path.name}"
            stack.s3.put_object(Bucket=stack.settings.bucket, Key=key, Body=path.read_bytes())
            print(f"   {key}  ({path.stat().st_size:,} bytes)")
        # The correction must be later than what it corrects: S3's LastModified has whole seconds.
        if index + 1 < len(files):
            time.sleep(1.1)


def show_progress(stack, expected, timeout):
    print("== Ingesting (S3 -> SQS -> ingest bootstrap)")
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        _, ledger = api(stack, "/ingestions", {"limit": "1000"})
        items = ledger.get("items", [])
        done = [i for i in items if i["status"] in ("ingested", "rejected")]
        line = f"   {len(done)}/{expected} files done, {stack.queue_depth()} message(s) in the queue"
        if line != last:
            print(line, flush=True)
            last = line
        if len(done) >= expected and stack.queue_depth() == 0:
            return items
        time.sleep(0.5)
    raise SystemExit(f"the files were not all ingested within {timeout} s")


def print_totals(stack):
    days, token = [], None
    for _ in range(1000):
        query = {"from": "1900-01-01", "to": "2999-12-31", "limit": "1000"}
        if token:
            query["nextToken"] = token
        _, page = api(stack, "/consumption", query)
        days += page["items"]
        token = page.get("nextToken")
        if not token:
            break
    print(f"== Daily totals of tenant '{stack.tenant}' (GET /consumption), kWh")
    print(f"   {'date':10}  {'total':>14}  {'meters':>6}  {'average':>12}")
    for day in days:
        print(f"   {day['date']:10}  {day['total']:>14}  {day['meters']:>6}  {day['average']:>12}")
    return days


def show_analytics(stack, days):
    """A scheduled analytics run now (the local schedule would start one within ANALYTICS_EVERY seconds anyway), the
    files it wrote, and DuckDB's sums of them next to the API's totals."""
    import duckdb

    summary = stack.run_analytics()["json"]
    print(f"== The analytics layer (a scheduled run of the analytics function: {summary})")
    prefix = f"analytics/{stack.tenant}/"
    into = ROOT / ".build" / "demo-analytics"
    shutil.rmtree(into, ignore_errors=True)
    keys = [item["Key"] for page in stack.s3.get_paginator("list_objects_v2").paginate(
        Bucket=stack.settings.bucket, Prefix=prefix) for item in page.get("Contents", [])]
    for key in keys:
        path = into / key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(stack.s3.get_object(Bucket=stack.settings.bucket, Key=key)["Body"].read())
    print(f"   {len(keys)} files under s3://{stack.settings.bucket}/{prefix}, copied to {into}, for example:")
    for key in keys[:2]:
        print(f"     {key}")
    if not keys:
        return
    layer = into / "analytics" / stack.tenant
    sums = dict(duckdb.connect().execute(
        f"SELECT strftime(date, '%Y-%m-%d'), SUM(value) FROM read_csv('{layer}/meter_days/*/*.tsv.gz', delim='\t', "
        "header=true, quote='', escape='', hive_partitioning=true, types={'value': 'DECIMAL(38,6)', 'date': 'DATE'}) "
        "WHERE flow = 'consumption' GROUP BY date").fetchall())
    print("   DuckDB: SUM(value) per date over meter_days (hive partitions month=...), next to the API's total")
    for day in days:
        print(f"   {day['date']:10}  {str(sums.get(day['date'])):>14}  {day['total']:>14}")


def print_rejections(stack, items):
    rejected = [i for i in items if i["status"] == "rejected"]
    print(f"== Rejected files: {len(rejected)}")
    for item in rejected:
        print(f"   {item['key']}: {item.get('errorSummary', '')}")
        report = json.loads(stack.s3.get_object(Bucket=stack.settings.bucket, Key=item["reportKey"])["Body"].read())
        print(f"   report: s3://{stack.settings.bucket}/{item['reportKey']}")
        for error in report["errors"][:5]:
            column = f", column {error['column']}" if error.get("column") else ""
            print(f"     line {error['line']}{column}: {error['code']}: {error['message']} (excerpt: {error['excerpt']!r})")
        if report["errorCount"] > 5:
            print(f"     ... {report['errorCount'] - 5} more")
    alerts = stack.alerts()
    print(f"== Alerts on the file-alert topic ({stack.settings.alert_topic}, as an operator's e-mail would get them): "
          f"{len(alerts)}")
    for alert in alerts:
        print(f"   {alert['kind']}: {alert['key']} (tenant {alert['tenant']}): {alert['summary']}")


def print_curl(stack, days, items):
    base, key = stack.api_url, stack.api_key
    first, last = (days[0]["date"], days[-1]["date"]) if days else ("2024-05-01", "2024-05-07")
    any_key = items[0]["key"] if items else "incoming/demo/week-1.csv"
    print("== Try the API (the demo key belongs to tenant '%s')" % stack.tenant)
    lines = [
        f"curl -s -H 'x-api-key: {key}' {base}/consumption/{first}",
        f"curl -s -H 'x-api-key: {key}' {base}/consumption/{first}/meters",
        f"curl -s -H 'x-api-key: {key}' '{base}/consumption?from={first}&to={last}&limit=3'",
        f"curl -s -H 'x-api-key: {key}' '{base}/consumption?from={first}&to={last}&format=csv'",
        f"curl -s -H 'x-api-key: {key}' '{base}/meters/NMI1000001/consumption?from={first}&to={last}'",
        f"curl -s -H 'x-api-key: {key}' {base}/meters/NMI1000001/consumption/{first}",
        f"curl -s -H 'x-api-key: {key}' '{base}/meters/6100000002%2FE1/intervals?from={first}&to={first}'",
        f"curl -s -H 'x-api-key: {key}' '{base}/ingestions?status=rejected'",
        f"curl -s -H 'x-api-key: {key}' {base}/ingestions/{urllib.parse.quote(any_key, safe='')}",
        f"curl -s -H 'x-api-key: {key}' -d '{{\"query\": \"{{ listConsumptionDaily(from: \\\"{first}\\\", "
        f"to: \\\"{last}\\\") {{ items {{ date total }} nextToken }} }}\"}}' {base}/graphql",
        f"curl -s {base}/graphql/schema",
        f"curl -s {base}/openapi.json",
        f"consumption upload FILE --api {base} --key {key} --wait 60   # POST /uploads, then the presigned POST",
    ]
    for line in lines:
        print("   " + line)


def show_dashboard(stack, days):
    """The dashboard's URL, and a screenshot of it in headless Chromium with the demo key."""
    first, last = (days[0]["date"], days[-1]["date"]) if days else ("2024-05-01", "2024-05-07")
    url = f"{stack.api_url}/dashboard#from={first}&to={last}"
    path = ROOT / ".build" / "screenshots" / "demo-dashboard.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    with chromium(width=1200, height=1000) as driver:
        driver.get(url)
        driver.find_element("id", "key").send_keys(stack.api_key)
        driver.find_element("id", "show").click()
        for _ in range(200):
            if driver.execute_script("return window.renderMilliseconds !== undefined"):
                break
            time.sleep(0.05)
        driver.save_screenshot(str(path))
    print(f"== The dashboard: {url}  (paste the demo key)")
    print(f"   screenshot: {path}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--once", action="store_true", help="stop after printing the results (for CI)")
    parser.add_argument("--timeout", type=int, default=900, help="seconds to wait for the files to be ingested")
    parser.add_argument("files", nargs="*", type=Path, help="your own meter files (default: the samples)")
    args = parser.parse_args()
    files = args.files or [ROOT / "samples" / name for name in SAMPLES]
    for path in files:
        if not path.is_file():
            raise SystemExit(f"no such file: {path}")
    names = [path.name for path in files]
    if len(set(names)) != len(names):
        raise SystemExit("two files share a name; they would overwrite each other under incoming/demo/")

    stop = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    print("== Starting the local stack: moto (S3, SQS, DynamoDB; signatures checked), the ingest, analytics and query "
          "bootstraps under the Runtime API emulator, the SQS and table-stream event sources, the analytics schedule "
          f"(every {ANALYTICS_EVERY} s here) and the API gateway")
    # Days are written to the analytics layer as soon as they change, and the schedule runs every ANALYTICS_EVERY
    # seconds (deployed: AnalyticsQuietSeconds and AnalyticsSchedule, 30 s and 15 minutes).
    with LocalStack(stage="local", parameters={"AnalyticsQuietSeconds": "0"}, analytics_every=ANALYTICS_EVERY) as stack:
        s = stack.settings
        print(f"   bucket {s.bucket}, notified queue {s.notification_queue} sorted into fair queue {s.queue} "
              f"(DLQ {s.dead_letter_queue}, visibility {s.visibility_timeout} s, {s.max_receive_count} receives), "
              f"table {s.table}: names and settings from template.yaml")
        print(f"   API: {stack.api_url}   demo API key: {stack.api_key}")
        print(f"   S3 (and SQS, DynamoDB): {stack.endpoint}  access key {stack.moto.access_key}, "
              f"secret {stack.moto.secret_key}, region us-east-1")
        upload(stack, files)
        items = show_progress(stack, len(files), args.timeout)
        days = print_totals(stack)
        print_rejections(stack, items)
        show_analytics(stack, days)
        print_curl(stack, days, items)
        show_dashboard(stack, days)
        if args.once:
            return 0
        print(f"== Serving {stack.api_url} until Ctrl-C. Drop more files in with, for example:")
        print(f"   AWS_ACCESS_KEY_ID={stack.moto.access_key} AWS_SECRET_ACCESS_KEY={stack.moto.secret_key} "
              f"aws --region us-east-1 --endpoint-url {stack.endpoint} s3 cp FILE s3://{s.bucket}/incoming/{stack.tenant}/")
        stop.wait(timeout=stack.max_seconds)
        print("== Stopping every process the demo started")
    return 0


if __name__ == "__main__":
    sys.exit(main())
