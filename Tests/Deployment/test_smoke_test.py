"""tools/smoke_test.py against the local stack (tools/local_stack.py: the real functions, moto's S3, SQS and DynamoDB,
and the API keys and usage plan in moto's API Gateway, where the stack's gateway looks each request's key up): the
run passes and leaves nothing behind — no version or delete marker of its key, no total on its day, no API key, no
key mapping — and a run that fails, or is stopped by SIGTERM, cleans up the same way. Also the gateway's key check
the smoke test relies on."""
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from decimal import Decimal
from pathlib import Path

import boto3
import pytest
from botocore.exceptions import ClientError

from local_aws import REGION
from local_stack import LocalStack
from smoke_test import DATE, KEY, TENANT

ROOT = Path(__file__).resolve().parents[2]

SMOKE_TEST = ROOT / "tools" / "smoke_test.py"

# One local stack for the module: its tests stay on one worker under `--dist loadgroup`.
pytestmark = pytest.mark.xdist_group("smoke-test")


@pytest.fixture(scope="module")
def local(tmp_path_factory):
    with LocalStack(stage="smoke", work_dir=tmp_path_factory.mktemp("smoke-stack"), tenant="acme",
                    max_seconds=600) as stack:
        # Another key of the tenant `smoke`, to look at the smoke test's day after it ends.
        stack.watcher = stack.add_api_key(TENANT)
        yield stack


def outputs(local, tmp_path, **changes):
    """The stack's outputs the smoke test reads, as a file (`--outputs`)."""
    path = tmp_path / "outputs.json"
    path.write_text(json.dumps({"BucketName": local.settings.bucket, "ApiUrl": local.api_url,
                                "TableName": local.settings.table, "UsagePlanId": local.usage_plan_id, **changes}))
    return path


def smoke_test_command(local, outputs_file, timeout):
    """tools/smoke_test.py as CI runs it, with boto3's endpoints pointed at the stack: S3 through the stack's front
    (which queues the delete-marker events moto does not send), everything else at moto. (arguments, environment)"""
    environment = {name: value for name, value in os.environ.items() if not name.startswith("AWS_")}
    environment.update({"AWS_ENDPOINT_URL": local.moto.endpoint, "AWS_ENDPOINT_URL_S3": local.endpoint,
                        "AWS_ACCESS_KEY_ID": local.moto.access_key, "AWS_SECRET_ACCESS_KEY": local.moto.secret_key,
                        "AWS_DEFAULT_REGION": REGION, "PYTHONUNBUFFERED": "1"})
    return [sys.executable, str(SMOKE_TEST), "--outputs", str(outputs_file), "--timeout", str(timeout),
            "--poll", "0.25"], environment


def run_smoke_test(local, outputs_file, timeout):
    arguments, environment = smoke_test_command(local, outputs_file, timeout)
    return subprocess.run(arguments, env=environment, capture_output=True, text=True, timeout=300)


def get(local, path, key):
    """(status, JSON body) of a GET through the stack's gateway with `key` as `x-api-key`."""
    request = urllib.request.Request(local.api_url + path, headers={"x-api-key": key})
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def api_key_ids(local):
    return {key["id"] for page in local.apigateway.get_paginator("get_api_keys").paginate() for key in page["items"]}


def key_mappings(local):
    items = local.dynamodb.query(TableName=local.settings.table, ConsistentRead=True,
                                 KeyConditionExpression="pk = :pk", ExpressionAttributeValues={
                                     ":pk": {"S": "APIKEYS"}})["Items"]
    return {(item["sk"]["S"], item["tenant"]["S"]) for item in items}


def versions_of_key(local):
    """Every version and delete marker whose key is exactly the smoke test's."""
    listing = local.s3.list_object_versions(Bucket=local.settings.bucket, Prefix=KEY)
    return [entry for entry in listing.get("Versions", []) + listing.get("DeleteMarkers", []) if entry["Key"] == KEY]


def day_sums(local):
    """The smoke tenant's day sum shards of the smoke test's day, as (total, meters) read from the table."""
    items = local.dynamodb.query(
        TableName=local.settings.table, ConsistentRead=True,
        KeyConditionExpression="pk = :pk AND begins_with(sk, :day)",
        ExpressionAttributeValues={":pk": {"S": f"T#{TENANT}#TOTALS"}, ":day": {"S": f"{DATE}#"}})["Items"]
    return [(item.get("total", {}).get("N", "0"), item.get("meters", {}).get("N", "0")) for item in items]


def assert_nothing_left(local, keys_before, mappings_before):
    assert local.wait_until_idle(timeout=120), "the stack did not settle"
    assert versions_of_key(local) == []
    status, day = get(local, f"/consumption/{DATE}", local.watcher)
    assert status == 404 or day["meters"] == 0, day
    assert all(Decimal(total) == 0 and meters == "0" for total, meters in day_sums(local)), day_sums(local)
    assert api_key_ids(local) == keys_before
    assert key_mappings(local) == mappings_before


def test_the_smoke_test_passes_and_leaves_nothing_behind(local, tmp_path):
    keys_before, mappings_before = api_key_ids(local), key_mappings(local)
    run = run_smoke_test(local, outputs(local, tmp_path), timeout=60)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "ok: {" in run.stdout and "the day's totals went with the file" in run.stdout
    # The file's one version and the delete marker the run made.
    assert f"removed 2 versions and delete markers of {KEY}" in run.stdout
    throwaway = run.stdout.split("removed the run's API key ")[1].split()[0]
    assert throwaway not in api_key_ids(local)
    assert_nothing_left(local, keys_before, mappings_before)


def test_a_failed_run_cleans_up_too_and_says_so(local, tmp_path):
    """The API out of reach: the total never shows, nor can its going be seen; the run fails, and still removes the
    file's versions, its API key and the key's mapping; the stack removes what the file counted."""
    keys_before, mappings_before = api_key_ids(local), key_mappings(local)
    run = run_smoke_test(local, outputs(local, tmp_path, ApiUrl="http://127.0.0.1:9"), timeout=2)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "timed out" in run.stderr and "the day's totals did not go" in run.stderr
    assert f"versions and delete markers of {KEY}" in run.stdout
    assert_nothing_left(local, keys_before, mappings_before)


def test_a_run_stopped_by_sigterm_cleans_up_too(local, tmp_path):
    """A cancelled CI job: SIGTERM while the run waits for its total."""
    keys_before, mappings_before = api_key_ids(local), key_mappings(local)
    arguments, environment = smoke_test_command(local, outputs(local, tmp_path, ApiUrl="http://127.0.0.1:9"), 5)
    run = subprocess.Popen(arguments, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert run.stdout.readline().startswith(f"uploaded {KEY}")
        time.sleep(0.5)
        run.send_signal(signal.SIGTERM)
        stdout, stderr = run.communicate(timeout=120)
    finally:
        if run.poll() is None:
            run.kill()
            run.wait(timeout=10)
    assert run.returncode == 1 and "stopped by signal" in stderr, stdout + stderr
    assert f"versions and delete markers of {KEY}" in stdout and "removed the run's API key" in stdout
    assert_nothing_left(local, keys_before, mappings_before)


def test_the_gateway_takes_only_enabled_keys_of_the_usage_plan(local):
    path = "/consumption/2024-05-01"
    assert get(local, path, local.api_key)[0] == 404  # a known key, a day with no data
    assert get(local, path, "not-a-key") == (403, {"message": "Forbidden"})
    assert get(local, path, "") == (403, {"message": "Forbidden"})

    # Created and mapped, but not in the usage plan: API Gateway refuses it.
    outside = local.apigateway.create_api_key(name="outside-the-plan", enabled=True)
    local.dynamodb.put_item(TableName=local.settings.table, Item={
        "pk": {"S": "APIKEYS"}, "sk": {"S": outside["id"]}, "tenant": {"S": "acme"}})
    assert get(local, path, outside["value"]) == (403, {"message": "Forbidden"})

    value = local.add_api_key("acme")
    assert get(local, path, value)[0] == 404  # at its first request
    key_id = next(key["id"] for key in local.apigateway.get_api_keys(includeValues=True)["items"]
                  if key["value"] == value)
    local.apigateway.update_api_key(apiKey=key_id, patchOperations=[
        {"op": "replace", "path": "/enabled", "value": "false"}])
    time.sleep(local.api_key_ids.ttl + 0.2)
    assert get(local, path, value) == (403, {"message": "Forbidden"})

    other = local.add_api_key("acme")
    assert get(local, path, other)[0] == 404
    local.apigateway.delete_api_key(apiKey=next(key["id"] for key in local.apigateway.get_api_keys(
        includeValues=True)["items"] if key["value"] == other))
    time.sleep(local.api_key_ids.ttl + 0.2)
    assert get(local, path, other) == (403, {"message": "Forbidden"})


def test_moto_checks_api_gateway_signatures_on_reads_and_deletes(local):
    """The local gateway's reads of keys are signed and checked (tools/moto_server.py makes moto check a
    bodiless GET or DELETE as it was signed): a right signature passes, a wrong secret is refused."""
    key_id = next(iter(api_key_ids(local)))
    assert local.apigateway.get_api_key(apiKey=key_id)["id"] == key_id
    wrong = boto3.client("apigateway", endpoint_url=local.moto.endpoint, region_name=REGION,
                         aws_access_key_id=local.moto.access_key, aws_secret_access_key="not-the-secret")
    for call in (lambda: wrong.get_api_keys(includeValues=True), lambda: wrong.delete_api_key(apiKey=key_id)):
        with pytest.raises(ClientError, match="SignatureDoesNotMatch"):
            call()
    assert key_id in api_key_ids(local)
