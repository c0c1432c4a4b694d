"""The CI workflow's promises about what ships (.github/workflows/ci.yml): one build, in a job without AWS
credentials; the same artifact deployed to staging and then to production, production checking it is the one
staging passed; credentials only after the tools are installed and the artifact is unpacked; every action pinned by
commit; each deploy job in the environment whose name the bootstrap's role trusts."""
import re

import pytest
import yaml

from template_model import ROOT, load

WORKFLOW = ROOT / ".github" / "workflows" / "ci.yml"
CREDENTIALS = "aws-actions/configure-aws-credentials"


@pytest.fixture(scope="module")
def jobs():
    return yaml.safe_load(WORKFLOW.read_text())["jobs"]


def runs(job):
    return "\n".join(step.get("run", "") for step in job["steps"])


def uses(job):
    return [step["uses"].split("@")[0] for step in job["steps"] if "uses" in step]


def index_of(job, predicate):
    return next(i for i, step in enumerate(job["steps"]) if predicate(step))


def test_one_job_builds_and_it_holds_no_credentials(jobs):
    builders = [name for name, job in jobs.items() if "sam build" in runs(job)]
    assert builders == ["build"]
    build = jobs["build"]
    assert "id-token" not in build.get("permissions", {}) and CREDENTIALS not in uses(build)
    assert "environment" not in build and "secrets." not in WORKFLOW.read_text()
    for name, job in jobs.items():
        if name not in ("test", "build"):
            assert not re.search(r"sam build|sam package|swift build|make (package|release|build)", runs(job)), name


def test_staging_and_production_deploy_the_builds_artifact(jobs):
    [upload] = [s for s in jobs["build"]["steps"] if s.get("uses", "").startswith("actions/upload-artifact@")]
    for stage in ("staging", "production"):
        job = jobs[f"deploy-{stage}"]
        [download] = [s for s in job["steps"] if s.get("uses", "").startswith("actions/download-artifact@")]
        assert download["with"]["name"] == upload["with"]["name"]
        assert "sha256sum --check stack.tar.sha256" in runs(job)
        assert f"tools/deploy.py stack --stage {stage} --through-bootstrap --template .aws-sam/build/template.yaml" \
            in runs(job).replace("\n", " ")


def test_production_deploys_what_staging_passed(jobs):
    staging, production = jobs["deploy-staging"], jobs["deploy-production"]
    assert "deploy-staging" in production["needs"]
    assert staging["outputs"]["digest"] == "${{ steps.artifact.outputs.digest }}"
    [check] = [s for s in production["steps"] if "STAGING_DIGEST" in s.get("env", {})]
    assert check["env"]["STAGING_DIGEST"] == "${{ needs.deploy-staging.outputs.digest }}"
    assert 'test "$(cut -d\' \' -f1 stack.tar.sha256)" = "$STAGING_DIGEST"' in check["run"]
    # The smoke test runs after each deploy, so a failing staging stops production (it `needs` staging).
    for stage, job in (("staging", staging), ("production", production)):
        assert runs(job).index("tools/deploy.py stack") < runs(job).index(
            f"tools/smoke_test.py --stack daily-consumption-{stage}")


def test_credentials_come_last_and_only_from_the_environments_role(jobs):
    for stage in ("staging", "production"):
        job = jobs[f"deploy-{stage}"]
        assert job["environment"] == stage and job["permissions"]["id-token"] == "write"
        credentials = index_of(job, lambda s: s.get("uses", "").startswith(CREDENTIALS))
        assert credentials > index_of(job, lambda s: "--require-hashes" in s.get("run", ""))
        assert credentials > index_of(job, lambda s: "tar -C .aws-sam -xf" in s.get("run", ""))
        assert job["steps"][credentials]["with"]["role-to-assume"] == "${{ vars.AWS_DEPLOY_ROLE_ARN }}"


def test_the_environments_are_the_stages_the_bootstrap_trusts(jobs):
    stages = load((ROOT / "deploy" / "bootstrap.yaml").read_text())["Parameters"]["Stages"]["Default"].split(",")
    assert sorted(job["environment"] for job in jobs.values() if "environment" in job) == sorted(stages)


def test_every_action_is_pinned_by_commit(jobs):
    steps = [s for job in jobs.values() for s in job["steps"] if "uses" in s]
    assert steps
    for step in steps:
        assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", step["uses"]), step["uses"]
