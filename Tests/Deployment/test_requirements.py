"""The deploy tools install from locks: tools/requirements/NAME.in says what people ask for,
NAME.txt (compiled from it by pip-compile, as its header says) pins every package of the closure to one version with
PyPI's sha256 hashes, and nothing installs a lock without `--require-hashes`, so pip refuses any file the lock does not
name. pip.txt comes first in each venv: a pip older than 23.3 fails --require-hashes on requirements with extras."""
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REQUIREMENTS = ROOT / "tools" / "requirements"
LOCKS = ("pip", "deploy")
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([A-Za-z0-9.+!-]+)$")
HASH = re.compile(r"^--hash=sha256:[0-9a-f]{64}$")


def entries(path):
    """Each requirement of a requirements file as its words, continuation lines joined and comments dropped."""
    text = re.sub(r"\\\n", " ", path.read_text())
    return [line.split("#", 1)[0].split() for line in text.splitlines() if line.split("#", 1)[0].strip()]


def pins(name):
    matches = [PIN.match(words[0]) for words in entries(REQUIREMENTS / f"{name}.txt")]
    return {match.group(1).lower(): match.group(2) for match in matches}


def canonical(name):
    return re.sub(r"[-_.]+", "-", name).lower()


@pytest.mark.parametrize("name", LOCKS)
def test_every_line_of_a_lock_is_one_version_with_its_hashes(name):
    lock = entries(REQUIREMENTS / f"{name}.txt")
    assert lock, name
    for words in lock:
        assert PIN.match(words[0]), f"{name}.txt: {words[0]} is not name==version"
        hashes = words[1:]
        assert hashes and all(HASH.match(word) for word in hashes), f"{name}.txt: {words[0]} has {hashes}"


@pytest.mark.parametrize("name", LOCKS)
def test_a_lock_is_compiled_from_its_input_as_it_is_now(name):
    locked = {canonical(package): version for package, version in pins(name).items()}
    header = (REQUIREMENTS / f"{name}.txt").read_text().split("\n\n", 1)[0]
    assert "pip-compile" in header and "--generate-hashes" in header and f"{name}.in" in header
    for words in entries(REQUIREMENTS / f"{name}.in"):
        wanted = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^]]*\])?(.*)$", words[0])
        package, spec = canonical(wanted.group(1)), wanted.group(2)
        assert package in locked, f"{name}.in asks for {package}; regenerate {name}.txt"
        if spec.startswith("=="):
            assert locked[package] == spec[2:], f"{name}.in pins {words[0]}, {name}.txt has {locked[package]}"


def test_the_deploy_lock_has_the_pinned_tools_and_boto3():
    deploy = {canonical(package): version for package, version in pins("deploy").items()}
    assert deploy["aws-sam-cli"] == "1.170.0" and deploy["cfn-lint"] == "1.58.0"
    assert "boto3" in deploy and "botocore" in deploy


def test_the_makefile_installs_each_lock_with_require_hashes_after_the_pip_lock():
    makefile = (ROOT / "Makefile").read_text()
    # test.txt and bench.txt (the test and bench venvs) are pinned lists, not locks yet.
    installs = [line.strip() for line in makefile.splitlines()
                if "pip install" in line and any(f"tools/requirements/{name}.txt" in line for name in LOCKS)]
    assert len(installs) == 2 and all("--require-hashes" in line for line in installs), installs
    for venv, lock in (("SAM_VENV", "deploy"),):
        rule = re.search(rf"^\$\({venv}\)/installed: (.*)\n((?:\t.*\n)+)", makefile, re.M)
        assert rule, venv
        prerequisites = rule.group(1).split()
        assert f"tools/requirements/{lock}.txt" in prerequisites and "tools/requirements/pip.txt" in prerequisites
        recipe = rule.group(2)
        assert recipe.index("-r tools/requirements/pip.txt") < recipe.index(f"-r tools/requirements/{lock}.txt")


def test_the_workflow_installs_the_deploy_tools_only_from_the_locks():
    workflow = (ROOT / ".github" / "workflows" / "ci.yml").read_text()
    installs = [line.strip() for line in workflow.splitlines() if "pip install" in line]
    assert installs, "the deploy jobs install the deploy tools"
    assert all("--require-hashes" in line and re.search(r"-r tools/requirements/(pip|deploy)\.txt$", line)
               for line in installs), installs
    assert workflow.index("-r tools/requirements/pip.txt") < workflow.index("-r tools/requirements/deploy.txt")
