"""NEM12 files through the ingest function: imports count as consumption under `NMI/suffix`; what else a file
holds (exported energy, reactive channels) is not counted and the ledger says how much; a broken one is rejected
with its code. The public samples (../shared/nem12-samples) have keys with '#' in them, as providers name them."""
from pathlib import Path

import pytest
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
    [meter] = {item["pk"]["S"] for item in stack.dynamodb.scan(TableName=stack.table)["Items"]
               if item["pk"]["S"].startswith("T#acme#M#")}
    assert meter.endswith("/E1")


def test_a_broken_nem12_file_is_rejected_with_its_code(stack, function):
    path = SAMPLES / "invalid" / "NEM12#Scenario10#ETSAMDP#NEMMCO.csv"
    stack.put(f"incoming/acme/{path.name}", path.read_bytes())
    assert function.invoke(sqs_event(stack.messages()))["json"] == {"batchItemFailures": []}
    [entry] = ledger(stack)
    assert entry["status"]["S"] == "rejected"
    assert "nem12-unknown-record" in entry["errorSummary"]["S"]
    assert stack.totals("acme") == {}
