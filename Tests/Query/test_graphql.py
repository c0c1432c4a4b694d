"""GraphQL beside the REST API, through the local stack's API gateway with an API key: a real client no one here
wrote (PyPI's `gql` with its requests transport, loading the schema by introspection) runs the four queries and gets
the REST API's numbers for the same tenant, paging to the end; the served SDL and the introspection answer describe
the same schema (graphql-core prints both); and hostile documents get the spec's error shape, never a 5xx."""
import json
import urllib.error
import urllib.parse
import urllib.request
from decimal import Decimal
from pathlib import Path

import pytest
from gql import Client, gql
from gql.transport.exceptions import TransportQueryError
from gql.transport.requests import RequestsHTTPTransport
from graphql import build_client_schema, build_schema, get_introspection_query, print_schema
from oracle import wide_file

from local_stack import LocalStack

ROOT = Path(__file__).resolve().parents[2]

DAYS = [f"2024-05-{day:02d}" for day in range(1, 11)]
# Meter ids a path must carry: NEM12's NMI/suffix channels, a percent, a plus, a space, non-ASCII, an encoded slash.
ODD_IDS = ["6123456789/E1", "NMI%25/B1", "a+b", "two words", "Zähler-ü", "x%2Fy"]


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    with LocalStack(stage="graphql", work_dir=tmp_path_factory.mktemp("graphql"), tenant="acme",
                    max_seconds=900) as stack:
        readings = [(f"M{meter}", day, [f"{meter}.{index:03d}" for index in range(48)])
                    for meter in range(1, 4) for day in DAYS]
        for key, body in [("incoming/acme/may.csv", wide_file(readings)),
                          ("incoming/acme/bad.csv", "Meter,Date,Value\nM1,2024-05-01,x\n"),
                          ("incoming/globex/may.csv", wide_file([("G1", DAYS[0], ["7"] * 48)])),
                          ("incoming/initech/nem-style.csv",
                           wide_file([(meter, DAYS[0], [str(index + 1)] * 48) for index, meter in enumerate(ODD_IDS)]))]:
            stack.s3.put_object(Bucket=stack.settings.bucket, Key=key, Body=body.encode())
        assert stack.wait_until_idle(timeout=300)
        stack.globex_key = stack.add_api_key("globex")
        stack.initech_key = stack.add_api_key("initech")
        yield stack


def rest(stack, path, query=None, key=None):
    url = stack.api_url + path + ("?" + urllib.parse.urlencode(query) if query else "")
    request = urllib.request.Request(url, headers={"x-api-key": key or stack.api_key})
    with urllib.request.urlopen(request, timeout=60) as answer:
        return json.loads(answer.read())


def rest_pages(stack, path, query):
    items, token = [], None
    for _ in range(100):
        page = rest(stack, path, dict(query, **({"nextToken": token} if token else {})))
        items += page["items"]
        token = page["nextToken"]
        if not token:
            return items
    raise AssertionError("REST kept paging")


def client(stack, key=None):
    transport = RequestsHTTPTransport(url=f"{stack.api_url}/graphql", headers={"x-api-key": key or stack.api_key},
                                      timeout=60)
    return Client(transport=transport, fetch_schema_from_transport=True)


def request(document, variables):
    parsed = gql(document)
    parsed.variable_values = variables
    return parsed


def graph_pages(session, document, field, variables):
    items, token = [], None
    for _ in range(100):
        page = session.execute(request(document, dict(variables, nextToken=token)))[field]
        items += page["items"]
        token = page["nextToken"]
        if not token:
            return items
    raise AssertionError("GraphQL kept paging")


def test_a_real_client_runs_the_four_queries_and_gets_the_rest_apis_numbers(stack):
    with client(stack) as session:
        assert session.client.schema.query_type.name == "Query"  # loaded by introspection
        day = session.execute(request("""query Day($date: String!) {
            consumptionDaily(date: $date) { date total meters average exported estimated completeMeters }
        }""", {"date": DAYS[0]}))["consumptionDaily"]
        expected = rest(stack, f"/consumption/{DAYS[0]}")
        assert day == {name: expected[name] if name != "estimated" else expected["notActual"] for name in day}
        assert session.execute(gql('{ consumptionDaily(date: "2023-01-01") { total } }')) == {"consumptionDaily": None}

        days = graph_pages(session, """query Days($from: String!, $to: String!, $nextToken: String) {
            listConsumptionDaily(from: $from, to: $to, limit: 3, nextToken: $nextToken) {
                items { date total meters average exported estimated } nextToken } }""",
                           "listConsumptionDaily", {"from": DAYS[0], "to": DAYS[-1]})
        expected_days = rest_pages(stack, "/consumption", {"from": DAYS[0], "to": DAYS[-1], "limit": "4"})
        assert [(d["date"], d["total"], d["meters"], d["average"]) for d in days] == \
            [(d["date"], d["total"], d["meters"], d["average"]) for d in expected_days]
        assert len(days) == len(DAYS)

        meter = graph_pages(session, """query Meter($nextToken: String) {
            meterConsumption(meter: "M2", from: "2024-05-01", to: "2024-05-10", limit: 4, nextToken: $nextToken) {
                meter items { date value flow unit } nextToken } }""", "meterConsumption", {})
        expected_meter = rest_pages(stack, "/meters/M2/consumption", {"from": DAYS[0], "to": DAYS[-1]})
        assert [(m["date"], m["value"], m["flow"]) for m in meter] == \
            [(m["date"], m["value"], m["flow"]) for m in expected_meter]

        ingestions = graph_pages(session, """query Files($status: IngestionStatus, $nextToken: String) {
            ingestions(status: $status, limit: 1, nextToken: $nextToken) { items { key status meterDays } nextToken }
        }""", "ingestions", {"status": None})
        assert sorted((i["key"], i["status"]) for i in ingestions) == \
            [("incoming/acme/bad.csv", "rejected"), ("incoming/acme/may.csv", "ingested")]
        rejected = session.execute(gql('{ ingestions(status: rejected) { items { key } } }'))
        assert rejected == {"ingestions": {"items": [{"key": "incoming/acme/bad.csv"}]}}


def test_a_days_meters_page_as_the_rest_apis_do(stack):
    with client(stack) as session:
        meters = graph_pages(session, """query Meters($nextToken: String) {
            dayMeters(date: "2024-05-01", limit: 1, nextToken: $nextToken) {
                date items { meter value flow estimated missingIntervals unit } nextToken } }""", "dayMeters", {})
        expected = rest_pages(stack, f"/consumption/{DAYS[0]}/meters", {})
        assert [(m["meter"], m["value"], m["flow"], m["estimated"], m["missingIntervals"]) for m in meters] == \
            [(m["meter"], m["value"], m["flow"], m["notActual"], m["missingIntervals"]) for m in expected]
        assert len(meters) == rest(stack, f"/consumption/{DAYS[0]}")["meters"] > 1
        with pytest.raises(TransportQueryError) as refused:
            session.execute(gql('{ dayMeters(date: "2024-02-30") { nextToken } }'))
        assert refused.value.errors[0]["extensions"]["field"] == "date"


def test_a_meter_argument_passes_the_check_a_rest_path_does(stack):
    """One check for a meter id, whichever way it comes: one no file could hold never reaches DynamoDB."""
    for meter in ("m" * 3000, "a\tb"):
        with client(stack) as session:
            with pytest.raises(TransportQueryError) as refused:
                session.execute(gql("""query M($m: String!) {
                    meterConsumption(meter: $m, from: "2024-05-01", to: "2024-05-02") { nextToken } }"""),
                    variable_values={"m": meter})
        [error] = refused.value.errors
        assert error["extensions"]["field"] == "meter" and error["extensions"]["code"] == "invalid-parameter"
        with pytest.raises(urllib.error.HTTPError) as rest_refused:
            rest(stack, "/meters/" + urllib.parse.quote(meter, safe="") + "/consumption")
        assert rest_refused.value.code == 400
        assert json.loads(rest_refused.value.read())["error"] == error["extensions"]["code"]


def test_meter_ids_holding_slashes_and_escapes_reach_their_meter_through_the_gateway(stack):
    """Through the local gateway, which (as API Gateway is reported to) decodes `%2F` before it matches: the greedy
    resource `/meters/{meterPath+}` takes an id sent with its slash encoded or literal; every other character is
    percent-encoded once."""
    for index, meter in enumerate(ODD_IDS):
        for encoded in {urllib.parse.quote(meter, safe=""), urllib.parse.quote(meter, safe="/")}:
            day = rest(stack, f"/meters/{encoded}/consumption/{DAYS[0]}", key=stack.initech_key)
            assert (day["meter"], day["value"]) == (meter, str(48 * (index + 1))), encoded
            days = rest(stack, f"/meters/{encoded}/consumption", {"from": DAYS[0], "to": DAYS[1]},
                        key=stack.initech_key)
            assert days["meter"] == meter and [d["date"] for d in days["items"]] == [DAYS[0]], encoded
    listed = rest(stack, f"/consumption/{DAYS[0]}/meters", key=stack.initech_key)
    assert sorted(item["meter"] for item in listed["items"]) == sorted(ODD_IDS)


# The replaced system's clients send this document as written: a tenant, no range.
REPLACED_SYSTEMS_QUERY = """query ListConsumptionDaily($tenant: String!, $limit: Int, $nextToken: String) {
  listConsumptionDaily(tenant: $tenant, limit: $limit, nextToken: $nextToken) {
    items { date total }
    nextToken
  }
}"""


def test_the_replaced_systems_list_query_runs_as_written_for_the_callers_tenant_only(stack):
    with client(stack) as session:
        items, token = [], None
        for _ in range(20):
            page = session.execute(gql(REPLACED_SYSTEMS_QUERY),
                                   variable_values={"tenant": "acme", "limit": 3, "nextToken": token})
            items += page["listConsumptionDaily"]["items"]
            token = page["listConsumptionDaily"]["nextToken"]
            if token is None:
                break
        expected = rest_pages(stack, "/consumption", {"from": DAYS[0], "to": DAYS[-1]})
        assert items == [{"date": day["date"], "total": day["total"]} for day in expected]
        with pytest.raises(TransportQueryError) as refused:
            session.execute(gql(REPLACED_SYSTEMS_QUERY), variable_values={"tenant": "globex", "limit": 3})
        [error] = refused.value.errors
        assert error["extensions"]["field"] == "tenant" and error["extensions"]["code"] == "forbidden"


def test_each_tenant_sees_only_its_own_and_a_bad_argument_is_a_field_error(stack):
    with client(stack, stack.globex_key) as session:
        days = session.execute(gql('{ listConsumptionDaily(from: "2024-05-01", to: "2024-05-31") { items { date total } } }'))
        assert days == {"listConsumptionDaily": {"items": [{"date": DAYS[0], "total": "336"}]}}
        with pytest.raises(TransportQueryError) as refused:
            session.execute(gql('{ listConsumptionDaily(from: "2024-05-31", to: "2024-05-01") { nextToken } }'))
        [error] = refused.value.errors
        assert error["path"] == ["listConsumptionDaily"] and error["extensions"]["field"] == "from"
        # gql sends the document as graphql-core prints it: the field stands on its second line.
        assert error["locations"] == [{"line": 2, "column": 3}]


def test_periods_by_month_and_given_billing_periods_are_the_days_added_up(stack):
    # The oracle: meter m's value each day is the sum of m.000 ... m.047.
    day_value = {meter: sum(Decimal(f"{meter}.{index:03d}") for index in range(48)) for meter in range(1, 4)}

    def peak(first_day):  # M2's largest half-hour, 2.047 kWh, is each day's last: the period's first day's, as kW
        return {"kW": "4.094", "start": f"{first_day}T23:30:00", "startUTC": None}
    with client(stack) as session:
        months = session.execute(gql(
            '{ consumptionPeriods(by: month, from: "2024-04-20", to: "2024-05-06") '
            '{ by meter items { period from to days total exported net meterDays } nextToken } }'))
        assert months["consumptionPeriods"] == {"by": "month", "meter": None, "nextToken": None, "items": [{
            "period": "2024-05", "from": "2024-05-01", "to": "2024-05-06", "days": 6,
            "total": str(6 * sum(day_value.values())), "exported": "0", "net": str(6 * sum(day_value.values())),
            "meterDays": 18}]}
        billed = session.execute(request(
            'query($p: [String!]) { consumptionPeriods(periods: $p, meter: "M2") '
            '{ by meter items { period total peak { kW start startUTC } } } }',
            {"p": ["2024-05-02..2024-05-04", "2024-05-04..2024-05-10"]}))
        assert billed["consumptionPeriods"] == {"by": "periods", "meter": "M2", "items": [
            {"period": "2024-05-02..2024-05-04", "total": str(3 * day_value[2]), "peak": peak("2024-05-02")},
            {"period": "2024-05-04..2024-05-10", "total": str(7 * day_value[2]), "peak": peak("2024-05-04")}]}
        with pytest.raises(TransportQueryError) as refused:
            session.execute(gql('{ consumptionPeriods(from: "2024-05-01", to: "2024-05-31") { by } }'))
        assert refused.value.errors[0]["extensions"]["field"] == "by"


def test_the_served_sdl_and_the_introspection_answer_describe_the_same_schema(stack):
    with urllib.request.urlopen(stack.api_url + "/graphql/schema", timeout=60) as answer:
        sdl = answer.read().decode()
    assert sdl == (ROOT / "Sources" / "Query" / "schema.graphql").read_text()
    introspection = post(stack, {"query": get_introspection_query(descriptions=True)})
    assert print_schema(build_schema(sdl)) == print_schema(build_client_schema(introspection["data"]))


def post(stack, body, key=None, raw=None):
    request = urllib.request.Request(stack.api_url + "/graphql", data=raw or json.dumps(body).encode(),
                                     headers={"x-api-key": key or stack.api_key, "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            assert answer.status == 200
            return json.loads(answer.read())
    except urllib.error.HTTPError as error:
        assert error.code < 500, error.read()
        return dict(json.loads(error.read()), status=error.code)


HOSTILE = {
    "deep nesting": "{" + "a {" * 5000 + "a" + "}" * 5001,
    "a deep list value": "{ consumptionDaily(date: " + "[" * 5000 + "]" * 5000 + ") { total } }",
    "deep selections": "query {" + " listConsumptionDaily(from: \"2024-05-01\", to: \"2024-05-02\") {" * 40 + "}" * 41,
    "ten thousand aliases": "{" + " ".join(f"a{n}: __typename" for n in range(10_000)) + "}",
    "a huge string": '{ consumptionDaily(date: "' + "x" * 1_000_000 + '") { total } }',
    "an unknown field": "{ consumptionDaily(date: \"2024-05-01\") { total wattage } }",
    "an unknown argument": "{ consumptionDaily(day: \"2024-05-01\") { total } }",
    "a fragment cycle": "{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }",
    "a fragment on itself": "{ ...A } fragment A on Query { __typename ...A }",
    "a mutation": "mutation { deleteEverything }",
    "a syntax error": "{ consumptionDaily(date: ) }",
    "an unterminated string": '{ consumptionDaily(date: "2024) { total } }',
    "a type definition": "type Evil { x: Int }",
    "an empty document": "",
    "a leaf with a selection": '{ consumptionDaily(date: "2024-05-01") { total { x } } }',
    "an object without one": '{ consumptionDaily(date: "2024-05-01") }',
    "conflicting aliases": '{ x: consumptionDaily(date: "2024-05-01") { total } x: __typename }',
    "an unused fragment": "{ __typename } fragment F on Query { __typename }",
    "an undefined variable": "{ consumptionDaily(date: $d) { total } }",
    "a huge integer": '{ ingestions(limit: 99999999999) { nextToken } }',
    "an unknown directive": "{ __typename @evil }",
    "fields multiplied by fragments": "{ ...Many } fragment Many on Query { " + "...Some " * 60 + "} fragment Some on "
                                      "Query { " + " ".join(f"a{n}: __typename" for n in range(50)) + " }",
}
LIMIT_CODES = {"deep nesting": "DEPTH_LIMIT", "a deep list value": "DEPTH_LIMIT", "deep selections": "DEPTH_LIMIT", "a huge string": "DOCUMENT_TOO_LARGE",
               "ten thousand aliases": "DOCUMENT_TOO_LARGE", "fields multiplied by fragments": "FIELD_LIMIT"}


@pytest.mark.parametrize("name", HOSTILE)
def test_a_hostile_document_gets_spec_shaped_errors_and_nothing_runs(stack, name):
    answer = post(stack, {"query": HOSTILE[name]})
    assert "data" not in answer and answer["errors"], answer
    for error in answer["errors"]:
        assert isinstance(error["message"], str) and error["message"]
        assert all(set(location) == {"line", "column"} for location in error.get("locations", []))
    if name in LIMIT_CODES:
        assert [error["extensions"]["code"] for error in answer["errors"]] == [LIMIT_CODES[name]]


@pytest.mark.parametrize("body, variables", [
    ("query Q($d: String!) { consumptionDaily(date: $d) { total } }", {"d": 20240501}),
    ("query Q($d: String!) { consumptionDaily(date: $d) { total } }", {}),
    ("query Q($n: Int) { ingestions(limit: $n) { nextToken } }", {"n": "ten"}),
    ("query Q($n: Int) { ingestions(limit: $n) { nextToken } }", {"n": 2 ** 40}),
    ("query Q($s: IngestionStatus) { ingestions(status: $s) { nextToken } }", {"s": "lost"}),
    ("query Q($d: String) { consumptionDaily(date: $d) { total } }", {"d": "2024-05-01"}),
])
def test_a_variable_of_the_wrong_type_is_a_request_error(stack, body, variables):
    answer = post(stack, {"query": body, "variables": variables})
    assert "data" not in answer and answer["errors"][0]["message"], answer


def test_operations_by_name_directives_fragments_and_get(stack):
    document = """
        query A { __typename }
        query B($skip: Boolean = true) {
            day: consumptionDaily(date: "2024-05-01") { ...Totals meters @skip(if: $skip) ... on ConsumptionDay { kind: __typename } }
        }
        fragment Totals on ConsumptionDay { total }"""
    assert post(stack, {"query": document})["errors"][0]["message"].startswith("Must provide operation name")
    assert post(stack, {"query": document, "operationName": "C"})["errors"]
    answer = post(stack, {"query": document, "operationName": "B"})
    assert answer == {"data": {"day": {"total": rest(stack, "/consumption/2024-05-01")["total"], "kind": "ConsumptionDay"}}}
    answer = post(stack, {"query": document, "operationName": "B", "variables": {"skip": False}})
    assert answer["data"]["day"]["meters"] == 3
    url = stack.api_url + "/graphql?" + urllib.parse.urlencode({"query": "{ __typename }"})
    with urllib.request.urlopen(urllib.request.Request(url, headers={"x-api-key": stack.api_key}), timeout=60) as got:
        assert json.loads(got.read()) == {"data": {"__typename": "Query"}}
    assert post(stack, None, raw=b"not json")["status"] == 400
    assert post(stack, {"query": "{ __typename }"}, key="wrong")["status"] == 403


def test_the_hostile_corpus_stays_within_the_functions_memory(stack):
    """After every document above, the query bootstrap's peak resident memory (the kernel's VmHWM) is under the
    memory the template gives the function."""
    status = Path(f"/proc/{stack.query.stats()['pid']}/status").read_text()
    peak_kb = int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:")))
    print(f"\nquery bootstrap peak RSS after the hostile corpus: {peak_kb / 1024:.1f} MiB")
    assert peak_kb * 1024 < int(stack.settings.values["QueryMemorySize"]) * 1024 * 1024
