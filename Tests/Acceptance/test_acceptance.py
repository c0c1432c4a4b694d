"""The acceptance suite: the local stack `make demo` runs (tools/local_stack.py), driven only through its public
surfaces — S3 puts and deletes, and the HTTP API — and held against an oracle computed in Python from the files as
they stand in the bucket. A mixed set of files: good, overlapping across files, overwritten under the same key,
deleted, malformed, gzip, two tenants, and a larger one (moto's speed bounds its size: see ../shared/local-aws.md)."""
import csv
import datetime
import gzip
import io
import json
import os
import random
import signal
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from oracle import (INTERVALS, counting_versions, expected_totals, expected_winners, half_hours, meter_day_values,
                    wide_file)

from analytics_layer import download, duckdb_days, settle
from local_stack import LocalStack

ROOT = Path(__file__).resolve().parents[2]

# Two tenants in market zones whose clocks change: their days around the changes hold 46 or 50 half-hours.
ZONES = {"london": "Europe/London", "newyork": "America/New_York"}
TENANTS = ["acme", "globex", *ZONES]
CONSUMPTION = os.environ.get("CONSUMPTION_BIN", str(ROOT / ".build" / "debug" / "consumption"))


def days(first, count):
    start = int(first[-2:])
    return [f"{first[:-2]}{start + n:02d}" for n in range(count)]


def rows(rng, meters, dates):
    return [(meter, date, [f"{rng.randint(0, 2000) / 1000:.3f}" for _ in range(48)]) for meter in meters for date in dates]


def zoned_file(rng, tenant, meters, dates):
    """A wide file of a zoned tenant: each row holds as many half-hours as its day has on the tenant's clock."""
    count = half_hours(ZONES[tenant])
    lines = ["Meter,Date," + ",".join(INTERVALS)]
    for meter in meters:
        for date in dates:
            lines.append(",".join([meter, date] + [f"{rng.randint(0, 2000) / 1000:.3f}" for _ in range(count(date))]))
    return ("\n".join(lines) + "\n").encode()


def file_set():
    """(key, bytes or None for a delete) in upload order. Later uploads of overlapping data come later in time."""
    rng = random.Random(2024)
    week = days("2024-05-01", 7)
    # 1,500 meters over 3 days (1.4 MB): long enough under moto to kill a process mid-file, and each of the three
    # stacks that ingest it stays within `make test`'s time (moto's writes, not ours, set the pace).
    large_meters = [f"L{n:05d}" for n in range(1500)]
    return [
        ("incoming/acme/w1.csv", wide_file(rows(rng, [f"A{n}" for n in range(6)], week)).encode()),
        ("incoming/acme/w2.csv.gz", gzip.compress(wide_file(rows(rng, [f"A{n}" for n in range(6)],
                                                                 days("2024-05-08", 7))).encode())),
        ("incoming/globex/g.csv", wide_file(rows(rng, ["A1", "G1", "G2"], week[:3])).encode()),
        ("incoming/acme/overwrite.csv", wide_file(rows(rng, ["O1", "O2"], week[:4])).encode()),
        ("incoming/acme/deleted.csv", wide_file(rows(rng, ["A1", "D1"], week[2:5])).encode()),
        ("incoming/acme/broken.csv", wide_file(rows(rng, ["B1"], week[:2])).replace(",0.", ",x.", 1).encode()),
        ("incoming/acme/large.csv", wide_file(rows(rng, large_meters, days("2024-05-20", 3))).encode()),
        # A correction of w1 for two meters and two days, uploaded later: it wins where it overlaps.
        ("incoming/acme/w1-fix.csv", wide_file(rows(rng, ["A1", "A2"], week[1:3])).encode()),
        # The same key again with other meters: only this version counts.
        ("incoming/acme/overwrite.csv", wide_file(rows(rng, ["O1", "O3"], week[2:6])).encode()),
        ("incoming/acme/deleted.csv", None),
        ("incoming/london/clocks.csv",
         zoned_file(rng, "london", ["Z1", "Z2"], ["2024-03-30", "2024-03-31", "2024-10-27"])),
        ("incoming/newyork/clocks.csv",
         zoned_file(rng, "newyork", ["Y1"], ["2024-03-10", "2024-11-03", "2024-11-04"])),
        # London's file again, Z1 alone on the clock-change days: only this version counts.
        ("incoming/london/clocks.csv", zoned_file(rng, "london", ["Z1"], ["2024-03-31", "2024-10-27"])),
    ]


def environment(stack):
    """The `consumption` tool's settings for the stack's table, as an operator's shell would have them."""
    return {"PATH": os.environ["PATH"], "AWS_ACCESS_KEY_ID": stack.moto.access_key,
            "AWS_SECRET_ACCESS_KEY": stack.moto.secret_key, "AWS_REGION": "us-east-1",
            "AWS_ENDPOINT_URL": stack.moto.endpoint, "TABLE_NAME": stack.settings.table}


def upload(stack, files):
    # The zoned tenants' settings come first: a file is read in the zone its tenant had when it was validated.
    for tenant, zone in ZONES.items():
        subprocess.run([CONSUMPTION, "tenants", "set-zone", tenant, zone], env=environment(stack), check=True,
                       capture_output=True, timeout=60)
    for key, body in files:
        if body is None:
            stack.s3.delete_object(Bucket=stack.settings.bucket, Key=key)
        else:
            stack.s3.put_object(Bucket=stack.settings.bucket, Key=key, Body=body)
        time.sleep(1.1)  # LastModified has whole seconds: each upload is later than the one before


class Client:
    """The HTTP API as a user reaches it, with one tenant's API key."""

    def __init__(self, stack, tenant):
        self.base = stack.api_url
        self.key = stack.api_key if tenant == stack.tenant else stack.add_api_key(tenant)

    def get(self, path, query=None, headers=None):
        url = self.base + path + ("?" + urllib.parse.urlencode(query) if query else "")
        request = urllib.request.Request(url, headers={"x-api-key": self.key, **(headers or {})})
        try:
            with urllib.request.urlopen(request, timeout=60) as answer:
                return answer.status, dict(answer.headers), answer.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode()

    def json(self, path, query=None):
        status, _, body = self.get(path, query)
        return status, json.loads(body)


def answers(stack):
    """Everything the API says about each tenant, for comparing runs: totals by day (paged), per-meter values."""
    result = {}
    for tenant in TENANTS:
        client = Client(stack, tenant)
        totals, token = {}, None
        for _ in range(100):
            query = {"from": "2024-01-01", "to": "2024-12-31", "limit": "4"}
            if token:
                query["nextToken"] = token
            status, page = client.json("/consumption", query)
            assert status == 200, page
            totals.update({item["date"]: (Decimal(item["total"]), item["meters"]) for item in page["items"]})
            token = page["nextToken"]
            if not token:
                break
        meters = {}
        for meter in ["A1", "A2", "O1", "O2", "O3", "D1", "G1", "L00007"]:
            status, page = client.json(f"/meters/{meter}/consumption", {"from": "2024-05-01", "to": "2024-05-31"})
            assert status == 200, page
            meters.update({(meter, item["date"]): Decimal(item["value"]) for item in page["items"]})
        result[tenant] = {"totals": totals, "meters": meters}
    return result


def wait_for_ingestion(stack):
    assert stack.wait_until_idle(timeout=600), "the queue did not drain"


@pytest.fixture(scope="module")
def files():
    return file_set()


@pytest.fixture(scope="module")
def first_run(files, tmp_path_factory):
    # The analytics layer writes each changed day as soon as the schedule (every 5 s here) finds it.
    with LocalStack(stage="acceptance-a", work_dir=tmp_path_factory.mktemp("stack-a"), tenant="acme",
                    max_seconds=1500, parameters={"AnalyticsQuietSeconds": "0"}, analytics_every=5) as stack:
        upload(stack, files)
        wait_for_ingestion(stack)
        stack.expected_totals = expected_totals(stack.s3, stack.settings.bucket, zones=ZONES)
        stack.expected_winners = expected_winners(stack.s3, stack.settings.bucket, zones=ZONES)
        stack.answers = answers(stack)
        yield stack


def test_daily_totals_match_the_oracle_for_every_tenant(first_run):
    for tenant in TENANTS:
        assert first_run.answers[tenant]["totals"] == first_run.expected_totals[tenant], tenant
    # The overwritten key counts only its second version, the deleted object not at all, the broken file not at all.
    meters = first_run.answers["acme"]["meters"]
    assert ("O2", "2024-05-01") not in meters and ("O3", "2024-05-06") in meters
    assert not any(meter == "D1" for meter, _ in meters)


def test_each_day_and_each_meter_day_match_the_oracle(first_run):
    acme = Client(first_run, "acme")
    for date, (total, meter_count) in first_run.expected_totals["acme"].items():
        status, day = acme.json(f"/consumption/{date}")
        assert status == 200 and (Decimal(day["total"]), day["meters"]) == (total, meter_count), date
    for (tenant, meter, date), (value, key) in first_run.expected_winners.items():
        if tenant != "acme" or meter.startswith("L") and meter != "L00007":
            continue
        status, reading = acme.json(f"/meters/{meter}/consumption/{date}")
        assert status == 200, (meter, date, reading)
        assert Decimal(reading["value"]) == value and reading["source"]["key"] == key
        assert sum(Decimal(v) for v in reading["intervals"]) == value


def pages(client, path, query, field="items"):
    items, token = [], None
    for _ in range(100):
        status, page = client.json(path, {**query, **({"nextToken": token} if token else {})})
        assert status == 200, page
        items += page[field]
        token = page["nextToken"]
        if not token:
            return items
    raise AssertionError(f"{path} kept paging")


def test_weeks_and_months_are_the_oracles_days_added_up(first_run):
    for tenant in TENANTS:
        client = Client(first_run, tenant)
        days = first_run.expected_totals[tenant]
        for by, period_of in (("month", lambda day: day[:7]),
                              ("week", lambda day: "{}-W{:02d}".format(*datetime.date.fromisoformat(day).isocalendar()[:2]))):
            expected = {}
            for day, (total, _) in days.items():
                expected[period_of(day)] = expected.get(period_of(day), Decimal(0)) + total
            answered = pages(client, "/consumption", {"from": min(days), "to": max(days), "by": by, "limit": "2"})
            assert [(item["period"], Decimal(item["total"])) for item in answered] == sorted(expected.items()), by


def test_load_profiles_are_the_winning_versions_rows_and_bands_add_them_up(first_run, tmp_path):
    # The oracle: each meter-day's 48 values as the version that counts holds them (overwrites, deletes and the
    # rejected file already decided by rule (d)); the tenant has no zone, so interval k starts at k half-hours.
    versions = counting_versions(first_run.s3, first_run.settings.bucket, zones=ZONES)
    acme = Client(first_run, "acme")
    night = [Decimal(0), 0]
    for (tenant, meter, date), (value, key) in sorted(first_run.expected_winners.items()):
        if tenant != "acme" or meter.startswith("L") and meter != "L00007":
            continue
        values = meter_day_values(versions[key][0])[(meter, date)]
        status, page = acme.json(f"/meters/{meter}/intervals", {"from": date, "to": date})
        assert status == 200, page
        [day] = page["days"]
        assert [Decimal(i["value"]) for i in day["intervals"]] == values and Decimal(day["value"]) == value
        assert [i["start"] for i in day["intervals"]] == [f"{date}T{k // 2:02d}:{k % 2 * 30:02d}:00" for k in range(48)]
        if meter == "A1":
            night[0] += sum(values[:14]) + sum(values[46:])
            night[1] += 16
    subprocess.run([CONSUMPTION, "tenants", "set-bands", "acme", "--band", "night=all 23:00-07:00", "--default", "day"],
                   env=environment(first_run), check=True, capture_output=True, timeout=60)
    status, bands = acme.json("/meters/A1/bands", {"from": "2024-05-01", "to": "2024-05-31"})
    assert status == 200, bands
    assert (Decimal(bands["bands"][0]["total"]), bands["bands"][0]["intervals"]) == tuple(night)
    a1_month = sum(value for (tenant, meter, _), (value, _) in first_run.expected_winners.items()
                   if (tenant, meter) == ("acme", "A1"))
    assert Decimal(bands["bands"][0]["total"]) + Decimal(bands["bands"][1]["total"]) == a1_month
    # Completeness: acme's roster is every meter it ever sent and one that never did.
    meters = sorted({meter for tenant, meter, _ in first_run.expected_winners if tenant == "acme"} | {"GHOST"})
    roster = tmp_path / "roster.txt"
    roster.write_text("\n".join(meters) + "\n")
    subprocess.run([CONSUMPTION, "roster", "set", "acme", str(roster)], env=environment(first_run), check=True,
                   capture_output=True, timeout=60)
    for date in sorted(first_run.expected_totals["acme"])[:3]:
        present = {meter for tenant, meter, day in first_run.expected_winners if (tenant, day) == ("acme", date)}
        missing = pages(acme, "/completeness", {"date": date, "limit": "500"})
        assert [item["meter"] for item in missing] == [m for m in meters if m not in present], date
        assert all(item["status"] == "missing" for item in missing)


def test_zoned_tenants_load_profiles_follow_their_clocks_across_the_changes(first_run):
    # The oracle: each winning row's values, the k-th starting k half-hours after local midnight in UTC (Python's
    # zoneinfo), shown on the tenant's clock with its offset then.
    versions = counting_versions(first_run.s3, first_run.settings.bucket, zones=ZONES)
    checked = 0
    for (tenant, meter, date), (value, key) in sorted(first_run.expected_winners.items()):
        if tenant not in ZONES:
            continue
        zone = ZoneInfo(ZONES[tenant])
        values = meter_day_values(versions[key][0], half_hours(ZONES[tenant]))[(meter, date)]
        midnight = datetime.datetime.fromisoformat(date).replace(tzinfo=zone).astimezone(datetime.timezone.utc)
        starts = [midnight + datetime.timedelta(minutes=30 * k) for k in range(len(values))]
        status, page = Client(first_run, tenant).json(f"/meters/{meter}/intervals", {"from": date, "to": date})
        assert status == 200, page
        [day] = page["days"]
        assert day["zone"] == ZONES[tenant] and day["minutes"] == 30
        assert [Decimal(i["value"]) for i in day["intervals"]] == values and Decimal(day["value"]) == value
        assert [(i["start"], i["startUTC"]) for i in day["intervals"]] == [
            (start.astimezone(zone).isoformat(), start.strftime("%Y-%m-%dT%H:%M:%SZ")) for start in starts]
        checked += 1
    # London's overwrite left Z1 alone, on the two clock-change days; New York's Y1 has its three days.
    assert checked == 2 + 3
    assert not any(meter == "Z2" for tenant, meter, _ in first_run.expected_winners if tenant == "london")


def test_duckdb_over_the_analytics_layer_sums_to_the_oracles_totals_for_every_tenant(first_run, tmp_path):
    settle(first_run)
    layer = download(first_run, "analytics/", tmp_path)
    for tenant in TENANTS:
        summed, daily = duckdb_days(layer, tenant)
        assert {date: (row[0], row[1]) for date, row in summed.items()} == first_run.expected_totals[tenant], tenant
        assert {date: (row[0], row[1]) for date, row in daily.items()} == first_run.expected_totals[tenant], tenant


def test_the_range_as_csv_is_the_same_days(first_run):
    status, headers, text = Client(first_run, "globex").get("/consumption", {"from": "2024-05-01", "to": "2024-05-31",
                                                                            "format": "csv"})
    assert status == 200 and headers["Content-Type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(text)))
    assert {r["date"]: (Decimal(r["total"]), int(r["meters"])) for r in table} == first_run.expected_totals["globex"]


def test_the_ledger_says_what_became_of_each_file(first_run):
    acme = Client(first_run, "acme")
    status, page = acme.json("/ingestions", {"limit": "100"})
    assert status == 200
    by_key = {}
    for item in page["items"]:
        by_key.setdefault(item["key"], []).append(item["status"])
    assert by_key["incoming/acme/broken.csv"] == ["rejected"]
    assert "deleted" in by_key["incoming/acme/deleted.csv"]
    assert sorted(by_key["incoming/acme/overwrite.csv"]) in (["deleted", "ingested"], ["ingested"])
    status, rejected = acme.json("/ingestions", {"status": "rejected"})
    report_key = rejected["items"][0]["reportKey"]
    report = json.loads(first_run.s3.get_object(Bucket=first_run.settings.bucket, Key=report_key)["Body"].read())
    assert report["countsByCode"] == {"invalid-number": 1} and report["errors"][0]["line"] == 2


def test_tenants_and_keys_are_kept_apart(first_run):
    assert Client(first_run, "globex").json("/meters/A2/consumption/2024-05-01")[0] == 404
    unknown = urllib.request.Request(first_run.api_url + "/consumption/2024-05-01", headers={"x-api-key": "nope"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(unknown, timeout=30)
    assert refused.value.code == 403


def test_the_same_files_delivered_twice_and_shuffled_give_identical_answers(first_run, files, tmp_path_factory):
    with LocalStack(stage="acceptance-b", work_dir=tmp_path_factory.mktemp("stack-b"), tenant="acme",
                    chaos_seed=7, max_seconds=1500) as stack:
        upload(stack, files)
        wait_for_ingestion(stack)
        assert stack.deliveries["messages"] >= 2 * len(files)
        assert answers(stack) == first_run.answers


def test_an_ingest_process_killed_mid_file_changes_nothing(first_run, files, tmp_path_factory):
    # A short visibility timeout, so SQS hands the unfinished message out again within the test.
    with LocalStack(stage="acceptance-c", work_dir=tmp_path_factory.mktemp("stack-c"), tenant="acme",
                    visibility_timeout=5, max_seconds=1500) as stack:
        large = [entry for entry in files if entry[0] == "incoming/acme/large.csv"]
        upload(stack, large)
        acme = Client(stack, "acme")
        for _ in range(600):
            status, page = acme.json("/ingestions", {"status": "processing"})
            if page.get("items"):
                break
            time.sleep(0.05)
        assert page["items"], "the large file never showed as processing"
        time.sleep(0.5)
        os.kill(stack.ingest.stats()["pid"], signal.SIGKILL)
        wait_for_ingestion(stack)
        assert stack.deliveries["crashed"] >= 1
        totals = answers(stack)["acme"]["totals"]
        expected = expected_totals(stack.s3, stack.settings.bucket, zones=ZONES)["acme"]
        assert totals == expected
        assert {d: t for d, t in first_run.answers["acme"]["totals"].items() if d >= "2024-05-20"} == expected


def test_a_message_that_always_fails_is_redriven_to_the_dead_letter_queue(tmp_path_factory):
    # Not an S3 event: the function reports it in batchItemFailures every time, so SQS moves it to the DLQ after
    # the template's maxReceiveCount receives. A short visibility timeout makes the retries come quickly.
    with LocalStack(stage="acceptance-d", work_dir=tmp_path_factory.mktemp("stack-d"), visibility_timeout=1,
                    max_seconds=600) as stack:
        stack.sqs.send_message(QueueUrl=stack.queue_url, MessageBody="not an S3 event")
        stack.s3.put_object(Bucket=stack.settings.bucket, Key="incoming/acme/ok.csv",
                            Body=wide_file([("M1", "2024-05-01", ["1"] * 48)]).encode())
        dead = []
        for _ in range(120):
            dead = stack.sqs.receive_message(QueueUrl=stack.dead_letter_url, AttributeNames=["All"]).get("Messages", [])
            if dead:
                break
            time.sleep(0.5)
        assert [m["Body"] for m in dead] == ["not an S3 event"]
        assert int(dead[0]["Attributes"]["ApproximateReceiveCount"]) >= stack.settings.max_receive_count
        # The good file in the same queue was not held up by the bad message.
        status, day = Client(stack, "acme").json("/consumption/2024-05-01")
        assert status == 200 and day["total"] == "48"


def test_a_tenant_uploads_its_own_file_with_consumption_upload(tmp_path_factory):
    """The self-service path end to end: `consumption upload` asks the API for a form and sends the file to S3
    (the stack's S3 front checks the POST policy as S3 does); the file counts for the key's tenant alone."""
    consumption = os.environ.get("CONSUMPTION_BIN", str(ROOT / ".build" / "debug" / "consumption"))
    work = tmp_path_factory.mktemp("stack-e")
    readings = work / "my readings.csv"
    readings.write_text(wide_file([("U1", "2024-05-01", ["0.25"] * 48), ("U2", "2024-05-01", ["1"] * 48)]))
    with LocalStack(stage="acceptance-e", work_dir=work, tenant="acme", max_seconds=600) as stack:
        answer = subprocess.run([consumption, "upload", str(readings), "--api", stack.api_url, "--key",
                                 stack.api_key, "--wait", "120"], capture_output=True, text=True, timeout=300)
        assert answer.returncode == 0, answer.stderr
        upload_id, key, status = answer.stdout.split()
        assert key.startswith("incoming/acme/") and key.endswith("-my_readings.csv") and status == "ingested"
        stack.wait_until_idle(timeout=120)
        assert Client(stack, "acme").json("/consumption/2024-05-01")[1]["total"] == "60"
        assert Client(stack, "acme").json(f"/uploads/{upload_id}")[1]["status"] == "ingested"
        assert Client(stack, "globex").json("/consumption/2024-05-01")[0] == 404
        refused = subprocess.run([consumption, "upload", str(readings), "--api", stack.api_url, "--key", "nope"],
                                 capture_output=True, text=True, timeout=60)
        assert refused.returncode != 0 and "403" in refused.stderr
