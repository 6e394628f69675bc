import pytest
import time_machine

from tests.config.todo_support import NOW


@pytest.fixture
def todo_day():
    """The clock at the to-do tests' day (tests/config/todo_support.py), standing still."""
    with time_machine.travel(NOW, tick=False):
        yield
