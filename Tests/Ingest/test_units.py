"""CSV files that say more than kWh of consumption. A tenant whose meters write watt-hours: its setting (`consumption
tenants set-unit`, the table's settings item) makes every CSV file whose header names no unit read in Wh, exactly; a
header that names its unit wins; a version keeps the unit it was validated in, whatever the setting becomes. A
tenant in a market time zone (`tenants set-zone`) has 23- and 25-hour days. A Direction column stores exported
energy apart from consumption."""
import os
import subprocess
from decimal import Decimal
from pathlib import Path

from oracle import INTERVALS, wide_file
from rig import REGION, query_all, sqs_event

ROOT = Path(__file__).resolve().parents[2]
CONSUMPTION = os.environ.get("CONSUMPTION_BIN", str(ROOT / ".build" / "debug" / "consumption"))


def tenants(stack, *args):
    environment = {"TABLE_NAME": stack.table, "AWS_ACCESS_KEY_ID": stack.moto.access_key,
                   "AWS_SECRET_ACCESS_KEY": stack.moto.secret_key, "AWS_REGION": REGION,
                   "AWS_ENDPOINT_URL": stack.moto.endpoint, "PATH": "/usr/bin:/bin"}
    answer = subprocess.run([CONSUMPTION, "tenants", *args], env=environment, capture_output=True,
                            text=True, timeout=60)
    assert answer.returncode == 0, answer.stderr
    return answer.stdout


def test_a_tenants_unit_reads_its_files_in_watt_hours_and_a_version_keeps_its_unit(stack, function):
    assert tenants(stack, "set-unit", "acme", "Wh") == "acme\tunit=Wh zone=none\n"
    assert tenants(stack, "show", "acme") == "acme\tunit=Wh zone=none\n"
    stack.put("incoming/acme/wh.csv", wide_file([("m1", "2024-05-01", ["250"] * 48)]))
    stack.put("incoming/acme/named.csv", "Meter,Date,kWh\nm2,2024-05-01,3\n")
    assert function.invoke(sqs_event(stack.messages()))["json"] == {"batchItemFailures": []}
    assert stack.totals("acme") == {"2024-05-01": (Decimal("15"), 2)}
    ledger = {item["objectKey"]["S"]: item for item in query_all(
        stack.dynamodb, stack.table, KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": "T#acme#LEDGER"}})}
    assert ledger["incoming/acme/wh.csv"]["status"]["S"] == "ingested"
    assert ledger["incoming/acme/wh.csv"]["unit"]["S"] == "Wh"

    # The setting changes; what was ingested stays as it was read, a new file reads the new way.
    tenants(stack, "set-unit", "acme", "kWh")
    stack.put("incoming/acme/later.csv", wide_file([("m3", "2024-05-01", ["1"] * 48)]))
    assert function.invoke(sqs_event(stack.messages()))["json"] == {"batchItemFailures": []}
    assert stack.totals("acme") == {"2024-05-01": (Decimal("63"), 3)}


def test_a_tenants_market_zone_gives_its_clock_change_days_their_intervals_and_a_version_keeps_its_zone(stack,
                                                                                                       function):
    assert tenants(stack, "set-zone", "acme", "Europe/London") == "acme\tunit=kWh zone=Europe/London\n"
    assert tenants(stack, "set-unit", "acme", "Wh") == "acme\tunit=Wh zone=Europe/London\n"
    assert tenants(stack, "set-unit", "acme", "kWh") == "acme\tunit=kWh zone=Europe/London\n"
    spring = ["1"] * 46
    autumn = ["0.5"] * 50
    stack.put("incoming/acme/clocks.csv", clock_change_file([("m1", "2024-03-31", spring),
                                                             ("m1", "2024-10-27", autumn),
                                                             ("m1", "2024-10-28", ["1"] * 48)]))
    stack.put("incoming/acme/stamps.csv", "Meter,Timestamp,Value\nm2,2024-10-27 01:30,2\nm2,2024-10-27 01:30,3\n")
    assert function.invoke(sqs_event(stack.messages()))["json"] == {"batchItemFailures": []}
    assert stack.totals("acme") == {"2024-03-31": (Decimal("46"), 1), "2024-10-27": (Decimal("30"), 2),
                                    "2024-10-28": (Decimal("48"), 1)}
    [entry] = [item for item in ledger_items(stack) if item["objectKey"]["S"] == "incoming/acme/clocks.csv"]
    assert entry["zone"]["S"] == "Europe/London" and entry["status"]["S"] == "ingested"

    # Without the zone, a 50-interval row is the wrong number of cells; an unknown zone is refused by the CLI.
    tenants(stack, "set-zone", "acme", "none")
    stack.put("incoming/acme/later.csv", clock_change_file([("m3", "2024-10-27", autumn)]))
    assert function.invoke(sqs_event(stack.messages()))["json"] == {"batchItemFailures": []}
    [later] = [item for item in ledger_items(stack) if item["objectKey"]["S"] == "incoming/acme/later.csv"]
    assert later["status"]["S"] == "rejected" and "column-count" in later["errorSummary"]["S"]
    refused = subprocess.run([CONSUMPTION, "tenants", "set-zone", "acme", "Mars/Olympus"], capture_output=True,
                             text=True, timeout=60)
    assert refused.returncode != 0 and "is not a market zone" in refused.stderr


def clock_change_file(rows):
    """A wide file whose header names the standard day's 48 half-hours, its rows as many as their day has."""
    return "\n".join(["Meter,Date," + ",".join(INTERVALS)] + [",".join([meter, date, *values])
                                                            for meter, date, values in rows]) + "\n"


def ledger_items(stack):
    return query_all(stack.dynamodb, stack.table, KeyConditionExpression="pk = :pk",
                     ExpressionAttributeValues={":pk": {"S": "T#acme#LEDGER"}})


def test_a_direction_column_stores_exported_energy_apart(stack, function):
    stack.put("incoming/acme/solar.csv",
              "Meter,Date,Direction,Value\nhouse,2024-05-01,import,7.5\nhouse-pv,2024-05-01,export,2.25\n")
    assert function.invoke(sqs_event(stack.messages()))["json"] == {"batchItemFailures": []}
    stack.fold()
    [shard] = [item for item in query_all(stack.dynamodb, stack.table, KeyConditionExpression="pk = :pk",
                                          ExpressionAttributeValues={":pk": {"S": "T#acme#TOTALS"}})
               if "exported" in item]
    assert stack.totals("acme") == {"2024-05-01": (Decimal("7.5"), 1)}
    assert Decimal(shard["exported"]["N"]) == Decimal("2.25") and shard["exportMeters"]["N"] == "1"
