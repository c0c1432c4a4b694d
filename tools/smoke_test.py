#!/usr/bin/env python3
"""Smoke test of a deployed stack (the CI workflow runs it after each `sam deploy`): with an API key of its own
(created for this run, added to the stack's usage plan and mapped to the tenant `smoke`), overwrite one meter file
with values unique to this run, then poll GET /consumption/<date> until the day's total is exactly what the file
says, or the timeout passes.

However the run ends (success, failure, timeout, an exception, SIGTERM), it leaves nothing behind: it deletes its file
(a delete marker, which the stack ingests as any delete), waits until the day no longer counts the file (404, or no
meters), removes every version and delete marker of its key, then deletes its key mapping and API key. The stack's
own API key, and whatever tenant it serves, are never touched. Exit 0 only if the total appeared and then went.

  smoke_test.py --stack daily-consumption-staging [--timeout 600] [--poll 10]
  smoke_test.py --outputs outputs.json ...    # {"BucketName", "ApiUrl", "TableName", "UsagePlanId"}, no CloudFormation

AWS endpoints are boto3's: `AWS_ENDPOINT_URL` (and `AWS_ENDPOINT_URL_S3` ...) point it at a local stack.

Needs AWS credentials allowed to read the stack's outputs, put, delete and list versions in its bucket under
incoming/smoke/, create and delete API keys and usage-plan keys, and put and delete the key mapping in its table (the
deploy role has them; see docs/deploying.md).
"""
import argparse
import json
import random
import signal
import sys
import time
import urllib.error
import urllib.request
import uuid
from decimal import Decimal

import boto3

from destroy import stack_outputs as stack_outputs_of

TENANT = "smoke"
DATE = "2000-01-01"
KEY = f"incoming/{TENANT}/smoke.csv"


class ThrowawayKey:
    """An API key that lives for one run: in the stack's usage plan, mapped to `TENANT`; gone on exit, also when
    setting it up fails half-way."""

    def __init__(self, outputs):
        self.apigateway = boto3.client("apigateway")
        self.dynamodb = boto3.client("dynamodb")
        self.table = outputs["TableName"]
        self.usage_plan = outputs["UsagePlanId"]
        self.id = self.value = None
        self.mapped = False

    def __enter__(self):
        try:
            created = self.apigateway.create_api_key(name=f"smoke-{uuid.uuid4()}", enabled=True,
                                                     description="tools/smoke_test.py, deleted when it ends")
            self.id, self.value = created["id"], created["value"]
            self.apigateway.create_usage_plan_key(usagePlanId=self.usage_plan, keyId=self.id, keyType="API_KEY")
            # Only a mapping of this key, never another's: the condition refuses to overwrite one.
            self.dynamodb.put_item(TableName=self.table, Item={
                "pk": {"S": "APIKEYS"}, "sk": {"S": self.id}, "tenant": {"S": TENANT}},
                ConditionExpression="attribute_not_exists(pk)")
            self.mapped = True
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *_):
        try:
            if self.mapped:
                self.dynamodb.delete_item(TableName=self.table, Key={"pk": {"S": "APIKEYS"}, "sk": {"S": self.id}})
                print(f"removed the mapping of the run's API key {self.id}")
        finally:  # the key goes even if its mapping could not
            if self.id is not None:
                self.apigateway.delete_api_key(apiKey=self.id)  # it leaves the usage plan with it
                print(f"removed the run's API key {self.id}")


class SmokeFile:
    """The run's meter file under `KEY`, and the day it counts in, as the run's API key sees it."""

    def __init__(self, outputs, key, poll):
        self.s3 = boto3.client("s3")
        self.bucket, self.api = outputs["BucketName"], outputs["ApiUrl"]
        self.key, self.poll = key, poll

    def day(self):
        """GET /consumption/<DATE>: its JSON, or a string saying what came instead."""
        request = urllib.request.Request(f"{self.api}/consumption/{DATE}", headers={"x-api-key": self.key.value})
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                return json.loads(answer.read())
        except urllib.error.HTTPError as error:
            return f"HTTP {error.code}"  # a new key takes a moment to reach the usage plan: 403 until then
        except OSError as error:  # the connection failed or timed out: asked again at the next poll
            return f"no answer ({error})"

    def upload_and_wait(self, timeout):
        """Puts a file of values unique to this run (so an old total cannot pass for a new one), then waits until the
        day's total is exactly the file's. True if it came before `timeout` seconds passed."""
        value = Decimal(random.randint(1, 999_999)) / 1000
        header = "Meter,Date," + ",".join(f"{h}:{m:02d}" for h in range(24) for m in (0, 30))
        body = f"{header}\nSMOKE-1,{DATE}," + ",".join([str(value)] * 48) + "\n"
        expected = value * 48
        self.s3.put_object(Bucket=self.bucket, Key=KEY, Body=body.encode())
        print(f"uploaded {KEY}; expecting {expected} kWh on {DATE}")
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            last = self.day()
            if isinstance(last, dict) and Decimal(last["total"]) == expected and last["meters"] == 1:
                print(f"ok: {last}")
                return True
            time.sleep(self.poll)
        print(f"timed out; last answer: {last}", file=sys.stderr)
        return False

    def remove(self, timeout):
        """Deletes the file, waits (up to `timeout` seconds) until the day no longer counts it, then removes every
        version and delete marker of its key. True if the day's totals went."""
        self.s3.delete_object(Bucket=self.bucket, Key=KEY)
        deadline = time.monotonic() + timeout
        last = gone = None
        while not gone and time.monotonic() < deadline:
            last = self.day()
            gone = last == "HTTP 404" or (isinstance(last, dict) and last["meters"] == 0)
            if not gone:
                time.sleep(self.poll)
        if gone:
            print(f"the day's totals went with the file ({last})")
        else:
            print(f"the day's totals did not go within {timeout} s; last answer: {last}", file=sys.stderr)
        # The delete marker first, as a user deletes a file, so the totals going is the deployed delete path at work;
        # the versions go after it, and the bucket ends as it began.
        removed = self.remove_versions()
        print(f"removed {len(removed)} versions and delete markers of {KEY}: {', '.join(removed) or 'none'}")
        return gone

    def remove_versions(self):
        """Every version and delete marker of exactly `KEY` (the listing's prefix also matches longer keys), each
        deleted by its VersionId. Returns the ids removed."""
        removed = []
        for page in self.s3.get_paginator("list_object_versions").paginate(Bucket=self.bucket, Prefix=KEY):
            for entry in page.get("Versions", []) + page.get("DeleteMarkers", []):
                if entry["Key"].encode() == KEY.encode():
                    self.s3.delete_object(Bucket=self.bucket, Key=KEY, VersionId=entry["VersionId"])
                    removed.append(entry["VersionId"])
        return removed


def stack_outputs(args):
    if args.outputs:
        with open(args.outputs) as file:
            return json.load(file)
    outputs = stack_outputs_of(boto3.client("cloudformation"), args.stack)
    if outputs is None:
        raise SystemExit(f"no stack {args.stack}")
    return outputs


def interrupted(signum, _frame):
    # SIGTERM (a cancelled CI job) ends the run through the same clean-up as any other exception.
    raise SystemExit(f"stopped by signal {signum}")


def main(argv=None):
    parser = argparse.ArgumentParser(description="Smoke test of a deployed stack; leaves nothing behind.")
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--stack", help="the CloudFormation stack whose outputs to use")
    where.add_argument("--outputs", help="a JSON file of the outputs (BucketName, ApiUrl, TableName, UsagePlanId)")
    parser.add_argument("--timeout", type=float, default=600,
                        help="seconds to wait for the total to appear, and again for it to go (default 600)")
    parser.add_argument("--poll", type=float, default=10, help="seconds between two requests (default 10)")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, interrupted)
    outputs = stack_outputs(args)
    counted = gone = False
    with ThrowawayKey(outputs) as key:
        smoke = SmokeFile(outputs, key, args.poll)
        try:
            counted = smoke.upload_and_wait(args.timeout)
        finally:
            gone = smoke.remove(args.timeout)
    return 0 if counted and gone else 1


if __name__ == "__main__":
    sys.exit(main())
