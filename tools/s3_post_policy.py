"""S3's browser-based POST uploads, checked as AWS documents them, for the local stand-ins of S3 (moto answers a
POST upload with HTTP 500 when signature checking is on: ../shared/local-aws.md). The checks, from "Authenticating
Requests: Browser-Based Uploads Using POST (AWS Signature Version 4)" and "Creating a POST Policy" in the S3 API
Reference, written here from those pages alone:
  - the file is the last part, named `file`; fields after it are ignored;
  - `policy` is base64 of a JSON document whose `expiration` has not passed;
  - `x-amz-algorithm` is AWS4-HMAC-SHA256, `x-amz-credential` names a known access key and an `s3` scope for the
    date of `x-amz-date`, and `x-amz-signature` is the hex HMAC-SHA256 of the policy's base64 text under that
    scope's signing key;
  - every condition holds: `{"field": value}` and `["eq", "$field", value]` exactly, `["starts-with", "$field",
    prefix]`, `["content-length-range", min, max]` on the file's size, `{"bucket": name}` on the URL's bucket;
  - every field but `policy`, `x-amz-signature`, `file` and `x-ignore-*` is named by a condition.
A refusal is S3's error: 403 (AccessDenied, SignatureDoesNotMatch, InvalidAccessKeyId) or 400 (EntityTooLarge,
EntityTooSmall, InvalidPolicyDocument, InvalidArgument).
"""
import base64
import datetime
import email.parser
import email.policy
import hashlib
import hmac
import json
from urllib.parse import unquote, urlparse

EXEMPT = {"policy", "x-amz-signature", "file"}


class Refusal(Exception):
    def __init__(self, status, code, message):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def verify(bucket, content_type, body, secrets):
    """The form's fields (names lower-cased) and the file's bytes, if S3 would take this POST to `bucket`;
    `secrets` maps access key ids to secret keys. Raises `Refusal` as S3 would answer."""
    if not bucket or "/" in bucket or not content_type.startswith("multipart/form-data"):
        raise Refusal(405, "MethodNotAllowed", "A form POST goes to the bucket's URL as multipart/form-data.")
    return check(bucket, form_parts(content_type, body), secrets)


def refusal_xml(refusal):
    return (f"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{refusal.code}</Code>"
            f"<Message>{refusal.message}</Message></Error>").encode()


def form_parts(content_type, body):
    """(name, value bytes) of each part, in order, up to and including `file`."""
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body)
    if not message.is_multipart():
        raise Refusal(400, "MalformedPOSTRequest", "The body of your POST request is not well-formed multipart/form-data.")
    parts = []
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        parts.append((name, part.get_payload(decode=True) or b""))
        if name == "file":
            return parts
    raise Refusal(400, "InvalidArgument", "POST requires exactly one file upload per request.")


def signing_key(secret, day, region):
    key = ("AWS4" + secret).encode()
    for part in (day, region, "s3", "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key


def check(bucket, parts, secrets):
    fields = {name.lower(): value.decode() for name, value in parts if name != "file"}
    size = len(parts[-1][1])
    for name in ("policy", "x-amz-algorithm", "x-amz-credential", "x-amz-date", "x-amz-signature"):
        if name not in fields:
            raise Refusal(400, "InvalidArgument", f"Bucket POST must contain a field named '{name}'.")
    try:
        policy = json.loads(base64.b64decode(fields["policy"], validate=True))
        expiration = datetime.datetime.strptime(policy["expiration"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(
            tzinfo=datetime.timezone.utc)
        conditions = policy["conditions"]
    except (ValueError, KeyError, TypeError):
        raise Refusal(400, "InvalidPolicyDocument", "Invalid Policy: Invalid JSON.")
    if expiration <= datetime.datetime.now(datetime.timezone.utc):
        raise Refusal(403, "AccessDenied", "Invalid according to Policy: Policy expired.")
    if fields["x-amz-algorithm"] != "AWS4-HMAC-SHA256":
        raise Refusal(400, "InvalidArgument", "Unsupported algorithm.")
    access_key, _, scope = fields["x-amz-credential"].partition("/")
    day, region, service, terminator = (scope.split("/") + ["", "", "", ""])[:4]
    if access_key not in secrets or service != "s3" or terminator != "aws4_request" or \
            not fields["x-amz-date"].startswith(day):
        raise Refusal(403, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.")
    expected = hmac.new(signing_key(secrets[access_key], day, region), fields["policy"].encode(),
                        hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, fields["x-amz-signature"]):
        raise Refusal(403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature "
                                                    "you provided.")
    covered = set()
    values = dict(fields, bucket=bucket)
    for condition in conditions:
        if isinstance(condition, dict):
            [(name, value)] = condition.items()
            operator, name = "eq", name.lower()
        elif condition[0] == "content-length-range":
            low, high = condition[1], condition[2]
            if size < low:
                raise Refusal(400, "EntityTooSmall", "Your proposed upload is smaller than the minimum allowed size")
            if size > high:
                raise Refusal(400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size")
            continue
        else:
            operator, name, value = condition[0], condition[1].lstrip("$").lower(), condition[2]
        covered.add(name)
        actual = values.get(name)
        if actual is None or (operator == "eq" and actual != value) or \
                (operator == "starts-with" and not actual.startswith(value)):
            raise Refusal(403, "AccessDenied", f"Invalid according to Policy: Policy Condition failed: "
                                               f"[\"{operator}\", \"${name}\", \"{value}\"]")
    for name in fields:
        if name not in EXEMPT and not name.startswith("x-ignore-") and name not in covered:
            raise Refusal(403, "AccessDenied", f"Invalid according to Policy: Extra input fields: {name}")
    return fields, parts[-1][1]


def answer(handler, body, secrets, s3):
    """Answers the POST form `handler` (a BaseHTTPRequestHandler) received as S3 would: S3's XML error, or the file
    stored through `s3` (boto3, signed, so moto announces it to SQS as S3 would) and 204, as with no
    `success_action_status`."""
    bucket = unquote(urlparse(handler.path).path).strip("/")
    try:
        fields, data = verify(bucket, handler.headers.get("Content-Type", ""), body, secrets)
    except Refusal as refusal:
        xml = refusal_xml(refusal)
        handler.send_response(refusal.status)
        handler.send_header("Content-Type", "application/xml")
        handler.send_header("Content-Length", str(len(xml)))
        handler.end_headers()
        return handler.wfile.write(xml)
    extra = {"ContentType": fields["content-type"]} if "content-type" in fields else {}
    if "x-amz-server-side-encryption" in fields:
        extra["ServerSideEncryption"] = fields["x-amz-server-side-encryption"]
    s3.put_object(Bucket=bucket, Key=fields["key"], Body=data, **extra)
    handler.send_response(204)
    handler.send_header("Content-Length", "0")
    handler.end_headers()
