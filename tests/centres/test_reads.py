"""Hand-written statements take a model's rule as the queryset writes it, and run
together in one round trip or as one statement."""

import pytest
from django.db.models import Q

from centres import reads
from centres.models import Centre, KeyHolder
from centres.reads import Read, condition, one_statement, reader, together
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


def centres_of(organisation):
    return Read(
        "SELECT count(*) FROM centres_centre WHERE organisation_id = %(org)s",
        {"org": organisation.pk},
        lambda cursor: cursor.fetchone()[0],
    )


def test_reads_run_together_in_one_round_trip_in_order(world, django_assert_num_queries):
    with django_assert_num_queries(1):
        got = together(
            centres_of(world.org_a),  # the same parameter name, another value
            centres_of(world.org_z),
            Read("SELECT %s::text || '%%', %s::int", ["50", 7]),
            Read("SELECT 1 WHERE false"),
        )
    assert got == [2, 1, [("50%", 7)], []]


def test_with_server_side_binding_reads_run_one_by_one(
    world, monkeypatch, django_assert_num_queries
):
    monkeypatch.setattr(reads, "_binds_client_side", lambda cursor: False)
    with django_assert_num_queries(2):
        assert together(centres_of(world.org_a), centres_of(world.org_z)) == [2, 1]


def test_nothing_to_read_sends_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert together() == []


@reader
def doubled(value):
    return Read("SELECT %s::int", [value]).then(lambda rows: 2 * rows[0][0])


def test_a_reader_runs_its_read_or_gives_it_to_run_with_others(django_assert_num_queries):
    assert isinstance(doubled.read(4), Read)
    with django_assert_num_queries(1):
        assert doubled(4) == 8
    assert doubled.read(4).value() == 8
    with django_assert_num_queries(1):
        assert together(doubled.read(1), doubled.read(2)) == [2, 4]
