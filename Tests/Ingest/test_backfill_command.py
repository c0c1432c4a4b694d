"""`consumption backfill`: through the function (Lambda's Invoke API, here the emulator's) and in-process."""
import json
import os
import subprocess
from decimal import Decimal

from oracle import wide_file
from rig import ROOT

CONSUMPTION = os.environ.get("CONSUMPTION_BIN", str(ROOT / ".build" / "debug" / "consumption"))


def put_files(stack, tenant, count):
    for index in range(count):
        stack.put(f"incoming/{tenant}/{index}.csv", wide_file([(f"m{index}", "2024-05-01", ["0.5"] * 48)]))
    stack.messages()


def run_backfill(stack, endpoint_variables, *arguments):
    environment = {"PATH": os.environ["PATH"], "AWS_ACCESS_KEY_ID": stack.moto.access_key,
                   "AWS_SECRET_ACCESS_KEY": stack.moto.secret_key, "AWS_REGION": "us-east-1",
                   "AWS_ENDPOINT_URL": stack.moto.endpoint, "TABLE_NAME": stack.table, **endpoint_variables}
    done = subprocess.run([CONSUMPTION, "backfill", "--bucket", stack.bucket, *arguments], env=environment,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


def test_backfill_through_the_function_follows_each_continuation(stack, function):
    put_files(stack, "acme", 5)
    summaries = run_backfill(stack, {"AWS_ENDPOINT_URL_LAMBDA": function.base},
                             "--prefix", "incoming/acme/", "--limit", "2", "--function", "ingest")
    assert [summary["processed"] for summary in summaries] == [2, 2, 1]
    assert summaries[-1]["done"] is True
    assert stack.totals("acme") == {"2024-05-01": (Decimal("120"), 5)}


def test_backfill_locally_runs_the_same_code_against_the_endpoint(stack):
    put_files(stack, "globex", 3)
    summaries = run_backfill(stack, {}, "--prefix", "incoming/globex/", "--local")
    assert summaries == [{"continuation": None, "done": True, "failed": 0, "failures": [], "outcomes": {"ingested": 3},
                          "processed": 3}]
    assert stack.totals("globex") == {"2024-05-01": (Decimal("72"), 3)}
