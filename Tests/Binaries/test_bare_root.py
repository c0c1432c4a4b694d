"""The zips as they land on Lambda, proven on a bare system (tools/bare_root.py: glibc and gcc's runtime from this
machine standing in for provided.al2023's, the unpacked zip, a decoy libcurl where Amazon Linux keeps its own, no
libcurl, OpenSSL or CA bundle of the system). Each bootstrap runs there under the Runtime API emulator, with Lambda's
LD_LIBRARY_PATH, and its invocation reaches moto with SigV4, over HTTP and over TLS."""
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import bare_root
import pytest
from apigw import Response, v2
from oracle import wide_file
from rig import FaultProxy, sqs_event

PACKAGES = Path(__file__).resolve().parents[2] / ".build" / "package"

pytestmark = pytest.mark.skipif(not bare_root.user_namespaces_work(),
                                reason="this kernel forbids unprivileged user namespaces (unshare --user)")


def in_root(tmp_path, function, leave_out=None):
    root, launcher = bare_root.build(PACKAGES / f"{function}.zip", tmp_path, leave_out)
    return root, bare_root.environment(launcher)


def test_the_ingest_zip_runs_on_a_bare_root(stack, tmp_path):
    _, settings = in_root(tmp_path, "ingest")
    stack.put("incoming/acme/a.csv", wide_file([("m1", "2024-05-01", ["0.125"] * 48)]))
    function = stack.function(**settings)
    try:
        answer = function.invoke(sqs_event(stack.messages()))
    finally:
        function.stop()
    assert answer["outcome"] == "ok", answer
    assert answer["json"] == {"batchItemFailures": []}
    assert stack.totals("acme") == {"2024-05-01": (Decimal("6"), 1)}


def test_the_query_zip_runs_on_a_bare_root(stack, tmp_path):
    stack.put("incoming/acme/a.csv", wide_file([("m1", "2024-05-01", ["0.5"] * 48)]))
    ingest = stack.function()
    try:
        ingest.invoke(sqs_event(stack.messages()))
    finally:
        ingest.stop()
    stack.fold()
    _, settings = in_root(tmp_path, "query")
    query = stack.query_function(OPENAPI_PATH="/var/task/openapi.json", GRAPHQL_SCHEMA_PATH="/var/task/schema.graphql",
                                 DASHBOARD_PATH="/var/task/dashboard.html",
                                 **settings)
    try:
        day = Response(query.invoke(v2("/consumption/2024-05-01", tenant="acme")))
        spec = Response(query.invoke(v2("/openapi.json", tenant="acme")))
    finally:
        query.stop()
    assert day.status == 200 and day.json["total"] == "24" and day.json["meters"] == 1
    assert spec.status == 200


def test_a_library_left_out_of_lib_fails_the_start(stack, tmp_path):
    _, settings = in_root(tmp_path, "ingest", leave_out="libnghttp2.so.14")
    function = stack.function(**settings)
    try:
        answer = function.invoke(sqs_event([]))
        log = function.log_text()
    finally:
        function.stop()
    assert answer["outcome"] != "ok", answer
    assert "libnghttp2.so.14" in log


@pytest.fixture(scope="module")
def certificates(tmp_path_factory):
    """A test CA and a certificate for 127.0.0.1 signed by it (openssl's command line)."""
    folder = tmp_path_factory.mktemp("tls")

    def openssl(*arguments):
        subprocess.run(["openssl", *arguments], cwd=folder, check=True, capture_output=True)

    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "2",
            "-subj", "/CN=daily-consumption test CA")
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr",
            "-subj", "/CN=127.0.0.1")
    (folder / "san.cnf").write_text("subjectAltName=IP:127.0.0.1\n")
    openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
            "-out", "server.crt", "-days", "2", "-extfile", "san.cnf")
    return folder


@pytest.mark.parametrize("trusted_by", ["amazon-linux-bundle", "shipped-bundle", "nothing"])
def test_tls_is_verified_against_amazon_linuxs_bundle_else_the_shipped_one(stack, tmp_path, certificates, trusted_by):
    """Debian's libcurl looks for Debian's CA path, which Amazon Linux lacks: the function names a bundle itself."""
    root, settings = in_root(tmp_path, "ingest")
    if trusted_by == "amazon-linux-bundle":
        (root / "etc/pki/tls/certs").mkdir(parents=True)
        shutil.copy(certificates / "ca.crt", root / "etc/pki/tls/certs/ca-bundle.crt")
    if trusted_by == "shipped-bundle":
        shutil.copy(certificates / "ca.crt", root / "var/task/ca-certificates.crt")
    proxy = FaultProxy(stack.moto, tls=(certificates / "server.crt", certificates / "server.key"))
    stack.put("incoming/acme/a.csv", wide_file([("m1", "2024-05-01", ["1"] * 48)]))
    function = stack.function(AWS_ENDPOINT_URL=proxy.endpoint, **settings)
    try:
        records = stack.messages()
        answer = function.invoke(sqs_event(records))
        log = function.log_text()
    finally:
        function.stop()
        proxy.stop()
    assert proxy.endpoint.startswith("https://")
    if trusted_by == "nothing":
        assert answer["json"] == {"batchItemFailures": [{"itemIdentifier": records[0]["messageId"]}]}
        assert re.search(r"certificate|SSL|TLS", log), log[-2000:]
    else:
        assert answer["json"] == {"batchItemFailures": []}, log[-2000:]
        assert stack.totals("acme") == {"2024-05-01": (Decimal("48"), 1)}
