"""NEM12 files through the ingest function: imports count as consumption under `NMI/suffix`, exports as exported
energy beside it (never netted), reactive channels not at all (the ledger says how many); a broken one is rejected
with its code. The public samples (../shared/nem12-samples) have keys with '#' in them, as providers name them."""
from decimal import Decimal
from pathlib import Path

import pytest
from apigw import Response, v2
from nem12_oracle import day_totals
from stack import query_all, sqs_event

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "nem12-samples"

pytestmark = pytest.mark.skipif(not SAMPLES.is_dir(), reason="../shared/nem12-samples is absent")


def ledger(stack):
    return query_all(stack.dynamodb, stack.table, KeyConditionExpression="pk = :pk",
                     ExpressionAttributeValues={":pk": {"S": "T#acme#LEDGER"}})


def test_a_nem12_file_counts_its_imports_and_the_ledger_says_what_else_it_held(stack, function):
    path = SAMPLES / "samples" / "nem12#SCENARIO02NEM1202023#ELECTDSM#NEMMCO.csv"
    stack.put(f"incoming/acme/{path.name}", path.read_bytes())
    assert function.invoke(sqs_event(stack.messages()))["json"] == {"batchItemFailures": []}
    oracle = day_totals([path])
    assert stack.totals("acme") == {date: (day["total"], day["meters"]) for date, day in oracle.items()}
    [entry] = ledger(stack)
    assert entry["status"]["S"] == "ingested" and entry["format"]["S"] == "nem12"
    assert int(entry["exportMeterDays"]["N"]) == sum(day["exportMeters"] for day in oracle.values()) == 4
    assert int(entry["skippedChannelDays"]["N"]) == sum(day["skippedChannels"] for day in oracle.values()) == 8
    meters = {item["pk"]["S"] for item in stack.dynamodb.scan(TableName=stack.table)["Items"]
              if item["pk"]["S"].startswith("T#acme#M#")}
    assert {meter.rsplit("/", 1)[1] for meter in meters} == {"E1", "B1"}


def api(stack, path, **query):
    function = stack.query_function()
    try:
        return Response(function.invoke(v2(path, tenant="acme", query={k: [v] for k, v in query.items()})))
    finally:
        function.stop()


def test_exported_energy_is_served_beside_consumption_and_goes_with_its_file(stack, function):
    path = SAMPLES / "samples" / "Example_NEM12_month_solar.csv"
    key = f"incoming/acme/{path.name}"
    stack.put(key, path.read_bytes())
    assert function.invoke(sqs_event(stack.messages()))["json"] == {"batchItemFailures": []}
    oracle = day_totals([path])
    stack.fold()
    answer = api(stack, "/consumption", **{"from": "2023-03-01", "to": "2023-03-31"})
    assert answer.status == 200, answer.text
    served = {item["date"]: (Decimal(item["total"]), item["meters"], Decimal(item["exported"]))
              for item in answer.json["items"]}
    assert served == {date: (day["total"], day["meters"], day["exported"]) for date, day in oracle.items()}
    assert any(exported > 0 for _, _, exported in served.values())
    [export_meter] = [m for m in {item["pk"]["S"] for item in stack.dynamodb.scan(TableName=stack.table)["Items"]}
                      if m.endswith("/B1")]
    meter = export_meter.split("#M#", 1)[1]
    day = api(stack, f"/meters/{meter.replace('/', '%2F')}/consumption/2023-03-01")
    assert day.status == 200 and day.json["flow"] == "export", day.text

    # The file deleted, its exports go with its consumption.
    stack.delete(key)
    assert function.invoke(sqs_event(stack.messages()))["json"] == {"batchItemFailures": []}
    stack.fold()
    assert api(stack, "/consumption/2023-03-01").status == 404


def test_a_broken_nem12_file_is_rejected_with_its_code(stack, function):
    path = SAMPLES / "invalid" / "NEM12#Scenario10#ETSAMDP#NEMMCO.csv"
    stack.put(f"incoming/acme/{path.name}", path.read_bytes())
    assert function.invoke(sqs_event(stack.messages()))["json"] == {"batchItemFailures": []}
    [entry] = ledger(stack)
    assert entry["status"]["S"] == "rejected"
    assert "nem12-unknown-record" in entry["errorSummary"]["S"]
    assert stack.totals("acme") == {}
