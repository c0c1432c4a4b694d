#!/usr/bin/env python3
"""Smoke test of a deployed stack (the CI workflow runs it after each `sam deploy`): with an API key of its own
(created for this run, added to the stack's usage plan and mapped to the tenant `smoke`), overwrite one meter file
with values unique to this run, then poll GET /consumption/<date> until the day's total is exactly what the file
says, or the timeout passes (exit 1). The key and its mapping are deleted however the run ends: the stack's own API
key, and whatever tenant it serves, are never touched.

  smoke_test.py --stack daily-consumption-staging [--timeout 600]

Needs AWS credentials allowed to read the stack's outputs, put into its bucket under incoming/smoke/, create and
delete API keys and usage-plan keys, and put and delete the key mapping in its table (the deploy role has them; see
README, Deploying).
"""
import argparse
import json
import random
import sys
import time
import urllib.error
import urllib.request
import uuid
from decimal import Decimal

import boto3

TENANT = "smoke"
DATE = "2000-01-01"


class ThrowawayKey:
    """An API key that lives for one run: in the stack's usage plan, mapped to `TENANT`; gone on exit."""

    def __init__(self, outputs):
        self.apigateway = boto3.client("apigateway")
        self.dynamodb = boto3.client("dynamodb")
        self.table = outputs["TableName"]
        self.usage_plan = outputs["UsagePlanId"]
        self.id = self.value = None

    def __enter__(self):
        created = self.apigateway.create_api_key(name=f"smoke-{uuid.uuid4()}", enabled=True,
                                                 description="tools/smoke_test.py, deleted when it ends")
        self.id, self.value = created["id"], created["value"]
        self.apigateway.create_usage_plan_key(usagePlanId=self.usage_plan, keyId=self.id, keyType="API_KEY")
        # Only a mapping of this key, never another's: the condition refuses to overwrite one.
        self.dynamodb.put_item(TableName=self.table, Item={
            "pk": {"S": "APIKEYS"}, "sk": {"S": self.id}, "tenant": {"S": TENANT}},
            ConditionExpression="attribute_not_exists(pk)")
        return self

    def __exit__(self, *_):
        if self.id is None:
            return
        self.dynamodb.delete_item(TableName=self.table, Key={"pk": {"S": "APIKEYS"}, "sk": {"S": self.id}})
        self.apigateway.delete_api_key(apiKey=self.id)  # it leaves the usage plan with it
        print(f"deleted the run's API key {self.id} and its mapping")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--stack", required=True)
    parser.add_argument("--timeout", type=int, default=600)
    args = parser.parse_args()
    outputs = {o["OutputKey"]: o["OutputValue"] for o in
               boto3.client("cloudformation").describe_stacks(StackName=args.stack)["Stacks"][0]["Outputs"]}
    with ThrowawayKey(outputs) as key:
        # Values unique to this run, so an old total cannot pass for a new one.
        value = Decimal(random.randint(1, 999_999)) / 1000
        header = "Meter,Date," + ",".join(f"{h}:{m:02d}" for h in range(24) for m in (0, 30))
        body = f"{header}\nSMOKE-1,{DATE}," + ",".join([str(value)] * 48) + "\n"
        expected = value * 48
        boto3.client("s3").put_object(Bucket=outputs["BucketName"], Key=f"incoming/{TENANT}/smoke.csv",
                                      Body=body.encode())
        print(f"uploaded; expecting {expected} kWh on {DATE}")
        deadline = time.monotonic() + args.timeout
        last = None
        while time.monotonic() < deadline:
            request = urllib.request.Request(f"{outputs['ApiUrl']}/consumption/{DATE}",
                                             headers={"x-api-key": key.value})
            try:
                with urllib.request.urlopen(request, timeout=30) as answer:
                    last = json.loads(answer.read())
            except urllib.error.HTTPError as error:
                last = f"HTTP {error.code}"  # a new key takes a moment to reach the usage plan: 403 until then
            if isinstance(last, dict) and Decimal(last["total"]) == expected and last["meters"] == 1:
                print(f"ok: {last}")
                return 0
            time.sleep(10)
    print(f"timed out; last answer: {last}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
