"""NEM12 files through the ingest function: imports count as consumption under `NMI/suffix`, exports as exported
energy beside it (never netted), reactive channels not at all (the ledger says how many); a broken one is rejected
with its code. The public samples (../shared/nem12-samples) have keys with '#' in them, as providers name them."""
import time
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from apigw import Response, v2
from nem12_oracle import day_totals
from rig import query_all, sqs_event

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


def gappy_file(tmp_path, missing):
    """A NEM12 day of one channel whose last `missing` half-hours are null (quality N), the rest actual."""
    values = ",".join(["1.5"] * 48)
    events = [f"400,1,{48 - missing},A,,"] + ([f"400,{49 - missing},48,N,,"] if missing else [])
    lines = ["100,NEM12,200404201300,MDP1,RET1", "200,GAPPY00001,E1,1,E1,N1,M1,kWh,30,",
             f"300,20040417,{values},V,,,20040418203500,20040419003500", *events, "900"]
    path = tmp_path / f"gappy-{missing}.csv"
    path.write_text("\r\n".join(lines) + "\r\n")
    return path


def test_the_share_not_actual_and_the_meter_days_with_gaps_are_served_and_follow_corrections(stack, function,
                                                                                            tmp_path):
    sample = SAMPLES / "samples" / "Example_NEM12_multiple_quality.csv"
    stack.put(f"incoming/acme/{sample.name}", sample.read_bytes())
    gappy = gappy_file(tmp_path, missing=8)
    stack.put("incoming/acme/gappy.csv", gappy.read_bytes())
    assert function.invoke(sqs_event(stack.messages()))["json"] == {"batchItemFailures": []}

    def served():
        stack.fold()
        answer = api(stack, "/consumption/2004-04-17")
        assert answer.status == 200, answer.text
        body = answer.json
        return Decimal(body["total"]), body["meters"], Decimal(body["notActual"]), body["completeMeters"]

    def expected(*paths):
        [day] = day_totals(paths).values()
        return day["total"], day["meters"], day["notActual"], day["meters"] - day["incomplete"]

    assert served() == expected(sample, gappy)
    assert served()[2] > 0 and served()[3] == 1
    meter = api(stack, "/meters/GAPPY00001%2FE1/consumption/2004-04-17").json
    assert meter["missingIntervals"] == 8 and meter["intervals"] is None

    # A corrected file fills the gaps: the meter-day is complete again, and the day says so.
    time.sleep(1.1)
    whole = gappy_file(tmp_path, missing=0)
    stack.put("incoming/acme/gappy.csv", whole.read_bytes())
    assert function.invoke(sqs_event(stack.messages()))["json"] == {"batchItemFailures": []}
    assert served() == expected(sample, whole)
    assert served()[3] == 2
    meter = api(stack, "/meters/GAPPY00001%2FE1/consumption/2004-04-17").json
    assert meter["missingIntervals"] == 0 and len(meter["intervals"]) == 48


def test_a_zipped_nem12_file_is_ingested_as_its_member(stack, function, tmp_path):
    path = SAMPLES / "samples" / "nem12#SCENARIO02NEM1202023#ELECTDSM#NEMMCO.csv"
    archive = tmp_path / "delivery.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as writer:
        writer.write(path, path.name)
    stack.put("incoming/acme/delivery.zip", archive.read_bytes())
    assert function.invoke(sqs_event(stack.messages()))["json"] == {"batchItemFailures": []}
    oracle = day_totals([path])
    assert stack.totals("acme") == {date: (day["total"], day["meters"]) for date, day in oracle.items()}
    [entry] = ledger(stack)
    assert entry["status"]["S"] == "ingested" and entry["format"]["S"] == "nem12"
