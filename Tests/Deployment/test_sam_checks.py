"""The template through the tools that judge it, offline and without credentials: `sam validate` (needs a region
only), `sam validate --lint`, cfn-lint pinned, and `sam build --build-in-source`, which runs the Makefile's
build-IngestFunction and build-QueryFunction targets. Each catches mistakes the others miss (../shared/local-aws.md).
The workflow file is checked against GitHub's workflow schema."""
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SAM_BIN = Path(os.environ.get("SAM_VENV", ROOT / ".venv-sam")) / "bin"
CLEAN = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"), "SAM_CLI_TELEMETRY": "0",
         "LANG": "C.UTF-8"}


def run(args, env=None, cwd=ROOT, timeout=600):
    done = subprocess.run(args, cwd=cwd, env={**CLEAN, **(env or {})}, capture_output=True, text=True, timeout=timeout)
    return done.returncode, done.stdout + done.stderr


@pytest.fixture(scope="module", autouse=True)
def tools_present():
    assert (SAM_BIN / "sam").exists(), "make test installs aws-sam-cli into .venv-sam"


def test_sam_validate_with_a_region_and_no_credentials():
    code, output = run([str(SAM_BIN / "sam"), "validate", "--template", "template.yaml"],
                       env={"AWS_DEFAULT_REGION": "eu-west-1"})
    assert code == 0, output


def test_sam_validate_lint():
    code, output = run([str(SAM_BIN / "sam"), "validate", "--lint", "--template", "template.yaml"])
    assert code == 0, output


def test_cfn_lint_finds_no_error():
    code, output = run([str(SAM_BIN / "cfn-lint"), "--non-zero-exit-code", "error", "template.yaml"])
    assert code == 0, output


def test_a_broken_template_is_caught(tmp_path):
    broken = tmp_path / "template.yaml"
    broken.write_text((ROOT / "template.yaml").read_text().replace("!GetAtt IngestQueue.Arn", "!GetAtt IngestQueu.Arn", 1))
    code, output = run([str(SAM_BIN / "cfn-lint"), "--non-zero-exit-code", "error", str(broken)])
    assert code != 0 and "IngestQueu" in output


def test_sam_build_makes_every_functions_bootstrap_offline(tmp_path):
    build = tmp_path / "build"
    code, output = run([str(SAM_BIN / "sam"), "build", "--build-in-source", "--build-dir", str(build),
                        "--cache-dir", str(tmp_path / "cache")], env={"AWS_DEFAULT_REGION": "eu-west-1"}, timeout=1200)
    assert code == 0, output
    for function in ("IngestFunction", "AnalyticsFunction", "QueryFunction"):
        bootstrap = build / function / "bootstrap"
        assert bootstrap.exists() and os.access(bootstrap, os.X_OK), function
    assert (build / "QueryFunction" / "openapi.json").exists()
    # The analytics function is the ingest function's code, zone files and all.
    assert (build / "AnalyticsFunction" / "bootstrap").read_bytes() == (build / "IngestFunction" / "bootstrap").read_bytes()
    shutil.rmtree(build)


def test_the_workflow_matches_githubs_schema():
    checker = ROOT / ".venv" / "bin" / "check-jsonschema"
    code, output = run([str(checker), "--builtin-schema", "vendor.github-workflows", ".github/workflows/ci.yml"])
    assert code == 0, output
