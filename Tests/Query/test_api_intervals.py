"""A meter's load profile, `GET /meters/{meterId}/intervals`, through the real bootstraps: wide CSV read in a market
zone across both clock changes, and AEMO's NEM12 samples with qualities interval by interval. Each answer is held
against an oracle written here from the files as uploaded (Python's zoneinfo places the intervals in time), and
gathered for the contract test (test_openapi.py)."""
import csv
import datetime
import io
import os
import subprocess
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from apigw import v1, v2
from nem12_oracle import channel_days
from oracle import INTERVALS
from rig import Stack
from test_api import CONSUMPTION, call

pytestmark = pytest.mark.xdist_group("api-contract")

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "nem12-samples" / "samples"
NEM12 = ["Example_NEM12_multiple_quality.csv", "Example_NEM12_substituted_interval.csv"]
LONDON = "Europe/London"
# The days around both of London's clock changes in 2024, and an ordinary one: 48, 46, 48, 50 half-hours.
CLOCK_DAYS = {"2024-03-30": 48, "2024-03-31": 46, "2024-10-26": 48, "2024-10-27": 50}
# Time-of-use bands, in order of precedence; every clock day is a weekend day. "night" runs past midnight.
BANDS = ["weekend-day=weekends 08:00-20:00", "night=all 23:00-07:00"]


def london_file():
    """A wide file whose clock-change rows hold their day's intervals (46 or 50), values distinct per slot."""
    lines = ["Meter,Date," + ",".join(INTERVALS)]
    for date, count in CLOCK_DAYS.items():
        lines.append(",".join(["W1", date] + [f"{slot % 7}.{slot:03d}" for slot in range(count)]))
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def data(moto):
    stack = Stack(moto)
    environment = {"PATH": os.environ["PATH"], "AWS_ACCESS_KEY_ID": moto.access_key,
                   "AWS_SECRET_ACCESS_KEY": moto.secret_key, "AWS_REGION": "us-east-1",
                   "AWS_ENDPOINT_URL": moto.endpoint, "TABLE_NAME": stack.table}
    subprocess.run([CONSUMPTION, "tenants", "set-zone", "tz", LONDON], env=environment, check=True,
                   capture_output=True, timeout=60)
    subprocess.run([CONSUMPTION, "tenants", "set-bands", "tz", *(arg for band in BANDS for arg in ("--band", band)),
                    "--default", "other"], env=environment, check=True, capture_output=True, timeout=60)
    stack.put("incoming/tz/clocks.csv", london_file())
    for name in NEM12:
        stack.put(f"incoming/nem/{name}", (SAMPLES / name).read_bytes())
    stack.ingest_waiting()
    stack.query = stack.query_function()
    yield stack
    stack.query.stop()
    stack.close()


def expected_london_day(date, count):
    """The oracle's day: local midnight in London, then each half-hour on from it in UTC."""
    midnight = datetime.datetime.fromisoformat(date).replace(tzinfo=ZoneInfo(LONDON))
    start = midnight.astimezone(datetime.timezone.utc)
    values = [Decimal(f"{slot % 7}.{slot:03d}") for slot in range(count)]
    intervals = []
    for slot, value in enumerate(values):
        moment = start + datetime.timedelta(minutes=30 * slot)
        intervals.append({"start": moment.astimezone(ZoneInfo(LONDON)).isoformat(),
                          "startUTC": moment.strftime("%Y-%m-%dT%H:%M:%SZ"), "value": value, "quality": "A"})
    peak = max(range(count), key=lambda slot: (values[slot], -slot))
    return intervals, {"kW": values[peak] * 2, "start": intervals[peak]["start"],
                       "startUTC": intervals[peak]["startUTC"]}


def as_decimals(intervals):
    return [{**interval, "value": Decimal(interval["value"])} for interval in intervals]


def get(data, version, path, tenant, **query):
    return call(data, version(path, tenant=tenant, query={name: [value] for name, value in query.items()}))


@pytest.mark.parametrize("version", [v1, v2])
def test_a_load_profile_across_both_clock_changes_is_placed_in_the_tenants_zone(data, version):
    response = get(data, version, "/meters/W1/intervals", "tz", **{"from": "2024-03-01", "to": "2024-10-31",
                                                                     "limit": "31"})
    assert response.status == 200, response.text
    days = response.json["days"]
    assert [day["date"] for day in days] == list(CLOCK_DAYS)
    for day in days:
        intervals, peak = expected_london_day(day["date"], CLOCK_DAYS[day["date"]])
        assert (day["zone"], day["minutes"]) == (LONDON, 30)
        assert as_decimals(day["intervals"]) == intervals
        assert Decimal(day["value"]) == sum(interval["value"] for interval in intervals)
        assert {**day["peak"], "kW": Decimal(day["peak"]["kW"])} == peak
    assert response.json["nextToken"] is None


def test_a_meters_months_carry_their_peak_the_largest_interval_of_their_days(data):
    response = get(data, v2, "/meters/W1/consumption", "tz", **{"from": "2024-03-01", "to": "2024-10-31",
                                                                  "by": "month"})
    assert response.status == 200, response.text
    months = {}
    for date, count in CLOCK_DAYS.items():
        intervals, peak = expected_london_day(date, count)
        month = months.setdefault(date[:7], {"total": Decimal(0), "peak": None})
        month["total"] += sum(interval["value"] for interval in intervals)
        if month["peak"] is None or month["peak"]["kW"] < peak["kW"]:
            month["peak"] = peak
    assert [(item["period"], Decimal(item["total"]), {**item["peak"], "kW": Decimal(item["peak"]["kW"])})
            for item in response.json["items"]] == [(name, month["total"], month["peak"])
                                                    for name, month in sorted(months.items())]


def test_pages_are_days_and_go_on_from_the_token(data):
    seen, token = [], None
    for _ in range(10):
        query = {"from": "2024-03-01", "to": "2024-10-31", "limit": "1", **({"nextToken": token} if token else {})}
        response = get(data, v2, "/meters/W1/intervals", "tz", **query)
        assert response.status == 200 and len(response.json["days"]) == 1
        seen.append(response.json["days"][0]["date"])
        token = response.json["nextToken"]
        if token is None:
            break
    assert seen == list(CLOCK_DAYS)


def test_nem12_intervals_keep_their_quality_flags_and_days_with_gaps_have_none(data):
    expected = {key: day for key, day in channel_days_of_samples().items() if key[0].split("/")[1][0] == "E"}
    assert expected, "the samples hold import channels"
    for meter in sorted({meter for meter, _ in expected}):
        response = get(data, v2, f"/meters/{meter}/intervals", "nem", **{"from": "2000-01-01", "to": "2030-12-31",
                                                                        "limit": "31"})
        assert response.status == 200, response.text
        answered = {day["date"]: day for day in response.json["days"]}
        wanted = {date: day for (each, date), day in expected.items() if each == meter}
        assert set(answered) == set(wanted)
        for date, day in wanted.items():
            got = answered[date]
            assert got["zone"] is None
            if "N" in day["qualities"]:
                assert got["intervals"] is None and got["missingIntervals"] == day["qualities"].count("N")
                continue
            assert [i["quality"] for i in got["intervals"]] == day["qualities"]
            assert [Decimal(i["value"]) for i in got["intervals"]] == day["values"]
            assert all(i["startUTC"] is None for i in got["intervals"])
            minutes = 1440 // len(day["values"])
            assert got["intervals"][1]["start"] == f"{date}T{minutes // 60:02d}:{minutes % 60:02d}:00"


def channel_days_of_samples():
    days = {}
    for name in NEM12:
        days.update(channel_days(SAMPLES / name))
    return days


def test_the_load_profile_as_csv_is_one_row_per_interval(data):
    response = call(data, v2("/meters/W1/intervals", tenant="tz", query={
        "from": ["2024-10-27"], "to": ["2024-10-27"], "format": ["csv"]}))
    assert response.status == 200 and response.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == ["meter", "date", "start", "startUTC", "minutes", "value", "unit", "quality"]
    intervals, _ = expected_london_day("2024-10-27", 50)
    assert [(row[2], row[3], Decimal(row[5]), row[7]) for row in rows[1:]] == [
        (i["start"], i["startUTC"], i["value"], i["quality"]) for i in intervals]


@pytest.mark.parametrize("query, field", [
    ({"to": "2024-10-31"}, "from"), ({"from": "2024-10-31", "to": "2024-10-01"}, "from"),
    ({"from": "2024-10-01", "to": "2024-10-31", "limit": "32"}, "limit")])
def test_a_bad_range_or_page_size_is_a_400_naming_the_parameter(data, query, field):
    response = get(data, v2, "/meters/W1/intervals", "tz", **query)
    assert response.status == 400 and response.json["field"] == field


def test_another_tenants_meter_has_no_intervals_here(data):
    response = get(data, v2, "/meters/W1/intervals", "nem", **{"from": "2024-03-01", "to": "2024-10-31"})
    assert response.status == 200 and response.json["days"] == []


def expected_band(local):
    """The oracle's band of a local start time: the rules of BANDS written out."""
    minute = local.hour * 60 + local.minute
    if local.weekday() >= 5 and 8 * 60 <= minute < 20 * 60:
        return "weekend-day"
    if minute >= 23 * 60 or minute < 7 * 60:
        return "night"
    return "other"


def test_a_meters_energy_by_the_tenants_time_of_use_bands_follows_the_local_clock_across_clock_changes(data):
    response = get(data, v2, "/meters/W1/bands", "tz", **{"from": "2024-03-01", "to": "2024-10-31"})
    assert response.status == 200, response.text
    totals = {"weekend-day": [Decimal(0), 0], "night": [Decimal(0), 0], "other": [Decimal(0), 0]}
    for date, count in CLOCK_DAYS.items():
        intervals, _ = expected_london_day(date, count)
        for interval in intervals:
            band = totals[expected_band(datetime.datetime.fromisoformat(interval["start"]))]
            band[0] += interval["value"]
            band[1] += 1
    assert [(b["band"], Decimal(b["total"]), b["intervals"]) for b in response.json["bands"]] == \
        [(name, total, count) for name, (total, count) in totals.items()]
    assert response.json["days"] == len(CLOCK_DAYS) and response.json["unbanded"] == {"days": 0, "total": "0"}
    # Sixteen night half-hours a day; the clocks going forward skip two of them (01:00-02:00), going back repeat two.
    assert totals["night"][1] == 4 * 16 - 2 + 2


def test_bands_need_setting_and_a_year_at_most(data):
    response = get(data, v2, "/meters/W1/bands", "nem", **{"from": "2024-03-01", "to": "2024-03-31"})
    assert response.status == 404 and response.json["error"] == "no-bands"
    response = get(data, v2, "/meters/W1/bands", "tz", **{"from": "2024-01-01", "to": "2025-01-01"})
    assert response.status == 400 and response.json["field"] == "to"
