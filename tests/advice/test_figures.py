"""Figures: counted in SQL, equal to a plain recount, constant queries, small cells hidden."""

import csv
import datetime
import io
import zipfile

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advice import stats
from advice.models import (
    Channel,
    Contact,
    ContactTopic,
    Duration,
    HelperRole,
    MeetingTally,
    Outcome,
    Topic,
)
from advice.services import meeting_count
from centres.suppression import Published
from tests.suppression_support import check

pytestmark = pytest.mark.any_day

D = datetime.date
URL = "/advice/figures/"


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 6, 15, 10, 0), tick=False):
        yield


def make_contacts(world, specs):
    """specs: (centre index, date, topic indexes, channel, role, duration, outcome, new)."""
    topics = list(Topic.objects.ensure_defaults(world.org_a).order_by("position"))
    centres = [world.centre_a, world.centre_b]
    contacts = Contact.objects.bulk_create(
        [
            Contact(
                centre=centres[c],
                date=day,
                channel=channel,
                helper_role=role,
                duration=duration,
                outcome=outcome,
                new_to_service=new,
            )
            for c, day, _t, channel, role, duration, outcome, new in specs
        ]
    )
    ContactTopic.objects.bulk_create(
        [
            ContactTopic(contact=contact, topic=topics[i])
            for contact, spec in zip(contacts, specs, strict=True)
            for i in set(spec[2])
        ]
    )
    return topics


def compute(world, start, end, suppressed=False, threshold=5):
    return stats.compute(
        contacts=Contact.objects.filter(centre__organisation=world.org_a),
        meetings=MeetingTally.objects.filter(centre__organisation=world.org_a),
        centres=[world.centre_a, world.centre_b],
        organisation_id=world.org_a.pk,
        start=start,
        end=end,
        suppressed=suppressed,
        threshold=threshold if suppressed else None,
    )


spec = st.tuples(
    st.integers(0, 1),
    st.dates(min_value=D(2025, 11, 1), max_value=D(2026, 4, 30)),
    st.lists(st.integers(0, 13), min_size=1, max_size=3),
    st.sampled_from(Channel.values),
    st.sampled_from(HelperRole.values),
    st.sampled_from(Duration.values),
    st.sampled_from(Outcome.values),
    st.booleans(),
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(specs=st.lists(spec, max_size=40))
def test_figures_agree_with_a_plain_recount(world, specs):
    ContactTopic.objects.all().delete()
    Contact.objects.all().delete()
    topics = make_contacts(world, specs)
    start, end = D(2025, 12, 1), D(2026, 3, 31)
    inside = [s for s in specs if start <= s[1] <= end]
    figures = compute(world, start, end)

    assert figures.total == len(inside)
    topic_rows = {row.label: row for row in figures.table("topics").rows}
    for i, topic in enumerate(topics):
        expected = sum(1 for s in inside if i in s[2])
        assert topic_rows[topic.label].count == expected
        if inside:
            assert topic_rows[topic.label].share == pytest.approx(100 * expected / len(inside))
    for key, position in [("channel", 3), ("helper_role", 4), ("duration", 5), ("outcome", 6)]:
        table = figures.table(key)
        choices = dict(
            stats.CHOICE_TABLES[[k for k, *_ in stats.CHOICE_TABLES].index(key)][2].choices
        )
        counted = {str(row.label): row.count for row in table.rows}
        for value, label in choices.items():
            assert counted[str(label)] == sum(1 for s in inside if s[position] == value)
        assert table.total == len(inside)
    new = figures.table("new_to_service").rows
    assert new[0].count == sum(1 for s in inside if s[7])
    centre_rows = figures.table("centre").rows
    assert [r.count for r in centre_rows] == [sum(1 for s in inside if s[0] == c) for c in (0, 1)]
    assert [m.month for m in figures.months] == [
        D(2025, 12, 1),
        D(2026, 1, 1),
        D(2026, 2, 1),
        D(2026, 3, 1),
    ]
    assert [m.contacts for m in figures.months] == [
        sum(1 for s in inside if (s[1].year, s[1].month) == (m.year, m.month))
        for m in (D(2025, 12, 1), D(2026, 1, 1), D(2026, 2, 1), D(2026, 3, 1))
    ]


def test_no_show_rate_counts_held_and_no_shows_not_cancellations(world):
    for result, n in [("held", 12), ("no_show", 3), ("cancelled", 5)]:
        for _ in range(n):
            meeting_count(
                centre=world.centre_a, service="job_centre", day=D(2026, 2, 3), result=result
            )
    figures = compute(world, D(2026, 1, 1), D(2026, 3, 31))
    assert figures.no_show_rate == pytest.approx(20.0)
    feb = figures.months[1]
    assert (feb.held, feb.no_show, feb.cancelled) == (12, 3, 5)


def busy(world, n):
    specs = [
        (
            i % 2,
            D(2026, 1 + i % 5, 1 + i % 27),
            [i % 14, (i * 3) % 14],
            Channel.values[i % 5],
            HelperRole.values[i % 6],
            Duration.values[i % 4],
            Outcome.values[i % 4],
            i % 3 == 0,
        )
        for i in range(n)
    ]
    make_contacts(world, specs)
    for i in range(n // 10):
        meeting_count(
            centre=world.centre_a, service="job_centre", day=D(2026, 1 + i % 5, 2), result="held"
        )


def test_figures_page_keeps_a_constant_query_count(world, client_for):
    client = client_for(world.leader)
    busy(world, 5)
    client.get(URL)
    with CaptureQueriesContext(connection) as few:
        response = client.get(URL)
    assert response.status_code == 200
    busy(world, 300)
    with CaptureQueriesContext(connection) as many:
        client.get(URL)
    assert len(many) == len(few) <= 14


def test_staff_see_their_centres_only_unsuppressed(world, client_for):
    busy(world, 40)
    figures = client_for(world.staff_a).get(URL).context["figures"]
    assert figures.total == 20
    assert not figures.suppressed
    assert [row.label for row in figures.table("centre").rows] == ["Værestedet 76F"]
    assert any(row.count is not None and row.count < 3 for row in figures.table("topics").rows)


def test_association_sees_whole_years_with_small_cells_hidden(world, client_for):
    busy(world, 20)
    response = client_for(world.association).get(URL)
    figures = response.context["figures"]
    assert figures.suppressed
    assert (figures.start, figures.end) == (D(2026, 1, 1), D(2026, 5, 31))
    assert "centre" not in response.context["form"].fields
    # The organisation's threshold, 5 unless its leader asked for another.
    assert figures.threshold == 5
    content = response.content.decode()
    assert "skjult" in content
    assert "Tal under 5 vises som “skjult”, ligesom tal, de kan regnes ud fra" in content
    for table in figures.tables:
        assert all(row.count is None or row.count >= 5 for row in table.rows)


def test_the_association_sees_figures_hidden_under_its_organisations_threshold(world, client_for):
    busy(world, 40)
    world.org_a.small_cell_threshold = 3
    world.org_a.save()
    figures = client_for(world.association).get(URL).context["figures"]
    assert figures.threshold == 3
    counts = [row.count for table in figures.tables for row in table.rows]
    assert any(c is not None and 3 <= c < 5 for c in counts)
    assert all(c is None or c >= 3 for c in counts)


def test_association_cannot_narrow_to_a_centre_or_a_day(world, client_for):
    busy(world, 40)
    response = client_for(world.association).get(
        URL, {"start": "2026-02-01", "end": "2026-02-01", "centre": world.centre_a.pk}
    )
    figures = response.context["figures"]
    assert (figures.start, figures.end) == (D(2026, 1, 1), D(2026, 5, 31))
    assert len(figures.table("centre").rows) == 2


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        (
            {"start": "2026-05-01", "end": "2026-04-01"},
            "end",
            "Sidste dag kan ikke ligge før første dag.",
        ),
        ({"start": "2015-01-01", "end": "2026-04-01"}, "end", "Vælg en periode på højst fem år."),
        ({"start": "i går"}, "start", "Indtast en gyldig dato."),
        ({"helper_role": "wizard"}, "helper_role", "valgmulighed"),
    ],
)
def test_bad_filters_get_a_danish_message(world, client_for, params, field, message):
    response = client_for(world.leader).get(URL, params)
    assert response.status_code == 200
    assert response.context["figures"] is None
    assert message in " ".join(response.context["form"].errors[field])


def test_filters_narrow_by_centre_and_role(world, client_for):
    busy(world, 60)
    response = client_for(world.leader).get(
        URL,
        {
            "start": "2026-01-01",
            "end": "2026-05-31",
            "centre": world.centre_b.pk,
            "helper_role": "volunteer",
        },
    )
    figures = response.context["figures"]
    expected = Contact.objects.filter(centre=world.centre_b, helper_role="volunteer").count()
    assert figures.total == expected > 0


def test_csv_export_is_for_danish_excel_with_small_cells_hidden(world, client_for):
    busy(world, 40)
    response = client_for(world.leader).get(
        "/advice/figures.csv", {"start": "2026-01-01", "end": "2026-05-31"}
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    body = response.content
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert rows[1] == ["Kontakter", "40"]
    flat = [cell for row in rows for cell in row]
    assert "skjult" in flat
    assert rows[-1] == [
        "Tal under 5 er skjult, ligesom tal, de kan regnes ud fra, så ingen kan genkendes."
    ]
    assert any("," in cell and cell.replace(",", "").isdigit() for cell in flat)


def test_xlsx_export_hides_small_cells(world, client_for):
    busy(world, 40)
    response = client_for(world.leader).get("/advice/figures.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    with zipfile.ZipFile(io.BytesIO(response.content)) as workbook:
        strings = workbook.read("xl/sharedStrings.xml").decode()
    assert "<t>skjult</t>" in strings
    assert "Rådgivningstal" in strings


def test_export_of_bad_filters_goes_back_to_the_page(world, client_for):
    response = client_for(world.leader).get("/advice/figures.csv", {"start": "x"})
    assert response.status_code == 302


def test_another_organisations_leader_counts_nothing_of_ours(world, client_for):
    busy(world, 30)
    figures = client_for(world.other_leader).get(URL).context["figures"]
    assert figures.total == 0
    assert [row.label for row in figures.table("centre").rows] == ["Zentrum"]


def assert_safe(true_values, shown_values, true_total, shown_total, threshold):
    """Nothing small shown, what is shown is true, and the solver of
    tests/centres/test_suppression.py works out no hidden count from the line's total."""
    table = [[v] for v in true_values]
    shown = Published(
        cells=[[v] for v in shown_values],
        row_totals=None,
        column_totals=[shown_total],
        grand_total=None,
    )
    check(table, threshold, shown, column_totals=[true_total])


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(specs=st.lists(spec, max_size=30), threshold=st.integers(3, 6))
def test_what_the_association_sees_never_gives_away_a_small_number(world, specs, threshold):
    ContactTopic.objects.all().delete()
    Contact.objects.all().delete()
    make_contacts(world, specs)
    start, end = D(2025, 12, 1), D(2026, 3, 31)
    true = compute(world, start, end)
    shown = compute(world, start, end, suppressed=True, threshold=threshold)
    for true_table, shown_table in zip(true.tables, shown.tables, strict=True):
        true_counts = [r.count for r in true_table.rows]
        shown_counts = [r.count for r in shown_table.rows]
        # Topics need not add up to the contacts (a contact can have several) but are
        # protected as if they did.
        assert_safe(true_counts, shown_counts, true.total, shown_table.total, threshold)
        assert all(r.share is None for r in shown_table.rows if r.count is None), (
            "a share would give the hidden count away"
        )
    for name in ("contacts", "held", "no_show", "cancelled"):
        assert_safe(
            [getattr(m, name) for m in true.months],
            [getattr(m, name) for m in shown.months],
            getattr(true.month_totals, name),
            getattr(shown.month_totals, name),
            threshold,
        )
    # Monthly new contacts would add up to a new-to-service count the table may hide.
    assert all(m.new is None for m in [*shown.months, shown.month_totals])
