"""Hand-written statements take a model's rule as the queryset writes it, and run
together as one statement."""

import pytest
from django.db.models import Q

from centres.models import Centre, KeyHolder
from centres.reads import condition, one_statement
from incidents.models import WORK_INJURY_PENDING, Incident
from tests.centres.factories import KeyHolderFactory

pytestmark = pytest.mark.django_db


def test_a_rule_is_the_querysets_where_clause_on_the_table_unaliased():
    sql, params = condition(Incident, WORK_INJURY_PENDING)
    assert sql.count('"incidents_incident".') == 4 and params == ("",)
    assert condition(Incident, WORK_INJURY_PENDING) is condition(Incident, WORK_INJURY_PENDING)


def test_a_rule_selects_the_rows_its_queryset_selects(world):
    briefed = KeyHolderFactory(organisation=world.org_a)
    unbriefed = KeyHolderFactory(organisation=world.org_a, safety_briefing=None)
    KeyHolderFactory(organisation=world.org_a, safety_briefing=None, active=False)
    rule = Q(active=True, safety_briefing__isnull=True)
    sql, params = condition(KeyHolder, rule)
    rows = KeyHolder.objects.raw(f"SELECT * FROM centres_keyholder WHERE {sql}", params)
    assert {h.pk for h in rows} == {unbriefed.pk} != {briefed.pk}
    assert set(KeyHolder.objects.without_safety_briefing()) == {unbriefed}


def test_a_rule_over_another_table_is_refused():
    with pytest.raises(ValueError, match="reaches beyond"):
        condition(Centre, Q(organisation__name="x"))


def test_rows_run_as_one_statement_by_name(world, django_assert_num_queries):
    with django_assert_num_queries(1):
        got = one_statement(
            (
                "SELECT count(*) AS centres FROM centres_centre WHERE organisation_id = %s",
                [world.org_a.pk],
            ),
            ("SELECT %s::int AS answer", [42]),
        )
    assert got == {"centres": 2, "answer": 42}


def test_a_figure_named_twice_is_refused():
    with pytest.raises(ValueError, match="named twice"):
        one_statement(("SELECT 1 AS n", []), ("SELECT 2 AS n", []))
