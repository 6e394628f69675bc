import pytest

from tests.incidents.permissions import extend_world


@pytest.fixture
def w(world):
    """The personas' world with this app's objects: an incident, follow-up item, ban and
    procedure at centre A."""
    return extend_world(world)
