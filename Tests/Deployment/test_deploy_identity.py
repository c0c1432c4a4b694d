"""The deploy identity (deploy/bootstrap.yaml) against what the stack needs, offline: template.yaml expanded by SAM's
translator, and the create, update and delete permissions that CloudFormation's resource schemas (bundled with
cfn-lint) list for each resource type it holds. The service role must grant each such permission of the resource's
own service that IAM knows (cfn-lint's IAM reference: the schemas also list API names IAM never checks, such as
s3:DeleteBucketCors); the roles around it must not be able to do more than they are for."""
import copy
import fnmatch
import json
import os
import subprocess
from pathlib import Path

import pytest

from template_model import ROOT, load

STAGE = "staging"
SAM_BIN = Path(os.environ.get("SAM_VENV", ROOT / ".venv-sam")) / "bin"
# Refused on purpose, and denied explicitly: removing the boundary is what the boundary exists to prevent.
REFUSED = {"iam:deleterolepermissionsboundary"}
BOUNDARY_ARN = "arn:aws:iam::123456789012:policy/daily-consumption-boundary"


@pytest.fixture(scope="module")
def expansion():
    done = subprocess.run([str(SAM_BIN / "python"), str(ROOT / "tools" / "stack_expansion.py"), STAGE,
                           BOUNDARY_ARN], capture_output=True, text=True, timeout=300,
                          env={"PATH": os.environ["PATH"], "AWS_DEFAULT_REGION": "eu-west-1", "HOME": "/tmp"})
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def stack(expansion):
    return expansion["stack"]


def for_each(node, name, value):
    """CloudFormation's Fn::ForEach for one value: `${name}` replaced in every key and string."""
    if isinstance(node, dict):
        return {k.replace("${%s}" % name, value): for_each(v, name, value) for k, v in node.items()}
    if isinstance(node, list):
        return [for_each(v, name, value) for v in node]
    return node.replace("${%s}" % name, value) if isinstance(node, str) else node


def bootstrap_resources(stage=STAGE):
    resources = {}
    for key, value in load((ROOT / "deploy" / "bootstrap.yaml").read_text())["Resources"].items():
        if key.startswith("Fn::ForEach::"):
            name, _, body = value
            resources.update(for_each(body, name, stage))
        else:
            resources[key] = value
    return resources


def statements(role):
    return [s for policy in role["Properties"]["Policies"] for s in policy["PolicyDocument"]["Statement"]]


def as_list(value):
    return value if isinstance(value, list) else [value]


def granted(statements_, action):
    """Whether an Allow statement names the action (IAM's wildcards honoured) and no Deny does."""
    def names(statement):
        return any(fnmatch.fnmatch(action, a.lower()) for a in as_list(statement["Action"]))
    return (any(s["Effect"] == "Allow" and names(s) for s in statements_)
            and not any(s["Effect"] == "Deny" and names(s) for s in statements_))


def required_permissions(expansion):
    known = {a.lower() for a in expansion["iamActions"]}
    needed = {}
    for resource_type, handlers in expansion["handlers"].items():
        service = resource_type.split("::")[1].lower()
        for handler in ("create", "update", "delete"):
            for action in handlers.get(handler, []):
                action = action.lower()
                if action.split(":")[0] == service and action in known:
                    needed.setdefault(action, resource_type)
    return needed


def missing(expansion, role):
    return {a: t for a, t in required_permissions(expansion).items()
            if a not in REFUSED and not granted(statements(role), a)}


def service_role():
    return bootstrap_resources()[f"{STAGE}CloudFormationRole"]


def test_the_service_role_grants_every_permission_the_stacks_resource_types_need(expansion):
    needed = required_permissions(expansion)
    assert len(needed) > 200 and "lambda:createfunction" in needed and "glue:createdatabase" in needed
    assert missing(expansion, service_role()) == {}


def test_taking_out_any_one_needed_action_is_caught(expansion):
    role = service_role()
    for action in sorted(required_permissions(expansion)):
        if action in REFUSED:
            continue
        broken = copy.deepcopy(role)
        for statement in statements(broken):
            kept = [a for a in as_list(statement["Action"]) if a.lower() != action]
            statement["Action"] = kept or ["none:nothing"]
        assert set(missing(expansion, broken)) == {action}, action


def test_what_is_refused_is_denied_outright():
    for action in REFUSED:
        assert any(s["Effect"] == "Deny" and action in [a.lower() for a in as_list(s["Action"])]
                   for s in statements(service_role()))


def test_no_policy_grants_a_wildcard_action_or_iam_wholesale():
    resources = bootstrap_resources()
    documents = [s for r in resources.values() if r["Type"] == "AWS::IAM::Role" for s in statements(r)]
    documents += resources["PermissionsBoundary"]["Properties"]["PolicyDocument"]["Statement"]
    for statement in (s for s in documents if s["Effect"] == "Allow"):
        for action in as_list(statement["Action"]):
            assert "*" not in action, statement["Sid"]


def test_roles_are_created_and_changed_only_with_the_boundary():
    writes = {"iam:createrole", "iam:putrolepolicy", "iam:attachrolepolicy", "iam:putrolepermissionsboundary",
              "iam:deleterolepolicy", "iam:detachrolepolicy"}
    for statement in statements(service_role()):
        actions = {a.lower() for a in as_list(statement["Action"])}
        if statement["Effect"] == "Allow" and actions & writes:
            assert statement["Condition"] == {"StringEquals": {"iam:PermissionsBoundary": {"Ref": "PermissionsBoundary"}}}


def test_the_service_roles_resources_name_its_stage_where_aws_lets_them():
    # These reach resources whose ARNs are random ids (API Gateway, mappings), or that AWS grants only on '*'.
    unnamed = {"GenerateTheSecret", "LogGroupListings", "EventSourceMappings", "ReadEventSourceMappings", "Api",
               "AnalyticsCatalogGovernance", "KeepTheBoundary", "RolloutKinds"}
    for statement in statements(service_role()):
        if statement["Sid"] in unnamed:
            continue
        for resource in as_list(statement["Resource"]):
            text = json.dumps(resource)
            if text.endswith(':catalog"}'):
                continue  # Glue checks every database and table action against the account's catalog too
            assert f"-{STAGE}" in text or f"_{STAGE}" in text or f"/{STAGE}/" in text, (statement["Sid"], text)


def test_the_workflows_role_is_for_one_environment_and_passes_only_the_service_role():
    role = bootstrap_resources()[f"{STAGE}DeployRole"]
    trust = role["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    assert len(trust) == 1 and "StringLike" not in trust[0]["Condition"]
    assert trust[0]["Condition"]["StringEquals"]["token.actions.githubusercontent.com:sub"] == {
        "Fn::Sub": f"repo:${{Repository}}:environment:{STAGE}"}
    allowed = [s for s in statements(role) if s["Effect"] == "Allow"]
    passing = [s for s in allowed if "iam:PassRole" in as_list(s["Action"])]
    assert [s["Resource"] for s in passing] == [{"Fn::GetAtt": [{"Fn::Sub": f"{STAGE}CloudFormationRole"}, "Arn"]}]
    assert all(a.split(":")[0] != "iam" or a == "iam:PassRole" for s in allowed for a in as_list(s["Action"]))
    changes = [s for s in allowed if "cloudformation:CreateChangeSet" in as_list(s["Action"])]
    assert changes and all(s["Condition"]["StringEquals"]["cloudformation:RoleArn"] == passing[0]["Resource"]
                           for s in changes)
    assert not any(granted(allowed, a) for a in ("cloudformation:createstack", "cloudformation:updatestack",
                                                  "cloudformation:deletestack", "lambda:updatefunctioncode"))


def test_every_role_the_stack_creates_carries_the_boundary_and_stays_within_it(stack):
    boundary = bootstrap_resources()["PermissionsBoundary"]["Properties"]["PolicyDocument"]["Statement"]
    roles = {name: r for name, r in stack["Resources"].items() if r["Type"] == "AWS::IAM::Role"}
    assert {"IngestRole", "AnalyticsRole", "QueryRole", "DeploymentRole"} <= set(roles)
    for name, role in roles.items():
        assert role["Properties"]["PermissionsBoundary"] == {
            "Fn::If": ["HasPermissionsBoundary", {"Ref": "PermissionsBoundary"}, {"Ref": "AWS::NoValue"}]}, name
        assert not role["Properties"].get("ManagedPolicyArns"), name
        for policy in role["Properties"].get("Policies", []):
            # A policy under a condition (tracing) is {"Fn::If": [condition, policy, NoValue]}.
            policy = policy["Fn::If"][1] if "Fn::If" in policy else policy
            for statement in policy["PolicyDocument"]["Statement"]:
                for action in as_list(statement["Action"]):
                    assert granted(boundary, action.lower()), (name, action)


def test_the_bootstrap_template_passes_cfn_lint():
    done = subprocess.run([str(SAM_BIN / "cfn-lint"), "--non-zero-exit-code", "warning", "deploy/bootstrap.yaml"],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
