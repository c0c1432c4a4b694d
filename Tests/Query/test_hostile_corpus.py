"""No tenant can starve, bill or break another through the API (issue 26): a hostile corpus against the real query
bootstrap, over a table holding a tenant with 5,000 ledger entries (2,000 of them versions of one key) and 1,000 days
of sums. Every answer is a response under Lambda's 6 MB, inside the function's timeout, a 4xx or a GraphQL error
where refused (never a 5xx), and costs at most the call budget's 200 DynamoDB requests, counted by the fault proxy
in front of moto."""
import datetime
import json
import urllib.parse

import pytest
from apigw import Response, v1, v2
from rig import Stack, counted_query_function

LAMBDA_RESPONSE_LIMIT = 6 * 1024 * 1024
CALL_BUDGET = 200
DAYS = [(datetime.date(2021, 1, 1) + datetime.timedelta(days=n)).isoformat() for n in range(1000)]
HOT_KEY = "incoming/acme/hot.csv"

# The documents of the issue, and their variants with fragments and variables.
INTROSPECTION = ('{__type(name:"__Type"){' + "fields{type{ofType{ofType{" * 3 + "fields{"
                 + " ".join(f"name{1000 + n}:name" for n in range(1, 1986)) + "}" * 15)
TOTALS = (f'{{listConsumptionDaily(from:"{DAYS[0]}",to:"{DAYS[-1]}",limit:1000){{items{{'
          + " ".join(f"t{n}:total" for n in range(1, 1998)) + "}}}")
TOTALS_BY_FRAGMENT = ("query($f:String!,$t:String!){listConsumptionDaily(from:$f,to:$t,limit:1000){items{...T}}} "
                      "fragment T on ConsumptionDay{" + " ".join(f"t{n}:total" for n in range(1, 1998)) + "}")
DAY_METERS = "query($d:String!){" + " ".join(f"m{n}:dayMeters(date:$d){{date}}" for n in range(1, 1000)) + "}"
DAY_METERS_BY_FRAGMENT = ("query($d:String!){...M} fragment M on Query{"
                          + " ".join(f"m{n}:dayMeters(date:$d){{date}}" for n in range(1, 1000)) + "}")
DELETED_LEDGER = "{ingestions(status:deleted,limit:1000){items{key status} nextToken}}"


def ledger_item(key, tag, status, minute):
    return {"pk": {"S": "T#acme#LEDGER"}, "sk": {"S": f"{key}#{tag}"}, "objectKey": {"S": key},
            "versionTag": {"S": tag}, "status": {"S": status}, "rows": {"N": "48"}, "meterDays": {"N": "1"},
            "startedAt": {"S": f"2024-06-01T{minute // 60 % 24:02d}:{minute % 60:02d}:00.000Z"}}


def sum_item(day, shard):
    return {"pk": {"S": "T#acme#TOTALS"}, "sk": {"S": f"{day}#{shard:02d}"}, "date": {"S": day},
            "total": {"N": "12.5"}, "meters": {"N": "3"}, "updatedAt": {"S": "2024-06-01T00:00:00.000Z"}}


@pytest.fixture(scope="module")
def hostile(moto):
    stack = Stack(moto)
    items = [ledger_item(HOT_KEY, f"{n:016x}", "ingested" if n == 1999 else "replaced", n) for n in range(2000)]
    items += [ledger_item(f"incoming/acme/f{n:04d}.csv", f"{n:016x}", "rejected" if n % 500 == 0 else "ingested", n)
              for n in range(3000)]
    items += [sum_item(day, shard) for day in DAYS for shard in range(4)]
    for start in range(0, len(items), 25):
        requests = [{"PutRequest": {"Item": item}} for item in items[start:start + 25]]
        answer = stack.dynamodb.batch_write_item(RequestItems={stack.table: requests})
        assert not answer.get("UnprocessedItems")
    with counted_query_function(moto, stack) as counted:
        yield counted
    stack.close()


def graphql(document, variables=None):
    body = json.dumps({"query": document, "variables": variables or {}}).encode()
    return v2("/graphql", method="POST", tenant="acme", headers={"content-type": "application/json"}, body=body)


CORPUS = [
    ("a deleted filter on 5,000 entries", v2("/ingestions", query={"status": ["deleted"], "limit": ["1"]},
                                             tenant="acme")),
    ("a rejected filter, the largest page", v1("/ingestions", query={"status": ["rejected"], "limit": ["1000"]},
                                              tenant="acme")),
    ("the whole ledger, the largest page", v2("/ingestions", query={"limit": ["1000"]}, tenant="acme")),
    ("2,000 versions of one key", v2("/ingestions/" + urllib.parse.quote(HOT_KEY, safe=""),
                                     query={"limit": ["1000"]}, tenant="acme")),
    ("1,000 days at once", v2("/consumption", query={"from": [DAYS[0]], "to": [DAYS[-1]], "limit": ["1000"]},
                              tenant="acme")),
    ("1,000 days as CSV", v1("/consumption", query={"from": [DAYS[0]], "to": [DAYS[-1]], "limit": ["1000"],
                                                    "format": ["csv"]}, tenant="acme")),
    ("nested introspection", graphql(INTROSPECTION)),
    ("1,997 aliases of total over 1,000 days", graphql(TOTALS)),
    ("the same through a fragment and variables", graphql(TOTALS_BY_FRAGMENT, {"f": DAYS[0], "t": DAYS[-1]})),
    ("999 aliases of dayMeters", graphql(DAY_METERS, {"d": DAYS[0]})),
    ("the same through a fragment", graphql(DAY_METERS_BY_FRAGMENT, {"d": DAYS[0]})),
    ("deleted entries over GraphQL", graphql(DELETED_LEDGER)),
]


@pytest.mark.parametrize("name, event", CORPUS, ids=[name for name, _ in CORPUS])
def test_a_hostile_request_is_answered_small_in_time_and_within_the_call_budget(hostile, name, event):
    function, proxy = hostile
    proxy.configure()
    invocation = function.invoke(event)
    assert invocation["outcome"] == "ok", invocation  # never an invocation error or the function's timeout
    answer = Response(invocation)
    assert answer.status < 500, (answer.status, answer.text[:300])
    assert len(json.dumps(invocation["json"])) < LAMBDA_RESPONSE_LIMIT
    assert proxy.stats()["requests"] <= CALL_BUDGET
    if event.get("rawPath", event.get("path")) == "/graphql":
        refused = answer.json.get("errors")
        assert answer.status == 200 and (refused is None or all("code" in e["extensions"] for e in refused))
    elif answer.status >= 400:
        assert answer.json["error"]


def test_the_refused_documents_are_refused_and_the_bounded_lists_page(hostile):
    function, _ = hostile
    for document, variables, codes in [(INTROSPECTION, {}, ["COST_LIMIT"]), (TOTALS, {}, ["COST_LIMIT"]),
                                       (DAY_METERS, {"d": DAYS[0]}, ["ROOT_FIELD_LIMIT", "COST_LIMIT"])]:
        answer = Response(function.invoke(graphql(document, variables))).json
        assert "data" not in answer and [e["extensions"]["code"] for e in answer["errors"]] == codes
    versions = Response(function.invoke(v2("/ingestions/" + urllib.parse.quote(HOT_KEY, safe=""),
                                            query={"limit": ["1000"]}, tenant="acme"))).json
    assert len(versions["versions"]) == 1000 and versions["nextToken"]
    days = Response(function.invoke(v2("/consumption", query={"from": [DAYS[0]], "to": [DAYS[-1]],
                                                              "limit": ["1000"]}, tenant="acme"))).json
    assert len(days["items"]) == 1000 and days["items"][0] == {**days["items"][0], "date": DAYS[0], "total": "50"}
