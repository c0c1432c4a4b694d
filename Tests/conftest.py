import sys
from pathlib import Path

import pytest

# The local stack and the oracle, shared by the ingest and query suites (and the benchmarks).
sys.path.insert(0, str(Path(__file__).resolve().parent / "Harness"))

from stack import Moto, Stack  # noqa: E402


@pytest.fixture(scope="session")
def moto(tmp_path_factory):
    server = Moto(tmp_path_factory.mktemp("moto"))
    yield server
    server.stop()


@pytest.fixture
def stack(moto):
    started = Stack(moto)
    yield started
    started.close()


@pytest.fixture
def function(stack):
    started = stack.function()
    yield started
    started.stop()
