"""`__in` with a list of whole numbers or strings goes to PostgreSQL as one array
(config.lookups); other values keep Django's IN list. Either way the same rows."""

import datetime

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from centres.models import Centre, Organisation, User
from incidents.models import Incident
from tests.factories import CentreFactory, OrganisationFactory


@pytest.fixture
def centres(db):
    organisation = OrganisationFactory()
    return [CentreFactory(organisation=organisation, name=f"Sted {i}") for i in range(6)]


def sql_of(queryset):
    with CaptureQueriesContext(connection) as queries:
        list(queryset.all())
    [query] = queries.captured_queries
    return query["sql"]


def test_numbers_strings_and_related_objects_are_one_array(centres):
    ids = [c.pk for c in centres]
    numbers = Centre.objects.filter(pk__in=[ids[0], ids[2], ids[2], None])
    assert {c.pk for c in numbers} == {ids[0], ids[2]}
    assert "= ANY(" in sql_of(numbers) and " IN (" not in sql_of(numbers)

    names = Centre.objects.filter(name__in=["Sted 1", "Sted 4", "Sted 9"])
    assert sorted(c.name for c in names) == ["Sted 1", "Sted 4"]
    assert "= ANY(" in sql_of(names)

    organisations = Organisation.objects.filter(centres__in=centres[:2]).distinct()
    assert list(organisations) == [centres[0].organisation]
    assert "= ANY(" in sql_of(organisations)


def test_empty_none_only_and_excluded_lists_mean_what_they_did(centres):
    with CaptureQueriesContext(connection) as queries:
        assert list(Centre.objects.filter(pk__in=[])) == []
        assert list(Centre.objects.filter(pk__in=[None])) == []
    assert queries.captured_queries == []
    everyone = Centre.objects.count()
    assert Centre.objects.exclude(pk__in=[centres[0].pk]).count() == everyone - 1
    assert Centre.objects.exclude(pk__in=[None]).count() == everyone
    either = Centre.objects.filter(Q(pk__in=[]) | Q(name__in=["Sted 3"]))
    assert [c.name for c in either] == ["Sted 3"]


def test_other_values_and_querysets_keep_djangos_sql(world):
    dates = Incident.objects.filter(occurred_at__date__in=[datetime.date(2026, 11, 2)])
    assert " IN (" in sql_of(dates)
    flags = User.objects.filter(is_active__in=[True])
    assert " IN (" in sql_of(flags) and flags.count() == User.objects.count()
    mixed = Centre.objects.filter(pk__in=[world.centre_a.pk, str(world.centre_b.pk)])
    assert {c.pk for c in mixed} == {world.centre_a.pk, world.centre_b.pk}
    subquery = Incident.objects.filter(centre__in=Centre.objects.filter(name="Zentrum"))
    assert "IN (SELECT" in sql_of(subquery)
    one = Centre.objects.filter(pk__in=[world.centre_z.pk])
    assert " IN (" in sql_of(one) and [c.name for c in one] == ["Zentrum"]


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(picks=st.lists(st.one_of(st.none(), st.integers(0, 7)), max_size=12))
def test_the_same_centres_as_python_picks_them(centres, picks):
    ids = [c.pk for c in centres]
    wanted = [None if i is None else (ids[i] if i < len(ids) else 10**12 + i) for i in picks]
    found = set(Centre.objects.filter(pk__in=wanted).values_list("pk", flat=True))
    assert found == {pk for pk in ids if pk in wanted}
    left = set(
        Centre.objects.filter(pk__in=ids).exclude(pk__in=wanted).values_list("pk", flat=True)
    )
    assert left == {pk for pk in ids if pk not in wanted}
