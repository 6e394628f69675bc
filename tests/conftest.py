"""Personas: who is who in every test.

Organisation A runs centres A and B. Alice leads it; Bob works at centre A; Carol at
centre B; Otto is an outreach worker at centre A; Asta sits on the user association.
Organisation Z runs centre Z; its leader Zoe must see nothing of A's.
"""

from dataclasses import dataclass

import pytest
from django_otp import DEVICE_ID_SESSION_KEY

from centres.models import Role
from tests.factories import (
    CentreFactory,
    OrganisationFactory,
    TOTPDeviceFactory,
    UserFactory,
    app_device_for,
)
from tests.queue_support import run_due_jobs

pytest_plugins = ["tests.browser_support", "tests.clock_support"]


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    from tests.browser_support import browser_tests_last

    browser_tests_last(items)


@dataclass
class World:
    org_a: object
    org_z: object
    centre_a: object
    centre_b: object
    centre_z: object
    leader: object
    staff_a: object
    staff_b: object
    outreach: object
    association: object
    other_leader: object

    def persona(self, name):
        return None if name == "anonymous" else getattr(self, name)


PERSONAS = [
    "anonymous",
    "staff_a",
    "staff_b",
    "leader",
    "outreach",
    "association",
    "other_leader",
]


def restore_work_injury_rules():
    """A transactional test empties every table, the rules of the data migration too."""
    from importlib import import_module

    from django.apps import apps

    migration = import_module("incidents.migrations.0008_work_injury_rules_of_2022")
    migration.add_rules(apps, None)


@pytest.fixture
def world(db):
    restore_work_injury_rules()
    org_a = OrganisationFactory(name="Banebryderne")
    org_z = OrganisationFactory(name="Et andet sted")
    centre_a = CentreFactory(organisation=org_a, name="Værestedet 76F")
    centre_b = CentreFactory(organisation=org_a, name="Værestedet Frederiksgade")
    centre_z = CentreFactory(organisation=org_z, name="Zentrum")
    world = World(
        org_a=org_a,
        org_z=org_z,
        centre_a=centre_a,
        centre_b=centre_b,
        centre_z=centre_z,
        leader=UserFactory(
            username="alice", first_name="Alice", organisation=org_a, role=Role.LEADER
        ),
        staff_a=UserFactory(
            username="bob", first_name="Bob", organisation=org_a, centres=[centre_a]
        ),
        staff_b=UserFactory(
            username="carol", first_name="Carol", organisation=org_a, centres=[centre_b]
        ),
        outreach=UserFactory(
            username="otto",
            first_name="Otto",
            organisation=org_a,
            role=Role.OUTREACH,
            centres=[centre_a],
        ),
        association=UserFactory(
            username="asta", first_name="Asta", organisation=org_a, role=Role.ASSOCIATION
        ),
        other_leader=UserFactory(
            username="zoe", first_name="Zoe", organisation=org_z, role=Role.LEADER
        ),
    )
    # Leaders must sign in with a code from an authenticator app.
    for leader in (world.leader, world.other_leader):
        TOTPDeviceFactory(user=leader)
    return world


@pytest.fixture
def client_for(client):
    """Return a client signed in as the given user (None: anonymous), past two-factor
    sign-in for those who must use it."""

    def sign_in(user):
        client.logout()
        if user is not None:
            client.force_login(user)
            if user.requires_two_factor:
                session = client.session
                session[DEVICE_ID_SESSION_KEY] = app_device_for(user).persistent_id
                session.save()
        return client

    return sign_in


@pytest.fixture(autouse=True)
def queue():
    """Every test defers its jobs (mail, centres.mail) to a queue in memory: see
    `run_jobs` to run them. Tests of the real queue in the database put the app's own
    connector back (tests/centres/test_queue*.py)."""
    from procrastinate import testing
    from procrastinate.contrib.django import procrastinate_app

    with procrastinate_app.current_app.replace_connector(testing.InMemoryConnector()) as app:
        yield app


@pytest.fixture
def run_jobs(queue):
    """Call to run the jobs due, as a worker would, until none is left."""
    return run_due_jobs
