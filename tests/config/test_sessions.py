"""Sessions renewed with one UPDATE (config.sessions), with Django's behaviour kept."""

import datetime

import pytest
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.models import Session
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from config.sessions import SessionStore

pytestmark = pytest.mark.django_db


def test_a_renewal_is_one_statement_that_moves_the_expiry():
    store = SessionStore()
    store["note"] = "first"
    store.create()
    Session.objects.filter(pk=store.session_key).update(expire_date=timezone.now())
    store["note"] = "second"
    with CaptureQueriesContext(connection) as queries:
        store.save()
    assert [q["sql"].split()[0] for q in queries.captured_queries] == ["UPDATE"]
    row = Session.objects.get(pk=store.session_key)
    assert SessionStore(store.session_key).load() == {"note": "second"}
    assert row.expire_date > timezone.now() + datetime.timedelta(minutes=29)


def test_a_session_ended_meanwhile_is_not_brought_back():
    store = SessionStore()
    store.create()
    Session.objects.filter(pk=store.session_key).delete()
    with pytest.raises(UpdateError):
        store.save()
    assert not Session.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_session_committed_as_it_is_is_not_written_again():
    store = SessionStore()
    store.create()
    with transaction.atomic():
        store["note"] = "tapped"
        store.save()
    with CaptureQueriesContext(connection) as queries:
        store.save()
    assert queries.captured_queries == []
    store["note"] = "undone"
    with CaptureQueriesContext(connection) as queries:
        store.save()
    assert len(queries.captured_queries) == 1


class Refused(Exception):
    pass


@pytest.mark.django_db(transaction=True)
def test_a_session_save_rolled_back_is_written_again():
    store = SessionStore()
    store.create()
    with pytest.raises(Refused), transaction.atomic():
        store["note"] = "tapped"
        store.save()
        raise Refused
    store.save()
    assert SessionStore(store.session_key).load() == {"note": "tapped"}
