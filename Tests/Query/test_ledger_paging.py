"""The ledger by status over a long history: a request reads a bounded number of pages and answers what they held
with a `nextToken`, so `GET /ingestions?status=deleted&limit=1` costs the same for a tenant with 1,200 entries as for
one with 10, and following the tokens finds each entry of the status exactly once (the real query bootstrap against
moto, its DynamoDB requests counted by the fault proxy)."""
import copy

import pytest
from apigw import Response, v2
from oracle import wide_file
from rig import FaultProxy, Stack, sqs_event

ENTRIES = 1_200
DELETED_AT = {7, 611, 1_150}
PAGES_PER_REQUEST = 10  # QueryStore.ledgerPagesPerRequest


@pytest.fixture(scope="module")
def history(moto):
    """The tenant `hist` with one real ledger entry, cloned into 1,200 entries of 1,200 keys, three of them deleted."""
    stack = Stack(moto)
    stack.put("incoming/hist/seed.csv", wide_file([("m1", "2024-05-01", ["1"] * 48)]))
    ingest = stack.function()
    try:
        assert ingest.invoke(sqs_event(stack.messages()))["json"] == {"batchItemFailures": []}
    finally:
        ingest.stop()
    [seed] = stack.dynamodb.query(TableName=stack.table, KeyConditionExpression="pk = :pk",
                                  ExpressionAttributeValues={":pk": {"S": "T#hist#LEDGER"}})["Items"]
    tag = seed["sk"]["S"].rsplit("#", 1)[1]
    items = []
    for n in range(ENTRIES):
        item = copy.deepcopy(seed)
        key = f"incoming/hist/file-{n:05d}.csv"
        item["sk"], item["objectKey"] = {"S": f"{key}#{tag}"}, {"S": key}
        item["status"] = {"S": "deleted" if n in DELETED_AT else "ingested"}
        items.append(item)
    for start in range(0, len(items), 25):
        stack.dynamodb.batch_write_item(RequestItems={stack.table: [
            {"PutRequest": {"Item": item}} for item in items[start:start + 25]]})
    stack.dynamodb.delete_item(TableName=stack.table, Key={"pk": seed["pk"], "sk": seed["sk"]})
    proxy = FaultProxy(moto)
    stack.query = stack.query_function(AWS_ENDPOINT_URL=proxy.endpoint)
    stack.proxy = proxy
    yield stack
    stack.query.stop()
    proxy.stop()
    stack.close()


def follow(history, query):
    """Every page of /ingestions with `query`, following nextToken: (items, DynamoDB requests of each page)."""
    items, costs, token = [], [], None
    for _ in range(ENTRIES):
        history.proxy.configure()
        page = Response(history.query.invoke(v2("/ingestions", tenant="hist", query={
            **query, **({"nextToken": [token]} if token else {})})))
        assert page.status == 200, page.json
        costs.append(history.proxy.stats()["requests"])
        items += page.json["items"]
        token = page.json.get("nextToken")
        if token is None:
            return items, costs
    raise AssertionError("the pages never ended")


def test_a_rare_status_pages_through_the_history_at_a_bounded_cost(history):
    items, costs = follow(history, {"status": ["deleted"], "limit": ["1"]})
    assert sorted(item["key"] for item in items) == [f"incoming/hist/file-{n:05d}.csv" for n in sorted(DELETED_AT)]
    assert all(item["status"] == "deleted" for item in items)
    assert max(costs) <= PAGES_PER_REQUEST and all(cost >= 1 for cost in costs)


def test_a_page_that_matches_more_than_wanted_resumes_after_the_last_one_kept(history):
    items, _ = follow(history, {"status": ["ingested"], "limit": ["50"]})
    keys = [item["key"] for item in items]
    assert len(keys) == len(set(keys)) == ENTRIES - len(DELETED_AT)


def test_the_whole_ledger_in_pages_of_a_thousand(history):
    items, costs = follow(history, {"limit": ["1000"]})
    assert len({item["key"] for item in items}) == ENTRIES and max(costs) <= PAGES_PER_REQUEST
