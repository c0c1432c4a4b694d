"""Completeness through the real bootstraps: a tenant's meter roster (set from a file with `consumption roster set`)
held against a day by `GET /completeness`, page by page, and by the hourly check that alerts once per day. The
oracle is the roster file minus the meters the uploaded file gives that day, and the meters whose row has a gap.
Answers are gathered for the contract test (test_openapi.py)."""
import datetime
import os
import subprocess

import pytest
from apigw import v1, v2
from oracle import wide_file
from rig import Stack
from test_api import CONSUMPTION, call

pytestmark = pytest.mark.xdist_group("api-contract")

# The day the hourly check looks at: yesterday, in UTC (the tenant sets no zone).
DAY = (datetime.datetime.now(datetime.timezone.utc).date() - datetime.timedelta(days=1)).isoformat()
OTHER_DAY = "2024-06-02"
# Meter ids as a roster file holds them: NEM12 channels, non-ASCII, and ids that differ only in normalisation.
ROSTER = ["R1", "R2", "R3", "6100000001/E1", "Zähler", "Za\u0308hler"]
READINGS = {  # meter -> values on DAY ("" is a gap)
    "R1": ["1"] * 48,
    "R2": ["1"] * 47 + [""],
    "Zähler": ["2"] * 48,
    "R9": ["3"] * 48,  # not on the roster: not reported
}


def expected_shortfalls():
    shortfalls = []
    for meter in ROSTER:
        values = READINGS.get(meter)
        if values is None:
            shortfalls.append({"meter": meter, "status": "missing", "missingIntervals": 0})
        elif "" in values:
            shortfalls.append({"meter": meter, "status": "incomplete", "missingIntervals": values.count("")})
    return shortfalls


@pytest.fixture(scope="module")
def data(moto, tmp_path_factory):
    stack = Stack(moto)
    stack.environment = {"PATH": os.environ["PATH"], "AWS_ACCESS_KEY_ID": moto.access_key,
                         "AWS_SECRET_ACCESS_KEY": moto.secret_key, "AWS_REGION": "us-east-1",
                         "AWS_ENDPOINT_URL": moto.endpoint, "TABLE_NAME": stack.table}
    roster = tmp_path_factory.mktemp("roster") / "roster.txt"
    roster.write_text("\r\n".join(ROSTER) + "\r\n\r\n")
    roster_set = subprocess.run([CONSUMPTION, "roster", "set", "grid", str(roster), "--alert-at", "00:00"],
                                env=stack.environment, capture_output=True, text=True, timeout=60)
    assert roster_set.returncode == 0, roster_set.stderr
    assert roster_set.stdout == f"grid\t{len(ROSTER)} meters\t0 left the roster\talert at 00:00\n"
    # A tenant whose alert time is the day's last minute: not checked before then.
    subprocess.run([CONSUMPTION, "roster", "set", "late", str(roster), "--alert-at", "23:59"], env=stack.environment,
                   check=True, capture_output=True, timeout=60)
    stack.put("incoming/grid/day.csv", wide_file([(meter, DAY, values) for meter, values in READINGS.items()]
                                                 + [("R3", OTHER_DAY, ["1"] * 48)]))
    stack.ingest_waiting()
    stack.query = stack.query_function()
    yield stack
    stack.query.stop()
    stack.close()


def get(data, version, tenant, **query):
    return call(data, version("/completeness", tenant=tenant, query={name: [value] for name, value in query.items()}))


@pytest.mark.parametrize("version", [v1, v2])
def test_the_rosters_meters_with_no_reading_or_with_gaps_are_named(data, version):
    response = get(data, version, "grid", date=DAY)
    assert response.status == 200, response.text
    assert response.json == {"date": DAY, "rosterMeters": len(ROSTER), "checked": len(ROSTER),
                             "items": sorted(expected_shortfalls(), key=lambda item: item["meter"].encode()),
                             "nextToken": None}


def test_pages_of_two_meters_add_up_to_the_whole_roster(data):
    items, checked, token = [], 0, None
    for _ in range(10):
        response = get(data, v2, "grid", date=DAY, limit="2", **({"nextToken": token} if token else {}))
        assert response.status == 200, response.text
        items += response.json["items"]
        checked += response.json["checked"]
        token = response.json["nextToken"]
        if token is None:
            break
    assert checked == len(ROSTER)
    assert items == sorted(expected_shortfalls(), key=lambda item: item["meter"].encode())


def test_a_tenant_without_a_roster_is_told_how_to_set_one_and_a_missing_date_is_a_400(data):
    response = get(data, v2, "nobody", date=DAY)
    assert response.status == 404 and response.json["error"] == "no-roster"
    response = get(data, v2, "grid")
    assert response.status == 400 and response.json["field"] == "date"


def test_the_hourly_check_alerts_once_on_the_day_before(data):
    checker = data.function()
    try:
        answer = checker.invoke({"completeness": {}})
        assert answer["outcome"] == "ok", answer
        first = answer["json"]
        second = checker.invoke({"completeness": {}})["json"]
    finally:
        checker.stop()
    if datetime.datetime.now(datetime.timezone.utc).time() < datetime.time(23, 58):
        assert first["checked"] == [f"grid {DAY}"] and first["alerted"] == [f"grid {DAY}"]
    assert first["rosters"] == 2 and f"grid {DAY}" in first["alerted"]
    assert second["checked"] == [] and second["alerted"] == []
    [alert] = [each for each in data.alerts() if each["tenant"] == "grid"]
    shortfalls = expected_shortfalls()
    assert alert == {"kind": "day-incomplete", "tenant": "grid", "date": DAY, "rosterMeters": len(ROSTER),
                     "missing": sum(1 for s in shortfalls if s["status"] == "missing"),
                     "incomplete": sum(1 for s in shortfalls if s["status"] == "incomplete"),
                     "meters": [{"meter": s["meter"], "status": s["status"]}
                                for s in sorted(shortfalls, key=lambda item: item["meter"].encode())]}
    shown = subprocess.run([CONSUMPTION, "roster", "show", "grid"], env=data.environment, capture_output=True,
                           text=True, timeout=60)
    assert shown.stdout == f"grid\t{len(ROSTER)} meters\talert at 00:00\tchecked through {DAY}\n"
