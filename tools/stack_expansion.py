"""What the deploy-identity test needs from the deploy tools' own libraries, which live in the deploy venv
(.venv-sam), not the test venv: template.yaml as SAM's translator expands it for a stage, the handler permissions of
each of its resource types from CloudFormation's resource schemas bundled with cfn-lint, and the IAM actions cfn-lint
knows. Printed as one JSON document.

  .venv-sam/bin/python tools/stack_expansion.py STAGE BOUNDARY_ARN
"""
import json
import os
import sys
from pathlib import Path

import cfnlint
from samtranslator.translator.transform import transform

from template_yaml import load

DATA = Path(cfnlint.__file__).parent / "data"


class NoManagedPolicies:
    """The translator asks IAM for managed policies' ARNs only when a function names one; none does."""

    def load(self):
        return {}


def main(stage, boundary):
    os.environ.setdefault("AWS_DEFAULT_REGION", "eu-west-1")
    template = load()
    # What packaging does to CodeUri; the translator accepts only an S3 location.
    template["Globals"]["Function"]["CodeUri"] = f"s3://artifacts/{stage}/code.zip"
    stack = transform(template, {"StageName": stage, "PermissionsBoundary": boundary}, NoManagedPolicies())
    index = json.loads((DATA / "schemas" / "providers" / "us-east-1.json").read_text())
    handlers = {}
    for resource_type in sorted({r["Type"] for r in stack["Resources"].values()}):
        schema = json.loads((DATA / "schemas" / "resources" / f"{index[resource_type]}.json").read_text())
        handlers[resource_type] = {name: h.get("permissions", []) for name, h in schema.get("handlers", {}).items()}
    policies = json.loads((DATA / "AdditionalSpecs" / "Policies.json").read_text())
    actions = sorted(f"{service}:{action}" for service, spec in policies.items() for action in spec["Actions"])
    json.dump({"stack": stack, "handlers": handlers, "iamActions": actions}, sys.stdout)


if __name__ == "__main__":
    main(*sys.argv[1:3])
