#!/usr/bin/env python3
"""Smoke test of a deployed stack (the CI workflow runs it after each `sam deploy`): overwrite one meter file with
values unique to this run, then poll GET /consumption/<date> with the stack's API key until the day's total is
exactly what the file says, or the timeout passes (exit 1).

  smoke_test.py --stack daily-consumption-staging [--timeout 600]

Needs AWS credentials allowed to read the stack's outputs, put into its bucket, write the key mapping into its
table and read its API key's value (the deploy role has them; see README, Deploying).
"""
import argparse
import json
import random
import sys
import time
import urllib.error
import urllib.request
from decimal import Decimal

import boto3

TENANT = "smoke"
DATE = "2000-01-01"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--stack", required=True)
    parser.add_argument("--timeout", type=int, default=600)
    args = parser.parse_args()
    outputs = {o["OutputKey"]: o["OutputValue"] for o in
               boto3.client("cloudformation").describe_stacks(StackName=args.stack)["Stacks"][0]["Outputs"]}
    key_id = outputs["ApiKeyId"]
    key_value = boto3.client("apigateway").get_api_key(apiKey=key_id, includeValue=True)["value"]
    boto3.client("dynamodb").put_item(TableName=outputs["TableName"], Item={
        "pk": {"S": "APIKEYS"}, "sk": {"S": key_id}, "tenant": {"S": TENANT}})

    # Values unique to this run, so an old total cannot pass for a new one.
    value = Decimal(random.randint(1, 999_999)) / 1000
    header = "Meter,Date," + ",".join(f"{h}:{m:02d}" for h in range(24) for m in (0, 30))
    body = f"{header}\nSMOKE-1,{DATE}," + ",".join([str(value)] * 48) + "\n"
    expected = value * 48
    boto3.client("s3").put_object(Bucket=outputs["BucketName"], Key=f"incoming/{TENANT}/smoke.csv", Body=body.encode())
    print(f"uploaded; expecting {expected} kWh on {DATE}")

    deadline = time.monotonic() + args.timeout
    last = None
    while time.monotonic() < deadline:
        request = urllib.request.Request(f"{outputs['ApiUrl']}/consumption/{DATE}", headers={"x-api-key": key_value})
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                last = json.loads(answer.read())
        except urllib.error.HTTPError as error:
            last = f"HTTP {error.code}"
        if isinstance(last, dict) and Decimal(last["total"]) == expected and last["meters"] == 1:
            print(f"ok: {last}")
            return 0
        time.sleep(10)
    print(f"timed out; last answer: {last}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
