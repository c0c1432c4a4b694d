"""The README's deploy quick start, followed as a new user would: every make target it names exists, and the steps
that can run here run against the local stack (tools/local_stack.py: the real functions; S3, DynamoDB and API
Gateway's keys and usage plan in moto). `make first-key`'s tool maps the stack's key and prints what the next lines
use, the file lands under the tenant's prefix, and the day answers the file's exact total with that key. (`make
deploy` itself needs an AWS account: its command line is tools/deploy.py's, held by test_deploy_tool.py; the
template and the bootstrap pass sam validate --lint and cfn-lint in test_sam_checks.py and
test_deploy_identity.py.)"""
import json
import os
import re
import shlex
import subprocess
import sys
import urllib.request
from decimal import Decimal
from pathlib import Path

import pytest

from local_aws import REGION
from local_stack import LocalStack
from oracle import meter_days
from template_model import load

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.xdist_group("quick-start")


def quick_start():
    """The commands of the README's first shell block after "in your AWS account"."""
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"in your AWS account.*?```sh\n(.*?)```", readme, re.S).group(1)
    return [line.split("  #")[0].strip() for line in block.splitlines() if line.strip()]


def test_the_quick_start_names_only_what_exists():
    commands = quick_start()
    targets = set(re.findall(r"^([a-z-]+):", (ROOT / "Makefile").read_text(), re.M))
    stage_pattern = load()["Parameters"]["StageName"]["AllowedPattern"]
    named = [re.search(r"make (?:-s )?([a-z-]+) (.*?)\)?\"?$", c) for c in commands if "make " in c]
    assert [m.group(1) for m in named] == ["deploy", "first-key"]
    for match in named:
        assert match.group(1) in targets
        settings = dict(word.split("=", 1) for word in match.group(2).split())
        assert re.fullmatch(stage_pattern, settings["STAGE"])
    assert commands[2].startswith("aws s3 cp samples/") and (ROOT / commands[2].split()[3]).exists()
    assert '"s3://$BUCKET/incoming/acme/"' in commands[2]
    assert commands[3] == 'curl -s -H "x-api-key: $KEY" "$API/consumption/2024-05-01"'


@pytest.fixture(scope="module")
def local(tmp_path_factory):
    with LocalStack(stage="alice", work_dir=tmp_path_factory.mktemp("quick-start"), tenant="demo",
                    max_seconds=600) as stack:
        yield stack


def the_stacks_own_key(local):
    """What the deployed stack holds after `make deploy`: an API key in the usage plan, mapped to no tenant."""
    created = local.apigateway.create_api_key(name="alice-key", enabled=True)
    local.apigateway.create_usage_plan_key(usagePlanId=local.usage_plan_id, keyId=created["id"], keyType="API_KEY")
    return created["id"]


def first_key(local, outputs_file, tenant):
    environment = {name: value for name, value in os.environ.items() if not name.startswith("AWS_")}
    environment.update({"AWS_ENDPOINT_URL": local.moto.endpoint, "AWS_ACCESS_KEY_ID": local.moto.access_key,
                        "AWS_SECRET_ACCESS_KEY": local.moto.secret_key, "AWS_DEFAULT_REGION": REGION})
    return subprocess.run([sys.executable, str(ROOT / "tools" / "deploy.py"), "first-key", "--stage", "alice",
                           "--tenant", tenant, "--outputs", str(outputs_file)],
                          env=environment, capture_output=True, text=True, timeout=120)


def test_first_key_then_a_file_then_the_day(local, tmp_path):
    key_id = the_stacks_own_key(local)
    outputs = tmp_path / "outputs.json"
    outputs.write_text(json.dumps({"ApiUrl": local.api_url, "ApiKeyId": key_id, "TableName": local.settings.table,
                                   "BucketName": local.settings.bucket}))
    done = first_key(local, outputs, "acme")
    assert done.returncode == 0, done.stderr
    # What `eval "$(make -s first-key ...)"` sets.
    settings = dict(word.split("=", 1) for line in done.stdout.splitlines() for word in shlex.split(line))
    assert settings["API"] == local.api_url and settings["BUCKET"] == local.settings.bucket
    assert settings["TENANT"] == "acme"

    # `aws s3 cp samples/week-1.csv "s3://$BUCKET/incoming/acme/"` is a PutObject of incoming/acme/week-1.csv.
    sample = ROOT / "samples" / "week-1.csv"
    local.s3.put_object(Bucket=settings["BUCKET"], Key="incoming/acme/week-1.csv", Body=sample.read_bytes())
    assert local.wait_until_idle(timeout=300)

    request = urllib.request.Request(f"{settings['API']}/consumption/2024-05-01",
                                     headers={"x-api-key": settings["KEY"]})
    with urllib.request.urlopen(request, timeout=60) as answer:
        day = json.loads(answer.read())
    expected = sum(value for (_, date), value in meter_days(sample.read_bytes()).items() if date == "2024-05-01")
    assert Decimal(day["total"]) == expected and day["date"] == "2024-05-01"

    # Again for the same tenant: nothing changes. For another: refused, the key keeps serving acme.
    assert first_key(local, outputs, "acme").returncode == 0
    refused = first_key(local, outputs, "other")
    assert refused.returncode == 1 and "already serves another tenant" in refused.stderr
    with urllib.request.urlopen(request, timeout=60) as answer:
        assert json.loads(answer.read())["total"] == day["total"]
