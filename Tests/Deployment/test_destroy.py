"""`make destroy` against moto: the stack goes, the retained bucket and table stay; their data goes only when asked
twice (--delete-data, then each name typed back), the bucket with every version and delete marker."""
import json
import uuid

import pytest

import destroy


@pytest.fixture
def stage(moto, monkeypatch):
    """A stack shaped as template.yaml names and retains its bucket and table, with a versioned key in the bucket."""
    for name, value in {"AWS_ENDPOINT_URL": moto.endpoint, "AWS_ACCESS_KEY_ID": moto.access_key,
                        "AWS_SECRET_ACCESS_KEY": moto.secret_key, "AWS_DEFAULT_REGION": "us-east-1"}.items():
        monkeypatch.setenv(name, value)
    stage = f"t{uuid.uuid4().hex[:8]}"
    bucket, table = f"daily-consumption-{stage}-123456789012-us-east-1", f"daily-consumption-{stage}"
    template = {
        "Resources": {
            "MeterBucket": {"Type": "AWS::S3::Bucket", "DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain",
                            "Properties": {"BucketName": bucket,
                                           "VersioningConfiguration": {"Status": "Enabled"}}},
            "ConsumptionTable": {
                "Type": "AWS::DynamoDB::Table", "DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain",
                "Properties": {"TableName": table, "BillingMode": "PAY_PER_REQUEST",
                               "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
                               "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}]}}},
        "Outputs": {"BucketName": {"Value": {"Ref": "MeterBucket"}},
                    "TableName": {"Value": {"Ref": "ConsumptionTable"}}}}
    moto.client("cloudformation").create_stack(StackName=f"daily-consumption-{stage}",
                                               TemplateBody=json.dumps(template))
    s3 = moto.client("s3")
    for body in (b"first", b"second"):
        s3.put_object(Bucket=bucket, Key="incoming/acme/a.csv", Body=body)
    s3.delete_object(Bucket=bucket, Key="incoming/acme/a.csv")
    return stage, bucket, table


def exists(moto, bucket, table):
    buckets = {b["Name"] for b in moto.client("s3").list_buckets()["Buckets"]}
    return bucket in buckets, table in moto.client("dynamodb").list_tables()["TableNames"]


def test_the_stack_goes_and_its_data_stays_unless_asked_twice(moto, stage):
    name, bucket, table = stage
    assert destroy.main(["--stage", name], answer=lambda _: pytest.fail("asked without --delete-data")) == 0
    stacks = moto.client("cloudformation").list_stacks(StackStatusFilter=["CREATE_COMPLETE"])["StackSummaries"]
    assert f"daily-consumption-{name}" not in {s["StackName"] for s in stacks}
    assert exists(moto, bucket, table) == (True, True)

    assert destroy.main(["--stage", name, "--delete-data"], answer=lambda _: "yes") == 1
    assert exists(moto, bucket, table) == (True, True)

    typed = iter([bucket, table])
    assert destroy.main(["--stage", name, "--delete-data"], answer=lambda _: next(typed)) == 0
    assert exists(moto, bucket, table) == (False, False)
