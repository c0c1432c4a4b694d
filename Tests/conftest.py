import pytest

from rig import Moto, Stack


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
