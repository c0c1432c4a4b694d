#!/usr/bin/env python3
"""Signs generated S3 and DynamoDB requests with botocore and writes them, with the signatures botocore computed, as
JSON for the Swift signer's differential test. The cases are odd on purpose: keys with spaces, unicode, `+ = ~ %`
and `//`, repeated and empty query parameters, Range, hashed and unsigned payloads, session tokens, presigned GET
and PUT.

  sigv4_vectors.py OUT.json
"""
import datetime
import hashlib
import json
import random
import sys
from urllib.parse import quote, urlsplit, parse_qsl

import botocore.auth
from botocore.auth import S3SigV4Auth, S3SigV4QueryAuth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

FIXED = datetime.datetime(2026, 11, 22, 1, 2, 3, tzinfo=datetime.timezone.utc)
botocore.auth.get_current_datetime = lambda: FIXED  # sign at a pinned time

KEY_PIECES = ["meter", "file 1", "ü", "日本", "+", "=", "~", "%", "a//b", "2024-05-01", "x.csv", "(1)", "!", "'", "*",
              "tenant/incoming", ",", ";", "&", "?", "#", "@", "$", " "]


def aws_quote(text, safe=""):
    return quote(text, safe="-_.~" + safe)


def credentials(rng):
    token = None if rng.random() < 0.5 else "FwoGZXIvYXdzE" + "".join(rng.choice("abcXYZ019+/=") for _ in range(60))
    return Credentials("AKIA" + "".join(rng.choice("ABCDEFGHJK0123456789") for _ in range(16)),
                       "".join(rng.choice("abcdefghijKLMNOP0123456789/+") for _ in range(40)), token)


def s3_case(rng, index):
    creds = credentials(rng)
    key = "".join(rng.choice(KEY_PIECES) for _ in range(rng.randint(1, 5)))
    path = "/meter-drop/" + key
    method = rng.choice(["GET", "PUT", "HEAD", "DELETE"])
    query = []
    if rng.random() < 0.5:
        query = [(rng.choice(["list-type", "prefix", "continuation-token", "versionId", "a", "a", "empty"]),
                  rng.choice(["2", "incoming/", "", "x y", "ü+", "=", "v/1"])) for _ in range(rng.randint(1, 4))]
    body = b""
    headers = {"Host": "s3.eu-west-1.amazonaws.com"}
    if method == "PUT":
        body = "".join(rng.choice("Meter,Date\n0.5ü") for _ in range(rng.randint(0, 200))).encode()
        headers["Content-Type"] = "text/csv"
    if method == "GET" and rng.random() < 0.5:
        headers["Range"] = f"bytes={rng.randint(0, 99)}-{rng.randint(100, 9999)}"
    unsigned = rng.random() < 0.4
    url = "https://s3.eu-west-1.amazonaws.com" + aws_quote(path, safe="/")
    if query:
        url += "?" + "&".join(f"{aws_quote(k)}={aws_quote(v)}" for k, v in query)
    request = AWSRequest(method=method, url=url, data=body, headers=dict(headers))
    request.context["client_config"] = Config(s3={"payload_signing_enabled": not unsigned})
    S3SigV4Auth(creds, "s3", "eu-west-1").add_auth(request)
    assert request.headers["X-Amz-Content-SHA256"] == ("UNSIGNED-PAYLOAD" if unsigned else hashlib.sha256(body).hexdigest())
    return {
        "name": f"s3-{index}-{method}", "service": "s3", "region": "eu-west-1", "style": "header",
        "credentials": {"accessKeyID": creds.access_key, "secret": creds.secret_key, "token": creds.token},
        "method": method, "path": path, "query": [[k, v] for k, v in query],
        "headers": [[k, v] for k, v in headers.items()],
        "payloadHash": "UNSIGNED-PAYLOAD" if unsigned else hashlib.sha256(body).hexdigest(),
        "authorization": request.headers["Authorization"],
    }


def presign_case(rng, index):
    creds = credentials(rng)
    key = "".join(rng.choice(KEY_PIECES) for _ in range(rng.randint(1, 4)))
    path = "/meter-drop/" + key
    method = rng.choice(["GET", "PUT"])
    expires = rng.choice([1, 60, 3600, 604800])
    url = "https://s3.eu-west-1.amazonaws.com" + aws_quote(path, safe="/")
    request = AWSRequest(method=method, url=url, headers={"Host": "s3.eu-west-1.amazonaws.com"})
    S3SigV4QueryAuth(creds, "s3", "eu-west-1", expires=expires).add_auth(request)
    signed_query = dict(parse_qsl(urlsplit(request.url).query, keep_blank_values=True))
    return {
        "name": f"presign-{index}-{method}", "service": "s3", "region": "eu-west-1", "style": "presign",
        "credentials": {"accessKeyID": creds.access_key, "secret": creds.secret_key, "token": creds.token},
        "method": method, "path": path, "query": [], "headers": [["Host", "s3.eu-west-1.amazonaws.com"]],
        "payloadHash": "UNSIGNED-PAYLOAD", "expires": expires, "signature": signed_query["X-Amz-Signature"],
    }


def dynamodb_case(rng, index):
    creds = credentials(rng)
    target = rng.choice(["GetItem", "PutItem", "Query", "BatchWriteItem", "TransactWriteItems"])
    body = json.dumps({"TableName": "consumption", "Key": {"pk": {"S": "t#ü" + str(rng.randint(0, 999))}},
                       "Value": {"N": "12345678901234567890.123456"}}).encode()
    headers = {"Host": "dynamodb.eu-west-1.amazonaws.com", "Content-Type": "application/x-amz-json-1.0",
               "X-Amz-Target": f"DynamoDB_20120810.{target}"}
    request = AWSRequest(method="POST", url="https://dynamodb.eu-west-1.amazonaws.com/", data=body, headers=dict(headers))
    SigV4Auth(creds, "dynamodb", "eu-west-1").add_auth(request)
    return {
        "name": f"dynamodb-{index}-{target}", "service": "dynamodb", "region": "eu-west-1", "style": "header",
        "credentials": {"accessKeyID": creds.access_key, "secret": creds.secret_key, "token": creds.token},
        "method": "POST", "path": "/", "query": [], "headers": [[k, v] for k, v in headers.items()],
        "payloadHash": hashlib.sha256(body).hexdigest(), "authorization": request.headers["Authorization"],
    }


def main():
    rng = random.Random(4)
    cases = [s3_case(rng, i) for i in range(120)] + [presign_case(rng, i) for i in range(40)] \
        + [dynamodb_case(rng, i) for i in range(40)]
    with open(sys.argv[1], "w") as out:
        json.dump({"unixSeconds": int(FIXED.timestamp()), "cases": cases}, out, ensure_ascii=False, indent=1)


if __name__ == "__main__":
    main()
