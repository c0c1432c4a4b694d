#!/usr/bin/env python3
"""Removes a deployed stage: `make destroy STAGE=staging` deletes its CloudFormation stack, and the meter bucket
and the table stay (template.yaml retains them). Only when asked twice — `DATA=delete` on the command line, then
each name typed back at the prompt — are the bucket (every version and delete marker) and the table deleted too.

  destroy.py --stage staging [--delete-data]

Reads the bucket's and the table's names from the stack's outputs, or, once the stack is gone, from the names
template.yaml gives them (daily-consumption-<stage>-<account>-<region>, daily-consumption-<stage>).
"""
import argparse
import sys

import boto3
from botocore.exceptions import ClientError


def stack_outputs(cloudformation, stack):
    try:
        found = cloudformation.describe_stacks(StackName=stack)["Stacks"][0]
    except ClientError as error:
        if "does not exist" in str(error):
            return None
        raise
    return {output["OutputKey"]: output["OutputValue"] for output in found.get("Outputs", [])}


def empty_and_delete_bucket(s3, bucket):
    """Every version and delete marker, a page (at most 1,000) at a time, then the bucket."""
    for _ in range(1_000_000):
        page = s3.list_object_versions(Bucket=bucket, MaxKeys=1000)
        entries = [{"Key": e["Key"], "VersionId": e["VersionId"]}
                   for e in page.get("Versions", []) + page.get("DeleteMarkers", [])]
        if not entries:
            break
        s3.delete_objects(Bucket=bucket, Delete={"Objects": entries, "Quiet": True})
    s3.delete_bucket(Bucket=bucket)


def delete_table(dynamodb, table):
    # The stack may have turned deletion protection on (its DeletionProtection parameter).
    dynamodb.update_table(TableName=table, DeletionProtectionEnabled=False)
    dynamodb.delete_table(TableName=table)
    dynamodb.get_waiter("table_not_exists").wait(TableName=table, WaiterConfig={"Delay": 2, "MaxAttempts": 150})


def confirmed(what, name, answer):
    typed = answer(f"Type the {what}'s name to delete it and everything in it ({name}): ").strip()
    if typed != name:
        print(f"'{typed}' is not '{name}': the {what} is kept.", file=sys.stderr)
    return typed == name


def main(arguments=None, answer=input):
    parser = argparse.ArgumentParser()
    parser.add_argument("--stage", required=True)
    parser.add_argument("--delete-data", action="store_true")
    args = parser.parse_args(arguments)
    session = boto3.session.Session()
    stack = f"daily-consumption-{args.stage}"
    cloudformation = session.client("cloudformation")
    outputs = stack_outputs(cloudformation, stack)
    account = session.client("sts").get_caller_identity()["Account"]
    bucket = (outputs or {}).get("BucketName", f"daily-consumption-{args.stage}-{account}-{session.region_name}")
    table = (outputs or {}).get("TableName", stack)
    if outputs is not None:
        cloudformation.delete_stack(StackName=stack)
        cloudformation.get_waiter("stack_delete_complete").wait(
            StackName=stack, WaiterConfig={"Delay": 5, "MaxAttempts": 360})
        print(f"deleted the stack {stack}")
    else:
        print(f"no stack {stack}")
    if not args.delete_data:
        print(f"kept the bucket {bucket} and the table {table}: `make destroy STAGE={args.stage} DATA=delete` "
              "deletes them")
        return 0
    kept = 0
    if confirmed("bucket", bucket, answer):
        empty_and_delete_bucket(session.client("s3"), bucket)
        print(f"deleted the bucket {bucket}")
    else:
        kept += 1
    if confirmed("table", table, answer):
        delete_table(session.client("dynamodb"), table)
        print(f"deleted the table {table}")
    else:
        kept += 1
    return 1 if kept else 0


if __name__ == "__main__":
    sys.exit(main())
