#!/usr/bin/env python3
"""Deploys Daily Consumption with the usual AWS settings (AWS_PROFILE, SSO, AWS_REGION or the profile's region: boto3
and the SAM CLI read them as the AWS CLI does). `make bootstrap`, `make deploy` and `make first-key` call it.

  deploy.py bootstrap --repository OWNER/NAME [--stages staging,production]
      deploy/bootstrap.yaml as the stack daily-consumption-deploy, once per account: GitHub's OIDC provider (reused
      when the account has one), the artifact bucket, the permissions boundary, per stage the workflow's role and
      the CloudFormation service role. Prints the variables the workflow's environments need.
  deploy.py stack --stage NAME [--template .aws-sam/build/template.yaml] [--through-bootstrap] [--parameter K=V ...]
      sam deploy of the stack daily-consumption-NAME: staging and production with samconfig.toml's parameters, any
      other name as a stack of one's own. --through-bootstrap (CI) deploys through the stage's service role, with the
      boundary, into the artifact bucket; without it the SAM CLI's own bucket and the caller's permissions serve.
  deploy.py first-key --stage NAME --tenant TENANT [--outputs FILE.json]
      maps the stack's API key to TENANT (unless it serves another) and prints, as shell assignments, the API's
      URL, the key's value and the bucket.
"""
import argparse
import json
import os
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path

import boto3
from botocore.exceptions import ClientError

from destroy import stack_outputs

ROOT = Path(__file__).resolve().parents[1]
BOOTSTRAP_STACK = "daily-consumption-deploy"
GITHUB_OIDC_HOST = "token.actions.githubusercontent.com"
# A stack of one's own: no deletion protection (it is a sandbox), and new code at once rather than a canary.
OWN_STACK_PARAMETERS = {"DeletionProtection": "false", "DeploymentType": "AllAtOnce"}


def stack_name(stage):
    return f"daily-consumption-{stage}"


def sam():
    return str(Path(sys.executable).parent / "sam")


def outputs_of(stack):
    outputs = stack_outputs(boto3.client("cloudformation"), stack)
    if outputs is None:
        raise SystemExit(f"no stack {stack} in this account and region")
    return outputs


def stage_parameters(stage, extra):
    """samconfig.toml's parameters for staging and production, the own-stack defaults for any other stage; then
    the ones given. Given as one list, because sam's --parameter-overrides replaces samconfig's list whole."""
    config = tomllib.loads((ROOT / "samconfig.toml").read_text())
    listed = config.get(stage, {}).get("deploy", {}).get("parameters", {}).get("parameter_overrides")
    parameters = dict(item.split("=", 1) for item in listed) if listed else dict(OWN_STACK_PARAMETERS)
    parameters["StageName"] = stage
    parameters.update(extra)
    return parameters


def deploy_command(stage, template, extra, bootstrap=None):
    """`sam deploy` of the stage's stack; with the bootstrap's outputs, through its service role and boundary."""
    parameters = stage_parameters(stage, extra)
    command = [sam(), "deploy", "--template-file", template, "--stack-name", stack_name(stage),
               "--capabilities", "CAPABILITY_IAM", "--no-confirm-changeset", "--no-fail-on-empty-changeset"]
    if bootstrap:
        parameters["PermissionsBoundary"] = bootstrap["PermissionsBoundaryArn"]
        command += ["--role-arn", bootstrap[f"{stage}CloudFormationRoleArn"],
                    "--s3-bucket", bootstrap["ArtifactBucket"], "--s3-prefix", stage]
    else:
        command += ["--resolve-s3"]
    return command + ["--parameter-overrides", *(f"{k}={v}" for k, v in parameters.items())]


def deploy_stack(args):
    bootstrap = outputs_of(BOOTSTRAP_STACK) if args.through_bootstrap else None
    command = deploy_command(args.stage, args.template, dict(p.split("=", 1) for p in args.parameter), bootstrap)
    print("+ " + " ".join(command), flush=True)
    return subprocess.run(command, cwd=ROOT).returncode


def github_oidc_provider(iam):
    for provider in iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]:
        if provider["Arn"].endswith(f"/{GITHUB_OIDC_HOST}"):
            return provider["Arn"]
    return ""


def bootstrap(args):
    provider = github_oidc_provider(boto3.client("iam"))
    print(f"GitHub's OIDC provider: {provider or 'none yet; the bootstrap creates it'}")
    command = [sam(), "deploy", "--template-file", str(ROOT / "deploy" / "bootstrap.yaml"),
               "--stack-name", BOOTSTRAP_STACK, "--capabilities", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND",
               "--no-confirm-changeset", "--no-fail-on-empty-changeset", "--parameter-overrides",
               f"Repository={args.repository}", f"Stages={args.stages}", f"GitHubOidcProviderArn={provider}"]
    print("+ " + " ".join(command), flush=True)
    if subprocess.run(command, cwd=ROOT).returncode != 0:
        return 1
    outputs = outputs_of(BOOTSTRAP_STACK)
    region = boto3.session.Session().region_name
    print("\nSet these on the repository's environments (Settings > Environments), or with GitHub's CLI:")
    for stage in args.stages.split(","):
        print(f"  gh variable set AWS_DEPLOY_ROLE_ARN --env {stage} --body {outputs[f'{stage}DeployRoleArn']}")
        print(f"  gh variable set AWS_REGION --env {stage} --body {region}")
    return 0


def first_key(args):
    """The stack's API key mapped to the tenant (the item `consumption keys add` writes), and its value."""
    outputs = json.loads(Path(args.outputs).read_text()) if args.outputs else outputs_of(stack_name(args.stage))
    key_id = outputs["ApiKeyId"]
    try:
        boto3.client("dynamodb").put_item(
            TableName=outputs["TableName"],
            Item={"pk": {"S": "APIKEYS"}, "sk": {"S": key_id}, "tenant": {"S": args.tenant}},
            # A key that already serves a tenant keeps it: mapping it anew would hand that tenant's data over.
            ConditionExpression="attribute_not_exists(pk) OR tenant = :tenant",
            ExpressionAttributeValues={":tenant": {"S": args.tenant}})
    except ClientError as error:
        if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
            raise
        print(f"the key {key_id} already serves another tenant; it stays so", file=sys.stderr)
        return 1
    value = boto3.client("apigateway").get_api_key(apiKey=key_id, includeValue=True)["value"]
    # Shell assignments, so `eval "$(make -s first-key ...)"` sets them (README, the deploy quick start).
    print(f"API={shlex.quote(outputs['ApiUrl'])}")
    print(f"KEY={shlex.quote(value)}")
    print(f"BUCKET={shlex.quote(outputs['BucketName'])}")
    print(f"TENANT={shlex.quote(args.tenant)}")
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    one = commands.add_parser("bootstrap")
    one.add_argument("--repository", required=True)
    one.add_argument("--stages", default="staging,production")
    one = commands.add_parser("stack")
    one.add_argument("--stage", required=True)
    one.add_argument("--template", default=".aws-sam/build/template.yaml")
    one.add_argument("--through-bootstrap", action="store_true")
    one.add_argument("--parameter", action="append", default=[], help="KEY=VALUE, after samconfig's")
    one = commands.add_parser("first-key")
    one.add_argument("--stage", required=True)
    one.add_argument("--tenant", required=True)
    one.add_argument("--outputs", help="the stack's outputs as JSON, instead of reading them from CloudFormation")
    args = parser.parse_args()
    if os.environ.get("AWS_DEFAULT_REGION") is None and boto3.session.Session().region_name is None:
        print("no AWS region: set AWS_REGION, or a region in your AWS profile (aws configure)", file=sys.stderr)
        return 2
    return {"bootstrap": bootstrap, "stack": deploy_stack, "first-key": first_key}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
