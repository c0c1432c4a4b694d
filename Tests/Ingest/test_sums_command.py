"""`consumption sums`: the day sums checked against the meter-day items, and rebuilt from them once they went wrong
beyond the fold's mending (a shard altered, a shard lost): the API answers the right totals again and the rebuilt
days are marked for the analytics layer; a fold that lands between a shard's read and its write makes the rebuild
read that shard again, never overwrite it."""
import json
import os
import subprocess
import threading
from decimal import Decimal

from apigw import Response, v2
from oracle import wide_file
from rig import ROOT, FaultProxy, query_all, sqs_event

CONSUMPTION = os.environ.get("CONSUMPTION_BIN", str(ROOT / ".build" / "debug" / "consumption"))
DAYS = ["2024-05-01", "2024-05-02"]
RANGE = ["--tenant", "acme", "--from", DAYS[0], "--to", DAYS[1]]


def ingest(stack, function):
    """Ten meters on two days, so the days' meters spread over several sum shards."""
    rows = [(f"m{index}", date, [str(index + 1)] * 48) for index in range(10) for date in DAYS]
    stack.put("incoming/acme/a.csv", wide_file(rows))
    assert function.invoke(sqs_event(stack.messages()))["json"] == {"batchItemFailures": []}
    return stack.totals("acme")


def sums(stack, *arguments, endpoint=None):
    environment = {"PATH": os.environ["PATH"], "AWS_ACCESS_KEY_ID": stack.moto.access_key,
                   "AWS_SECRET_ACCESS_KEY": stack.moto.secret_key, "AWS_REGION": "us-east-1",
                   "AWS_ENDPOINT_URL": endpoint or stack.moto.endpoint, "TABLE_NAME": stack.table}
    done = subprocess.run([CONSUMPTION, "sums", *arguments], env=environment, capture_output=True, text=True,
                          timeout=300)
    return done, [json.loads(line) for line in done.stdout.splitlines()]


def sum_shards(stack, date):
    return query_all(stack.dynamodb, stack.table, KeyConditionExpression="pk = :pk AND begins_with(sk, :day)",
                     ExpressionAttributeValues={":pk": {"S": "T#acme#TOTALS"}, ":day": {"S": date}})


def shard_number(item):
    return int(item["sk"]["S"].split("#")[1])


def analytics_marks(stack):
    return sorted(item["sk"]["S"] for item in query_all(
        stack.dynamodb, stack.table, KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": "ANALYTICS"}}))


def day_from_api(stack, date):
    query = stack.query_function()
    try:
        body = Response(query.invoke(v2(f"/consumption/{date}", tenant="acme", path_parameters={"date": date}))).json
    finally:
        query.stop()
    return Decimal(body["total"]), body["meters"]


def test_check_finds_shards_gone_wrong_and_rebuild_makes_them_what_the_items_add_up_to(stack, function):
    expected = ingest(stack, function)
    done, mismatches = sums(stack, "check", *RANGE)
    assert (done.returncode, mismatches) == (0, []), done.stderr
    assert "32 sum shards, 0 differ" in done.stderr

    # One shard of the first day holds 5 kWh too many; one of the second day is gone.
    altered, lost = sum_shards(stack, DAYS[0])[0], sum_shards(stack, DAYS[1])[0]
    stack.dynamodb.update_item(TableName=stack.table, Key={"pk": altered["pk"], "sk": altered["sk"]},
                               UpdateExpression="ADD #total :five", ExpressionAttributeNames={"#total": "total"},
                               ExpressionAttributeValues={":five": {"N": "5"}})
    stack.dynamodb.delete_item(TableName=stack.table, Key={"pk": lost["pk"], "sk": lost["sk"]})
    for sk in analytics_marks(stack):
        stack.dynamodb.delete_item(TableName=stack.table, Key={"pk": {"S": "ANALYTICS"}, "sk": {"S": sk}})
    assert day_from_api(stack, DAYS[0]) == (expected[DAYS[0]][0] + 5, expected[DAYS[0]][1])

    done, mismatches = sums(stack, "check", *RANGE)
    assert done.returncode == 1, done.stderr
    total = Decimal(altered["total"]["N"])
    assert [(line["date"], line["shard"], line["field"], Decimal(line["stored"]), Decimal(line["fromItems"]))
            for line in mismatches] == [
        (DAYS[0], shard_number(altered), "total", total + 5, total),
        (DAYS[1], shard_number(lost), "total", Decimal(0), Decimal(lost["total"]["N"])),
        (DAYS[1], shard_number(lost), "meters", Decimal(0), Decimal(lost["meters"]["N"]))]

    done, lines = sums(stack, "rebuild", *RANGE)
    assert done.returncode == 0, done.stderr
    assert lines == [
        {"date": DAYS[0], "shard": shard_number(altered), "attempts": 1, "outcome": "rebuilt", "fields": ["total"]},
        {"date": DAYS[1], "shard": shard_number(lost), "attempts": 1, "outcome": "rebuilt",
         "fields": ["total", "meters"]}]
    assert "rebuilt 2 sum shards, marked 2 days" in done.stderr and "32 sum shards, 0 differ" in done.stderr

    done, mismatches = sums(stack, "check", *RANGE)
    assert (done.returncode, mismatches) == (0, []), done.stderr
    assert {date: day_from_api(stack, date) for date in DAYS} == expected
    assert analytics_marks(stack) == [f"acme#{date}" for date in DAYS]
    # The stream shards' marks stay: records they folded are still recognised as folded.
    [rebuilt] = [item for item in sum_shards(stack, DAYS[0]) if item["sk"] == altered["sk"]]
    lanes = {name: value for name, value in altered.items() if name.startswith("lane:")}
    assert lanes and all(rebuilt[name] == value for name, value in lanes.items())


def test_a_fold_landing_between_a_shards_read_and_its_write_is_read_again_not_overwritten(stack, function):
    expected = ingest(stack, function)
    shard = sum_shards(stack, DAYS[0])[0]
    key = {"pk": shard["pk"], "sk": shard["sk"]}
    stack.dynamodb.update_item(TableName=stack.table, Key=key, UpdateExpression="ADD #total :five",
                               ExpressionAttributeNames={"#total": "total"},
                               ExpressionAttributeValues={":five": {"N": "5"}})
    proxy = FaultProxy(stack.moto)
    answers = []
    try:
        # The rebuild has read the shard and summed its items; its write waits at the proxy.
        proxy.configure(holdMatching="UpdateExpression", holdOccurrence=1)
        thread = threading.Thread(target=lambda: answers.append(
            sums(stack, "rebuild", *RANGE, endpoint=proxy.endpoint)))
        thread.start()
        assert proxy.holding(thread)
        # Meanwhile a fold from another stream shard lands on the shard, as the fold writes.
        stack.dynamodb.update_item(TableName=stack.table, Key=key,
                                   UpdateExpression="SET #updated = :now, #lane = :sequence ADD #total :one",
                                   ExpressionAttributeNames={"#updated": "updatedAt", "#lane": "lane:shardId-late",
                                                             "#total": "total"},
                                   ExpressionAttributeValues={":now": {"S": "2099-01-01T00:00:00.000Z"},
                                                              ":sequence": {"S": "0" * 24 + "7"},
                                                              ":one": {"N": "1"}})
        proxy.release()
        thread.join(timeout=300)
    finally:
        proxy.stop()
    done, lines = answers[0]
    assert done.returncode == 0, done.stderr
    # The held write was refused; the second attempt read the fold's write and summed the items again.
    assert lines == [{"date": DAYS[0], "shard": shard_number(shard), "attempts": 2, "outcome": "rebuilt",
                      "fields": ["total"]}]
    [after] = [item for item in sum_shards(stack, DAYS[0]) if item["sk"] == shard["sk"]]
    assert after["lane:shardId-late"] == {"S": "0" * 24 + "7"}
    assert after["updatedAt"]["S"] != "2099-01-01T00:00:00.000Z"
    assert {date: day_from_api(stack, date) for date in DAYS} == expected
