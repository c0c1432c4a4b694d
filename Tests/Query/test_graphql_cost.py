"""GraphQL's cost limits through the real query bootstrap, its DynamoDB requests counted by a proxy in front of moto
(issue 26): 999 aliases of `dayMeters` once made 13,586 Queries and ran past the function's timeout; now they get a
coded error, not a 5xx, and nothing is read, while ten aliases, the most that may run, read their 160 index
partitions."""
import json

import pytest
from apigw import Response, v2
from rig import Stack, counted_query_function

ALIASES = "query($d:String!){" + " ".join(f"m{n}:dayMeters(date:$d){{date}}" for n in range(1, 1000)) + "}"


@pytest.fixture(scope="module")
def counted(moto):
    stack = Stack(moto)
    with counted_query_function(moto, stack) as counted:
        yield counted
    stack.close()


def graphql(function, document, variables):
    body = json.dumps({"query": document, "variables": variables}).encode()
    event = v2("/graphql", method="POST", tenant="acme", headers={"content-type": "application/json"}, body=body)
    return Response(function.invoke(event))


def test_999_aliases_of_day_meters_get_a_coded_error_and_read_nothing(counted):
    function, proxy = counted
    assert len(ALIASES.encode()) <= 32_768  # within the document limit: only the cost analysis stops it
    proxy.configure()
    answer = graphql(function, ALIASES, {"d": "2024-05-01"})
    assert answer.status == 200 and "data" not in answer.json
    assert [error["extensions"]["code"] for error in answer.json["errors"]] == ["ROOT_FIELD_LIMIT", "COST_LIMIT"]
    assert "999 fields that read data" in answer.json["errors"][0]["message"]
    assert proxy.stats()["requests"] == 0


def test_ten_aliases_run_and_read_their_shards(counted):
    function, proxy = counted
    proxy.configure()
    ten = "query($d:String!){" + " ".join(f"m{n}:dayMeters(date:$d){{date}}" for n in range(1, 11)) + "}"
    answer = graphql(function, ten, {"d": "2024-05-01"})
    assert answer.status == 200 and "errors" not in answer.json
    assert answer.json["data"]["m10"] == {"date": "2024-05-01"}
    assert proxy.stats()["requests"] == 10 * 16
