"""tools/deploy.py's `sam deploy` command line: what `make deploy STAGE=<name>` and the workflow run."""
import re

from template_model import ROOT, load

import deploy

BOOTSTRAP = {"PermissionsBoundaryArn": "arn:aws:iam::1:policy/daily-consumption-boundary",
             "stagingCloudFormationRoleArn": "arn:aws:iam::1:role/daily-consumption-staging-cloudformation",
             "ArtifactBucket": "daily-consumption-artifacts-1-eu-west-1"}


def overrides(command):
    return dict(item.split("=", 1) for item in command[command.index("--parameter-overrides") + 1:])


def test_a_stack_of_ones_own_takes_any_lowercase_name_and_the_sandbox_defaults():
    command = deploy.deploy_command("alice", "t.yaml", {})
    assert command[command.index("--stack-name") + 1] == "daily-consumption-alice"
    assert overrides(command) == {"StageName": "alice", "DeletionProtection": "false", "DeploymentType": "AllAtOnce"}
    assert "--resolve-s3" in command and "--role-arn" not in command
    pattern = load()["Parameters"]["StageName"]["AllowedPattern"]
    assert re.fullmatch(pattern, "alice") and not re.fullmatch(pattern, "Alice") and not re.fullmatch(pattern, "a-b")


def test_an_extra_parameter_joins_samconfigs_instead_of_replacing_them():
    parameters = overrides(deploy.deploy_command("production", "t.yaml", {"AlarmEmail": "ops@example.com"}))
    assert parameters["StageName"] == "production" and parameters["DeletionProtection"] == "true"
    assert parameters["DeploymentType"] == "Canary10Percent5Minutes" and parameters["AlarmEmail"] == "ops@example.com"


def test_ci_deploys_through_the_stages_service_role_with_the_boundary_into_the_artifact_bucket():
    command = deploy.deploy_command("staging", ".aws-sam/build/template.yaml", {}, BOOTSTRAP)
    assert command[command.index("--role-arn") + 1] == BOOTSTRAP["stagingCloudFormationRoleArn"]
    assert command[command.index("--s3-bucket") + 1] == BOOTSTRAP["ArtifactBucket"]
    assert command[command.index("--s3-prefix") + 1] == "staging" and "--resolve-s3" not in command
    assert overrides(command)["PermissionsBoundary"] == BOOTSTRAP["PermissionsBoundaryArn"]


def test_every_parameter_it_passes_is_one_the_template_declares():
    declared = set(load()["Parameters"])
    for stage in ("staging", "production", "alice"):
        assert set(overrides(deploy.deploy_command(stage, "t.yaml", {}, None))) <= declared
