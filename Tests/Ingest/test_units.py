"""CSV files that say more than kWh of consumption. A tenant whose meters write watt-hours: its setting (`consumption
tenants set-unit`, the table's settings item) makes every CSV file whose header names no unit read in Wh, exactly; a
header that names its unit wins; a version keeps the unit it was validated in, whatever the setting becomes. A
Direction column stores exported energy apart from consumption."""
import os
import subprocess
from decimal import Decimal
from pathlib import Path

from oracle import wide_file
from stack import REGION, query_all, sqs_event

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
    assert tenants(stack, "set-unit", "acme", "Wh") == "acme\tunit=Wh\n"
    assert tenants(stack, "show", "acme") == "acme\tunit=Wh\n"
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
