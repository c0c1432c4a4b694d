"""Tenants upload their own files. `POST /uploads` answers a presigned POST — an S3 POST policy signed with the
query function's credentials — for a key in the caller's folder only; `requests` (PyPI) sends the form to S3, here
the POST gate in front of moto (tools/s3_post_gate.py: moto answers POST uploads with a 500 when signatures
are checked, so the gate checks the form as S3 does and stores the file in moto); the file is ingested for that
tenant alone, and `GET /uploads/{id}` tells what became of it. A form that breaks its policy (too large, another
key, expired, altered) is refused by S3 and counts nothing. Every JSON answer joins the OpenAPI contract check."""
import datetime
import json
import time
import urllib.parse

import pytest
import requests
from apigw import Response, v2
from oracle import expected_totals, wide_file
from rig import PostGate, Stack, sqs_event

import test_api

# The contract test reads the answers the API tests gathered: they run in one worker, in file order.
pytestmark = pytest.mark.xdist_group("api-contract")

FILE = wide_file([("u1", "2024-06-01", ["0.5"] * 48), ("u2", "2024-06-01", ["1.25"] * 48)]).encode()


@pytest.fixture(scope="module")
def site(moto, tmp_path_factory):
    """A stack, the POST gate as its S3 for forms, and a query function that signs forms for the gate's URL."""
    stack = Stack(moto)
    gate = PostGate(moto, tmp_path_factory.mktemp("gate"))
    query = stack.query_function(BUCKET_NAME=stack.bucket, AWS_ENDPOINT_URL_S3=gate.endpoint,
                                 UPLOAD_MAX_BYTES="100000")
    ingest = stack.function()
    yield type("Site", (), {"stack": stack, "gate": gate, "query": query, "ingest": ingest})
    for process in (ingest, query, gate):
        process.stop()
    stack.close()  # the stream's folder, started by `totals`


def call(site, event):
    """One request to the query function; JSON answers are kept for the OpenAPI contract test."""
    response = Response(site.query.invoke(event))
    if response.headers.get("Content-Type") == "application/json":
        test_api.ANSWERS.append((event["rawPath"], response.status, response.json))
    return response


def start(site, tenant="acme", **request):
    body = json.dumps({"name": "May readings.csv", "contentType": "text/csv", "size": len(FILE), **request})
    return call(site, v2("/uploads", method="POST", tenant=tenant, body=body.encode()))


def send(form, data, **changes):
    fields = dict(form["fields"], **changes)
    return requests.post(form["url"], data=fields, files={"file": ("readings.csv", data, "text/csv")}, timeout=30)


def incoming_keys(site):
    listing = site.stack.s3.list_objects_v2(Bucket=site.stack.bucket, Prefix="incoming/")
    return [item["Key"] for item in listing.get("Contents", [])]


def test_an_uploaded_file_is_ingested_for_the_callers_tenant_only(site):
    answer = start(site)
    assert answer.status == 201, answer.text
    form = answer.json
    today = datetime.datetime.now(datetime.timezone.utc).date().isoformat()
    assert form["key"].startswith(f"incoming/acme/{today}/") and form["key"].endswith("-May_readings.csv")
    assert form["url"] == f"{site.gate.endpoint}/{site.stack.bucket}" and form["maxBytes"] == len(FILE)
    assert call(site, v2(f"/uploads/{form['id']}", tenant="acme")).json["status"] == "waiting"

    uploaded = send(form, FILE)
    assert uploaded.status_code == 204, uploaded.text
    assert site.ingest.invoke(sqs_event(site.stack.messages()))["json"] == {"batchItemFailures": []}
    outcome = call(site, v2(f"/uploads/{form['id']}", tenant="acme")).json
    assert outcome["status"] == "ingested" and outcome["key"] == form["key"]
    assert [version["meterDays"] for version in outcome["versions"]] == [2]
    assert site.stack.totals("acme") == expected_totals(site.stack.s3, site.stack.bucket)["acme"]
    assert site.stack.totals("acme")["2024-06-01"][1] == 2
    # Another tenant asking after the same id looks in its own folder: nothing there.
    assert call(site, v2(f"/uploads/{form['id']}", tenant="globex")).json["status"] == "waiting"
    assert site.stack.totals("globex") == {}


def test_a_form_posted_again_and_again_lists_its_versions_a_page_at_a_time(site):
    """S3 takes a form until it expires, each post a new version of its one key: the outcome reads one page of
    them per request, whatever their count."""
    form = start(site).json
    for index in range(3):
        assert send(form, FILE.replace(b"0.5", f"0.{index + 6}".encode())).status_code == 204
        assert site.ingest.invoke(sqs_event(site.stack.messages()))["json"] == {"batchItemFailures": []}
    seen, token = [], None
    for _ in range(5):
        query = {"limit": ["1"], **({"nextToken": [token]} if token else {})}
        page = call(site, v2(f"/uploads/{form['id']}", query=query, tenant="acme")).json
        assert len(page["versions"]) <= 1 and page["key"] == form["key"]
        seen += [version["tag"] for version in page["versions"]]
        token = page["nextToken"]
        if token is None:
            break
    assert len(seen) == len(set(seen)) == 3
    whole = call(site, v2(f"/uploads/{form['id']}", tenant="acme")).json
    assert whole["nextToken"] is None and whole["status"] == "ingested"
    assert sorted(version["tag"] for version in whole["versions"]) == sorted(seen)
    # The object's own ledger resource pages its versions the same way.
    path = "/ingestions/" + urllib.parse.quote(form["key"], safe="")
    pages, token = [], None
    for _ in range(5):
        page = call(site, v2(path, query={"limit": ["2"], **({"nextToken": [token]} if token else {})},
                             tenant="acme")).json
        pages.append(page)
        token = page["nextToken"]
        if token is None:
            break
    assert [len(page["versions"]) for page in pages] == [2, 1]
    assert sorted(v["tag"] for page in pages for v in page["versions"]) == sorted(seen)
    assert pages[0]["counting"] == pages[1]["counting"] is not None


@pytest.mark.parametrize("breach, refusal", [
    ("too large", (400, "EntityTooLarge")),
    ("another key", (403, "AccessDenied")),
    ("another tenant's folder", (403, "AccessDenied")),
    ("another content type", (403, "AccessDenied")),
    ("a forged signature", (403, "SignatureDoesNotMatch")),
    ("expired", (403, "AccessDenied")),
])
def test_a_form_used_against_its_policy_is_refused_by_s3_and_counts_nothing(site, breach, refusal):
    before = incoming_keys(site)
    form = start(site, size=100).json
    data, changes = FILE[:100], {}
    if breach == "too large":
        data = FILE[:101]
    elif breach == "another key":
        changes = {"key": form["key"] + ".more"}
    elif breach == "another tenant's folder":
        changes = {"key": form["key"].replace("incoming/acme/", "incoming/globex/")}
    elif breach == "another content type":
        changes = {"Content-Type": "application/zip"}
    elif breach == "a forged signature":
        changes = {"x-amz-signature": "0" * 64}
    else:
        short = site.stack.query_function(BUCKET_NAME=site.stack.bucket, AWS_ENDPOINT_URL_S3=site.gate.endpoint,
                                          UPLOAD_EXPIRY_SECONDS="1")
        try:
            body = json.dumps({"contentType": "text/csv", "size": 100}).encode()
            form = Response(short.invoke(v2("/uploads", method="POST", tenant="acme", body=body))).json
        finally:
            short.stop()
        time.sleep(2.1)
    answer = send(form, data, **changes)
    assert (answer.status_code, answer.text.split("<Code>")[1].split("</Code>")[0]) == refusal
    assert incoming_keys(site) == before
    assert site.stack.messages() == []


@pytest.mark.parametrize("request_body, field", [
    ({"name": "a/b.csv"}, "name"), ({"name": "../b.csv"}, "name"), ({"name": "a\\b.csv"}, "name"),
    ({"name": "a\u0007.csv"}, "name"), ({"name": "é" * 128}, "name"), ({"name": ""}, "name"), ({"name": 5}, "name"),
    ({"contentType": "csv"}, "contentType"), ({"contentType": "text/csv; charset=utf-8"}, "contentType"),
    ({"contentType": "text/html"}, "contentType"), ({"contentType": "image/svg+xml"}, "contentType"),
    ({"contentType": "TEXT/CSV"}, "contentType"),
    ({"size": 0}, "size"), ({"size": 100001}, "size"), ({"size": "5"}, "size"), ({"bucket": "x"}, "bucket"),
])
def test_an_upload_request_out_of_bounds_is_a_400_naming_the_field(site, request_body, field):
    answer = start(site, **request_body)
    assert answer.status == 400 and answer.json["field"] == field, answer.text


def test_what_is_not_an_upload_request_is_refused(site):
    assert call(site, v2("/uploads", method="POST", tenant="acme", body=b"[1]")).json["field"] == "body"
    assert call(site, v2("/uploads", method="POST", tenant="acme", body=b"{")).status == 400
    wrong_method = call(site, v2("/uploads", tenant="acme"))
    assert wrong_method.status == 405 and wrong_method.headers["Allow"] == "POST"
    assert call(site, v2("/uploads/not-an-id", tenant="acme")).json["field"] == "id"
    assert call(site, v2("/uploads", method="POST", body=b"{}")).status == 403
    no_bucket = Stack(site.stack.moto).query_function()
    try:
        assert Response(no_bucket.invoke(v2("/uploads", method="POST", tenant="acme", body=b"{}"))).status == 404
    finally:
        no_bucket.stop()


def test_a_tenants_forms_an_hour_are_bounded_in_count_and_bytes_and_others_are_untouched(site):
    """One tenant's uploads cannot fill the shared ingest queue: past its hourly quota of forms (or of the bytes
    they declare) `POST /uploads` is a 429 saying when the next hour starts, and other tenants go on."""
    limited = site.stack.query_function(BUCKET_NAME=site.stack.bucket, AWS_ENDPOINT_URL_S3=site.gate.endpoint,
                                        UPLOAD_MAX_BYTES="100000", UPLOAD_FILES_PER_HOUR="2",
                                        UPLOAD_BYTES_PER_HOUR="1000")

    def ask(tenant, size):
        body = json.dumps({"contentType": "text/csv", "size": size}).encode()
        answer = Response(limited.invoke(v2("/uploads", method="POST", tenant=tenant, body=body)))
        test_api.ANSWERS.append(("/uploads", answer.status, answer.json))
        return answer

    try:
        for attempt in range(2):  # the counters are per clock hour: a run across an hour's end is run again
            hour = int(time.time()) // 3600
            count, volume, other = f"count{attempt}{hour}", f"bytes{attempt}{hour}", f"other{attempt}{hour}"
            answers = [ask(count, 10) for _ in range(3)] + [ask(volume, 600), ask(volume, 600), ask(volume, 400)]
            untouched = ask(other, 10)
            if int(time.time()) // 3600 != hour:
                continue
            assert [a.status for a in answers] == [201, 201, 429, 201, 429, 201] and untouched.status == 201
            refused = answers[2]
            assert refused.json["error"] == "upload-quota"
            assert 0 < int(refused.headers["Retry-After"]) <= 3600
            assert ask(count, 2000).status == 429  # over the hour's bytes on its own
            return
        pytest.fail("two runs each crossed an hour's end")
    finally:
        limited.stop()
