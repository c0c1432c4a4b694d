"""The query function's API through the real bootstrap under the Runtime API emulator, with API Gateway events of
both payload versions, against moto holding what the real ingest function wrote. Every JSON answer is also held
against the OpenAPI document (see test_openapi.py)."""
import datetime
import json
import os
import subprocess
import time
import urllib.parse
from pathlib import Path
from decimal import Decimal

import pytest
from apigw import Response, v1, v2
from oracle import expected_totals, wide_file
from rig import ROOT, Stack

# The contract test reads the answers the API tests gathered: they run in one worker, in file order.
pytestmark = pytest.mark.xdist_group("api-contract")

CONSUMPTION = os.environ.get("CONSUMPTION_BIN", str(ROOT / ".build" / "debug" / "consumption"))
DAYS = [(datetime.date(2024, 4, 1) + datetime.timedelta(days=n)).isoformat() for n in range(40)]
ODD_METER = "MTR/1 é+%"
ANSWERS = []  # every JSON answer, for the contract test


def day_rows(meters, dates, value):
    return [(meter, date, [value(meter, date, slot) for slot in range(48)]) for meter in meters for date in dates]


@pytest.fixture(scope="module")
def data(moto):
    stack = Stack(moto)
    stack.put("incoming/acme/april.csv", wide_file(day_rows(
        ["m1", "m2", "m3"], DAYS, lambda m, d, s: f"{int(m[1:])}.{int(d[-2:]) + s:03d}")))
    stack.put("incoming/acme/odd.csv", wide_file(day_rows([ODD_METER], DAYS[:3], lambda m, d, s: "0.125")))
    stack.put("incoming/acme/fix.csv", wide_file(day_rows(["m1"], DAYS[:1], lambda m, d, s: "9")))
    stack.put("incoming/acme/fix.csv", wide_file(day_rows(["m1"], DAYS[:2], lambda m, d, s: "10")))
    stack.put("incoming/acme/bad.csv", wide_file(day_rows(["m9"], DAYS[:1], lambda m, d, s: "x")))
    stack.put("incoming/globex/april.csv", wide_file(day_rows(["g1"], DAYS[:5], lambda m, d, s: "2")))
    stack.ingest_waiting()
    stack.fold()
    environment = {"PATH": os.environ["PATH"], "AWS_ACCESS_KEY_ID": moto.access_key, "AWS_SECRET_ACCESS_KEY": moto.secret_key,
                   "AWS_REGION": "us-east-1", "AWS_ENDPOINT_URL": moto.endpoint, "TABLE_NAME": stack.table}
    subprocess.run([CONSUMPTION, "keys", "add", "key-acme", "--tenant", "acme"], env=environment, check=True,
                   capture_output=True, timeout=60)
    listed = subprocess.run([CONSUMPTION, "keys", "list"], env=environment, check=True, capture_output=True, text=True,
                            timeout=60)
    assert listed.stdout == "key-acme\tacme\n"
    stack.expected = expected_totals(stack.s3, stack.bucket)
    stack.query = stack.query_function()
    yield stack
    stack.query.stop()
    stack.close()


def call(data, event):
    response = Response(data.query.invoke(event))
    if response.headers.get("Content-Type") == "application/json":
        ANSWERS.append((event.get("rawPath") or event["path"], response.status, response.json))
    return response


def acme_v1(path, **arguments):
    return v1(path, api_key_id="key-acme", **arguments)


def acme_v2(path, **arguments):
    return v2(path, tenant="acme", **arguments)


def expected_day(data, tenant, date):
    total, meters = data.expected[tenant][date]
    return total, meters


@pytest.mark.parametrize("make", [acme_v1, acme_v2], ids=["rest-api-key", "http-api-authorizer"])
def test_a_day_is_its_exact_total_meter_count_and_average(data, make):
    date = DAYS[0]
    body = call(data, make(f"/consumption/{date}", path_parameters={"date": date})).json
    total, meters = expected_day(data, "acme", date)
    assert (Decimal(body["total"]), body["meters"]) == (total, meters)
    assert body["unit"] == "kWh" and body["date"] == date and body["updatedAt"]
    assert Decimal(body["average"]) == (total / meters).quantize(Decimal("0.000001"))
    assert Decimal(body["net"]) == Decimal(body["total"]) - Decimal(body["exported"])


@pytest.mark.parametrize("make", [acme_v1, acme_v2], ids=["rest-api-key", "http-api-authorizer"])
def test_the_replaced_systems_average_endpoint_answers_a_days_average_alone(data, make):
    date = DAYS[0]
    body = call(data, make(f"/consumption/average/{date}", path_parameters={"date": date})).json
    day = call(data, make(f"/consumption/{date}", path_parameters={"date": date})).json
    assert body == {"date": date, "average": day["average"], "meters": day["meters"], "unit": "kWh"}
    assert call(data, make("/consumption/average/2023-01-01")).status == 404
    assert call(data, make("/consumption/average/2024-02-30")).json["field"] == "date"


def test_a_day_without_data_is_404_and_a_malformed_date_400(data):
    missing = call(data, acme_v2("/consumption/2023-01-01"))
    assert missing.status == 404 and missing.json["error"] == "not-found"
    for text in ["2024-13-01", "2024-5-1", "yesterday", "0001-01-01"]:
        bad = call(data, acme_v2(f"/consumption/{text}"))
        assert bad.status == 400 and bad.json["field"] == "date", text


def test_a_long_range_pages_to_exactly_the_oracles_days(data):
    expected = [(date, *data.expected["acme"][date]) for date in sorted(data.expected["acme"])]
    seen, token, pages = [], None, 0
    while pages < 50:
        query = {"from": ["2024-01-01"], "to": ["2024-12-31"], "limit": ["7"]}
        if token:
            query["nextToken"] = [token]
        body = call(data, acme_v1("/consumption", query=query)).json
        seen += [(item["date"], Decimal(item["total"]), item["meters"]) for item in body["items"]]
        pages += 1
        token = body["nextToken"]
        if not token:
            break
    assert seen == expected and pages == 6


def test_a_range_summed_by_week_month_and_year_is_exactly_the_oracles_days_added_up(data):
    """Periods clipped to the range, a page of `limit` periods at a time, each the exact sum of its days."""
    first, last = DAYS[3], DAYS[-1]
    days = {date: value for date, value in data.expected["acme"].items() if first <= date <= last}

    def name(date, by):
        day = datetime.date.fromisoformat(date)
        year, week, _ = day.isocalendar()
        return {"week": f"{year}-W{week:02d}", "month": date[:7], "year": date[:4]}[by]

    for by in ("week", "month", "year"):
        expected = {}
        for date, (total, meters) in sorted(days.items()):
            period = expected.setdefault(name(date, by), [Decimal(0), 0, 0])
            period[0] += total
            period[1] += meters
            period[2] += 1
        items, token = [], None
        for _ in range(20):
            query = {"from": [first], "to": [last], "by": [by], "limit": ["2"], **({"nextToken": [token]} if token else {})}
            page = call(data, acme_v2("/consumption", query=query)).json
            assert page["by"] == by and len(page["items"]) <= 2
            items += page["items"]
            token = page["nextToken"]
            if token is None:
                break
        assert {item["period"]: [Decimal(item["total"]), item["meterDays"], item["days"]] for item in items} == expected
        assert items[0]["from"] == first and items[-1]["to"] == last  # clipped to the range asked for
        assert all(Decimal(i["net"]) == Decimal(i["total"]) - Decimal(i["exported"]) for i in items)
    csv = call(data, acme_v1("/consumption", query={"from": [first], "to": [last], "by": ["month"],
                                                    "format": ["csv"]}))
    assert csv.text.split("\r\n")[0] == "period,from,to,days,total,exported,net,notActual,meterDays,completeMeterDays,unit"
    meter = call(data, acme_v2("/meters/m1/consumption", query={"from": [DAYS[0]], "to": [DAYS[-1]], "by": ["year"]})).json
    readings = call(data, acme_v2("/meters/m1/consumption", query={"from": [DAYS[0]], "to": [DAYS[-1]],
                                                                   "limit": ["1000"]})).json["items"]
    assert meter["meter"] == "m1" and [(i["period"], Decimal(i["total"]), i["days"]) for i in meter["items"]] == \
        [("2024", sum(Decimal(r["value"]) for r in readings), len(readings))]
    assert call(data, acme_v2("/consumption", query={"from": [first], "to": [last], "by": ["fortnight"]})).json[
        "field"] == "by"


def test_billing_periods_given_one_by_one_are_each_the_exact_sum_of_their_days(data):
    """Periods that are not calendar months, overlapping or not, summed from the same days; a day counts in each
    period that holds it."""
    given = [(DAYS[2], DAYS[16]), (DAYS[17], DAYS[35]), (DAYS[10], DAYS[20])]
    text = ",".join(f"{a}..{b}" for a, b in given)
    page = call(data, acme_v1("/consumption", query={"periods": [text]})).json
    assert page["by"] == "periods" and page["nextToken"] is None
    # Repeated instead of comma-separated, under the HTTP API's payload (which joins repeats with commas): the same.
    repeated = call(data, acme_v2("/consumption", query={"periods": [f"{a}..{b}" for a, b in given]})).json
    assert repeated == page
    for item, (a, b) in zip(page["items"], given):
        days = {d: v for d, v in data.expected["acme"].items() if a <= d <= b}
        assert (item["period"], item["from"], item["to"]) == (f"{a}..{b}", a, b)
        assert (Decimal(item["total"]), item["meterDays"], item["days"]) == \
            (sum(v[0] for v in days.values()), sum(v[1] for v in days.values()), len(days))
    refusals = [({"periods": [text], "from": [DAYS[0]]}, "from"), ({"periods": [f"{DAYS[5]}..{DAYS[1]}"]}, "periods"),
                ({"periods": ["2024-04-01-2024-04-30"]}, "periods"),
                ({"periods": [",".join([f"{DAYS[0]}..{DAYS[1]}"] * 37)]}, "periods")]
    for query, field in refusals:
        refused = call(data, acme_v2("/consumption", query=query))
        assert refused.status == 400 and refused.json["field"] == field, query


def test_the_same_range_as_csv_and_tsv_with_a_header_row(data):
    csv = call(data, acme_v2("/consumption", query={"from": [DAYS[0]], "to": [DAYS[2]], "format": ["csv"]}))
    assert csv.status == 200 and csv.headers["Content-Type"].startswith("text/csv")
    lines = csv.text.split("\r\n")
    assert lines[0] == "date,total,meters,average,unit,exported,net"
    assert [line.split(",")[0] for line in lines[1:4]] == DAYS[:3]
    assert Decimal(lines[1].split(",")[1]) == data.expected["acme"][DAYS[0]][0]
    by_accept = call(data, acme_v1("/consumption", query={"from": [DAYS[0]], "to": [DAYS[2]]},
                                   headers={"Accept": "text/csv"}))
    assert by_accept.text == csv.text
    tsv = call(data, acme_v2("/consumption", query={"from": [DAYS[0]], "to": [DAYS[39]], "format": ["tsv"],
                                                    "limit": ["10"]}))
    assert tsv.text.split("\r\n")[0] == "date\ttotal\tmeters\taverage\tunit\texported\tnet" and "X-Next-Token" in tsv.headers


@pytest.mark.parametrize("query, field", [
    ({"to": ["2024-04-02"]}, "from"),
    ({"from": ["2024-04-02"]}, "to"),
    ({"from": ["2024-04-05"], "to": ["2024-04-01"]}, "from"),
    ({"from": ["2024-04-01"], "to": ["2024-04-02"], "limit": ["0"]}, "limit"),
    ({"from": ["2024-04-01"], "to": ["2024-04-02"], "limit": ["1001"]}, "limit"),
    ({"from": ["2024-04-01"], "to": ["2024-04-02"], "limit": ["ten"]}, "limit"),
    ({"from": ["0001-01-01"], "to": ["9999-12-31"]}, "from"),
    ({"from": ["2024-04-01"], "to": ["2024-04-02"], "format": ["xml"]}, "format"),
    ({"from": ["2024-04-01"], "to": ["2024-04-02"], "tenant": ["globex"]}, "tenant"),
    ({"from": ["2024-04-01", "2024-04-02"], "to": ["2024-04-03"]}, "from"),
    ({"from": ["2024-04-01"], "to": ["2024-04-02"], "nextToken": ["not-a-token"]}, "nextToken"),
    ({"from": ["2024-04-01"], "to": ["2024-04-02"], "pad": ["x" * 3000]}, "query"),
])
def test_every_bad_parameter_is_a_400_naming_it(data, query, field):
    answer = call(data, acme_v1("/consumption", query=query))
    assert answer.status == 400, answer.text
    assert answer.json["field"] == field and answer.json["message"]


def test_a_token_only_works_for_its_own_tenant_and_query(data):
    query = {"from": [DAYS[0]], "to": [DAYS[39]], "limit": ["2"]}
    token = call(data, acme_v1("/consumption", query=query)).json["nextToken"]
    assert call(data, acme_v1("/consumption", query=dict(query, nextToken=[token]))).status == 200
    other_query = call(data, acme_v1("/consumption", query=dict(query, to=[DAYS[30]], nextToken=[token])))
    other_tenant = call(data, v2("/consumption", tenant="globex", query=dict(query, nextToken=[token])))
    tampered = call(data, acme_v1("/consumption", query=dict(query, nextToken=[token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]])))
    for answer in (other_query, other_tenant, tampered):
        assert answer.status == 400 and answer.json["error"] == "invalid-token"


def test_tenants_see_only_their_own_data(data):
    date = DAYS[0]
    acme = call(data, acme_v2(f"/consumption/{date}")).json
    globex = call(data, v2(f"/consumption/{date}", jwt_tenant="globex")).json
    assert (Decimal(globex["total"]), globex["meters"]) == data.expected["globex"][date]
    assert acme["total"] != globex["total"]
    assert call(data, v2("/meters/g1/consumption/" + date, tenant="acme")).status == 404
    # A header the client writes names no tenant.
    assert call(data, v2(f"/consumption/{date}", headers={"x-tenant": "acme"})).status == 403
    assert call(data, v1(f"/consumption/{date}", api_key_id="key-nobody")).status == 403
    assert call(data, v2(f"/consumption/{date}", tenant="../acme")).status == 403


def test_a_meters_days_and_one_day_with_its_intervals_and_source(data):
    body = call(data, acme_v2("/meters/m1/consumption", query={"from": [DAYS[0]], "to": [DAYS[4]]})).json
    assert [item["date"] for item in body["items"]] == DAYS[:5]
    # fix.csv (overwritten: its second version holds two days) wins over april.csv: it is later.
    assert [item["value"] for item in body["items"][:2]] == ["480", "480"]
    day = call(data, acme_v1(f"/meters/m1/consumption/{DAYS[0]}")).json
    assert day["value"] == "480" and day["intervals"] == ["10"] * 48
    assert day["source"]["key"] == "incoming/acme/fix.csv" and day["source"]["versionId"] and day["source"]["line"] == 2


def day_meters(data, date, limit, make=acme_v1, tenant_event=None):
    meters, token, pages = [], None, 0
    while pages < 20:
        query = {"limit": [str(limit)], **({"nextToken": [token]} if token else {})}
        body = call(data, (tenant_event or make)(f"/consumption/{date}/meters", query=query)).json
        meters += body["items"]
        pages += 1
        token = body["nextToken"]
        if not token:
            return meters, pages
    raise AssertionError("still paging")


def test_a_days_meters_page_to_exactly_the_meters_its_total_adds_up(data):
    date = DAYS[0]
    total, count = expected_day(data, "acme", date)
    one_by_one, pages = day_meters(data, date, 1)
    assert sorted(item["meter"] for item in one_by_one) == sorted(["m1", "m2", "m3", ODD_METER])
    assert len(one_by_one) == count and sum(Decimal(item["value"]) for item in one_by_one) == total
    assert pages >= count
    # fix.csv's reading counts for m1, as on the meter's own resource.
    assert next(item for item in one_by_one if item["meter"] == "m1")["value"] == "480"
    whole, _ = day_meters(data, date, 1000)
    assert whole == one_by_one
    tsv = call(data, acme_v2(f"/consumption/{date}/meters", query={"format": ["tsv"]}))
    assert tsv.text.split("\r\n")[0] == "meter\tdate\tvalue\tunit\tflow"
    assert sorted(line.split("\t")[0] for line in tsv.text.split("\r\n")[1:] if line) == sorted(
        item["meter"] for item in whole)
    globex, _ = day_meters(data, date, 10, tenant_event=lambda path, **a: v2(path, jwt_tenant="globex", **a))
    assert [item["meter"] for item in globex] == ["g1"]
    assert day_meters(data, "2023-01-01", 10) == ([], 1)


def test_a_days_meters_token_is_for_that_day_only_and_bad_dates_are_400(data):
    token = call(data, acme_v1(f"/consumption/{DAYS[0]}/meters", query={"limit": ["1"]})).json["nextToken"]
    other_day = call(data, acme_v1(f"/consumption/{DAYS[1]}/meters", query={"limit": ["1"], "nextToken": [token]}))
    assert other_day.status == 400 and other_day.json["error"] == "invalid-token"
    bad = call(data, acme_v1("/consumption/2024-02-30/meters"))
    assert bad.status == 400 and bad.json["field"] == "date"
    unknown = call(data, acme_v1(f"/consumption/{DAYS[0]}/meters", query={"from": [DAYS[0]]}))
    assert unknown.status == 400 and unknown.json["field"] == "from"


@pytest.mark.parametrize("style", ["rest-greedy-parameter", "http-api-greedy-parameter", "raw-path-only"])
def test_meter_ids_with_any_character_travel_url_encoded(data, style):
    """`/meters/{meterPath+}` is one greedy resource: the gateway hands the rest of the path decoded once, and the
    id (`MTR/1 é+%`: a slash, a space, non-ASCII, a plus, a percent) is split off from its end."""
    encoded = urllib.parse.quote(ODD_METER, safe="")
    for rest, query, expected in [(f"/consumption/{DAYS[1]}", {}, {"meter": ODD_METER, "value": "6"}),
                                  ("/consumption", {"from": [DAYS[0]], "to": [DAYS[2]]}, {"meter": ODD_METER})]:
        greedy = {"meterPath": ODD_METER + rest}
        if style == "rest-greedy-parameter":
            event = acme_v1(f"/meters/{encoded}{rest}", query=query, path_parameters=greedy)
        elif style == "http-api-greedy-parameter":
            event = acme_v2(f"/meters/{ODD_METER}{rest}", query=query, path_parameters=greedy)
        else:
            event = acme_v1(f"/meters/{encoded}{rest}", query=query)
        body = call(data, event).json
        assert {name: body[name] for name in expected} == expected


def test_the_ledger_lists_pages_filters_and_shows_one_object(data):
    everything = call(data, acme_v1("/ingestions", query={"limit": ["2"]})).json
    assert len(everything["items"]) == 2 and everything["nextToken"]
    rest = call(data, acme_v1("/ingestions", query={"limit": ["10"], "nextToken": [everything["nextToken"]]})).json
    keys = [item["key"] for item in everything["items"] + rest["items"]]
    assert sorted(set(keys)) == ["incoming/acme/april.csv", "incoming/acme/bad.csv", "incoming/acme/fix.csv",
                                 "incoming/acme/odd.csv"]
    rejected = call(data, acme_v2("/ingestions", query={"status": ["rejected"]})).json["items"]
    assert [item["key"] for item in rejected] == ["incoming/acme/bad.csv"]
    assert "invalid-number" in rejected[0]["errorSummary"] and rejected[0]["reportKey"].startswith("reports/acme/")
    one = call(data, acme_v1("/ingestions/" + urllib.parse.quote("incoming/acme/april.csv", safe=""))).json
    assert one["versions"][0]["status"] == "ingested" and one["versions"][0]["meterDays"] == 120
    assert one["counting"]["tag"] == one["versions"][0]["tag"]
    # Of an overwritten key, the newest version counts; a rejected new key has none that counts.
    fix = call(data, acme_v2("/ingestions/incoming/acme/fix.csv")).json
    assert fix["counting"]["versionId"] == fix["versions"][0]["versionId"]
    assert call(data, acme_v2("/ingestions/incoming/acme/bad.csv")).json["counting"] is None
    assert call(data, acme_v2("/ingestions/incoming/acme/april.csv")).json == one
    assert call(data, acme_v2("/ingestions/incoming/acme/none.csv")).status == 404
    assert call(data, acme_v2("/ingestions", query={"status": ["lost"]})).json["field"] == "status"
    assert fix["nextToken"] is None  # one version: one page


HOSTILE_PATHS = [
    ("/meters/" + "A" * 2100 + "/consumption", {"from": [DAYS[0]], "to": [DAYS[1]]}, "meterId"),
    ("/meters/" + "A" * 2100 + "/consumption/" + DAYS[0], {}, "meterId"),
    ("/meters/" + "%C3%A9" * 33 + "/consumption/" + DAYS[0], {}, "meterId"),  # 66 bytes
    ("/meters/m%001/consumption/" + DAYS[0], {}, "meterId"),
    ("/meters/%0A/consumption", {}, "meterId"),
    ("/ingestions/" + "k" * 1100, {}, "objectKey"),
    ("/ingestions/incoming%2Facme%2F" + "%E2%82%AC" * 400, {}, "objectKey"),  # 1,214 bytes
]


@pytest.mark.parametrize("path, query, field", HOSTILE_PATHS, ids=range(len(HOSTILE_PATHS)))
@pytest.mark.parametrize("version", [acme_v1, acme_v2], ids=["rest", "http-api"])
def test_a_path_parameter_over_its_limit_is_a_400_naming_it(data, path, query, field, version):
    response = call(data, version(path, query=query))
    assert response.status == 400 and response.json["field"] == field, (path[:80], response.status, response.text[:200])
    # The function is still up and answering.
    assert call(data, version(f"/consumption/{DAYS[0]}")).status == 200


def test_hostile_requests_are_refused_with_a_json_error_never_a_5xx(data):
    hostile = [
        ("/consumption", {"from": ["9" * 400], "to": [DAYS[0]]}),
        ("/consumption", {"from": [DAYS[0]], "to": [DAYS[1]], "limit": ["1" * 50]}),
        ("/consumption", {"from": [DAYS[0], DAYS[1]], "to": [DAYS[1]]}),
        ("/consumption", {"from": [DAYS[0]], "to": [DAYS[1]], "nextToken": ["\u0000" * 10]}),
        ("/consumption/" + "%FF%FE", {}),
        ("/consumption/2024-02-30", {}),
        ("/meters/%FF%FE/consumption/" + DAYS[0], {}),
        ("/ingestions/%00", {}),
        ("/ingestions", {"status": ["rejected"] * 3}),
        ("/ingestions", {"limit": ["-1"]}),
    ]
    for version in (acme_v1, acme_v2):
        for path, query in hostile:
            response = call(data, version(path, query=query))
            assert 400 <= response.status < 500, (path[:60], query, response.status)
            assert response.json["error"] and "message" in response.json


def test_a_path_holding_bytes_that_are_not_utf8_is_a_400_on_both_payload_versions(data):
    """API Gateway writes such bytes into the event as lone surrogate escapes (`\\ud800`): valid JSON grammar that
    names no text. The caller's request, not an invocation error."""
    for version in (acme_v1, acme_v2):
        for path in ("/consumption/\ud800", "/meters/m\udc00/consumption/" + DAYS[0]):
            response = call(data, version(path))
            assert response.status == 400, (version.__name__, path, response.status)
            assert response.json["error"] == "invalid-encoding"
    assert call(data, acme_v2(f"/consumption/{DAYS[0]}")).status == 200


def test_each_request_writes_the_table_calls_it_made_for_its_tenant_as_a_metric(data):
    """The per-tenant cost signal (QueryTableCallsAlarm watches its p99): an EMF line per request, the tenant a
    property rather than a dimension."""
    def metric_lines():
        return [json.loads(line[line.index("{"):]) for line in data.query.log_text().splitlines()
                if "TableCallsPerRequest" in line]

    before = len(metric_lines())
    assert call(data, acme_v2(f"/consumption/{DAYS[0]}", query={"x": ["1"]})).status == 400
    assert call(data, acme_v2("/consumption", query={"from": [DAYS[0]], "to": [DAYS[-1]]})).status == 200
    refused, answered = metric_lines()[before:]
    [metrics] = answered["_aws"]["CloudWatchMetrics"]
    assert metrics["Namespace"] == "DailyConsumption" and metrics["Dimensions"] == [["FunctionName"]]
    assert answered["tenant"] == "acme" and answered["status"] == 200 and answered["TableCallsPerRequest"] >= 1
    assert refused["status"] == 400 and refused["TableCallsPerRequest"] <= answered["TableCallsPerRequest"]


def test_unknown_paths_wrong_methods_and_bodies(data):
    assert call(data, acme_v2("/nothing/here")).status == 404
    post = call(data, acme_v2(f"/consumption/{DAYS[0]}", method="POST", body=b'{"x": 1}'))
    assert post.status == 405 and post.headers["Allow"] == "GET"
    assert call(data, acme_v1(f"/consumption/{DAYS[0]}", method="DELETE")).status == 405


def test_an_event_that_is_not_an_api_request_fails_the_invocation_not_the_process(data):
    answer = data.query.invoke({"Records": []})
    assert answer["outcome"] == "error" and answer["errorType"] == "Query.InvalidEvent"
    assert call(data, acme_v2(f"/consumption/{DAYS[0]}")).status == 200


def test_a_missing_token_secret_is_an_init_error(data):
    started = data.query_function(TOKEN_SECRET="short")
    try:
        answer = started.invoke(acme_v2("/openapi.json"))
    finally:
        started.stop()
    assert answer["outcome"] == "init-error" and "TOKEN_SECRET" in answer["errorMessage"]


def test_the_token_secret_comes_from_secrets_manager_and_survives_a_rotation(data, moto):
    """The deployed path: the function reads the secret's current and previous versions at start-up, with its own
    client. A token signed before a rotation still pages after it; one past its lifetime is refused."""
    manager = moto.client("secretsmanager")
    arn = manager.create_secret(Name=f"{data.table}-token", SecretString=json.dumps({"token": "a" * 32}))["ARN"]
    query = {"from": [DAYS[0]], "to": [DAYS[-1]], "limit": ["2"]}
    before = data.query_function(TOKEN_SECRET="", TOKEN_SECRET_ARN=arn)
    try:
        token = call(data, acme_v2("/consumption", query=query)).json["nextToken"]  # the fixture's own secret
        assert call(data, acme_v2("/consumption", query={**query, "nextToken": [token]})).status == 200
        token = Response(before.invoke(acme_v2("/consumption", query=query))).json["nextToken"]
    finally:
        before.stop()
    manager.put_secret_value(SecretId=arn, SecretString=json.dumps({"token": "b" * 32}))
    after = data.query_function(TOKEN_SECRET="", TOKEN_SECRET_ARN=arn, TOKEN_TTL_SECONDS="1")
    try:
        again = Response(after.invoke(acme_v2("/consumption", query={**query, "nextToken": [token]})))
        assert again.status == 200 and again.json["items"][0]["date"] == DAYS[2]
        fresh = Response(after.invoke(acme_v2("/consumption", query=query))).json["nextToken"]
        time.sleep(2.1)
        expired = Response(after.invoke(acme_v2("/consumption", query={**query, "nextToken": [fresh]})))
        assert expired.status == 400 and expired.json["error"] == "expired-token"
        # A token from another secret altogether is no token at all.
        foreign = data.query_function(TOKEN_SECRET="c" * 32)
        try:
            other = Response(foreign.invoke(acme_v2("/consumption", query=query))).json["nextToken"]
        finally:
            foreign.stop()
        refused = Response(after.invoke(acme_v2("/consumption", query={**query, "nextToken": [other]})))
        assert refused.status == 400 and refused.json["error"] == "invalid-token"
    finally:
        after.stop()


def test_openapi_document_is_served_as_kept_in_the_repository(data):
    served = call(data, v2("/openapi.json"))
    assert served.status == 200
    assert json.loads(served.text) == json.loads((ROOT / "Sources" / "Query" / "openapi.json").read_text())


def test_an_api_key_costs_one_lookup_then_comes_from_the_cache(data):
    from rig import FaultProxy
    proxy = FaultProxy(data.moto)
    started = data.query_function(AWS_ENDPOINT_URL=proxy.endpoint)
    try:
        proxy.configure()
        for _ in range(3):
            assert Response(started.invoke(acme_v1(f"/consumption/{DAYS[0]}"))).status == 200
        operations = proxy.stats()["operations"]
    finally:
        started.stop()
        proxy.stop()
    assert operations == {"DynamoDB GetItem": 1, "DynamoDB Query": 3}


def test_an_internal_failure_is_a_bare_500_and_the_detail_goes_to_the_log(data):
    started = data.query_function(TABLE_NAME="no-such-table")
    try:
        answer = Response(started.invoke(acme_v2(f"/consumption/{DAYS[0]}")))
        log = Path(started.server.log.name).read_text()
    finally:
        started.stop()
    assert answer.status == 500 and answer.json["error"] == "internal"
    assert "ResourceNotFound" not in answer.text and "no-such-table" not in answer.text
    assert "ResourceNotFoundException" in log


def test_a_day_and_a_31_day_range_each_cost_one_dynamodb_request(data):
    from rig import FaultProxy
    proxy = FaultProxy(data.moto)
    started = data.query_function(AWS_ENDPOINT_URL=proxy.endpoint)
    try:
        costs = []
        for event in (acme_v2(f"/consumption/{DAYS[0]}"),
                      acme_v2("/consumption", query={"from": [DAYS[0]], "to": [DAYS[30]]})):
            proxy.configure()
            assert Response(started.invoke(event)).status == 200
            costs.append(proxy.stats()["requests"])
    finally:
        started.stop()
        proxy.stop()
    assert costs == [1, 1]
