"""The report pack for sharing outside the organisation: no hidden number can be worked out
of what its page and workbook show, by the solver of tests/suppression_support.py."""

import datetime
import io
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from centres.models import Census, Role
from centres.suppression import Published
from config.dashboard import pack as report_pack
from incidents.models import Acknowledgement, Kind
from tests.config.pack_support import YEAR, reference_case
from tests.factories import UserFactory
from tests.incidents.factories import FollowUpItemFactory, IncidentFactory, ProcedureFactory
from tests.suppression_support import attack, check

pytestmark = pytest.mark.django_db

CPH = ZoneInfo("Europe/Copenhagen")
PACK = reverse("dashboard:pack")
PACK_XLSX = reverse("dashboard:pack_xlsx")
HIDDEN = "skjult"
# 2026: the pack of 2025 is a whole year whatever the day the tests run.
LATER = datetime.datetime(2026, 3, 2, 14, 5, tzinfo=CPH)


def episodes(centre, kinds, n):
    return [
        IncidentFactory(
            centre=centre,
            kinds=kinds,
            occurred_at=datetime.datetime(YEAR, 1 + i % 12, 3 + i % 20, 11, tzinfo=CPH),
        )
        for i in range(n)
    ]


def shared_workbook(client, threshold_of, organisation, **params):
    organisation.small_cell_threshold = threshold_of
    organisation.save()
    with time_machine.travel(LATER, tick=False):
        response = client.get(PACK_XLSX, {"year": YEAR, "shared": "on", **params})
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(response.content))


def sheet_rows(book, name):
    """{first cell: the row's other cells} of a sheet, "skjult" read as None."""
    return {
        row[0]: [None if value == HIDDEN else value for value in row[1:]]
        for row in book[name].iter_rows(values_only=True)
        if row[0] is not None
    }


@pytest.mark.parametrize("threshold", [3, 5])
def test_the_reported_case_cannot_be_worked_out_of_the_shared_workbook(
    world, client_for, threshold
):
    # 76F: 13 episodes, 12 of physical violence and one threat. The pack hid the threat
    # as "< 3" and showed 13 and 12 beside it.
    episodes(world.centre_a, [Kind.PHYSICAL_VIOLENCE], 12)
    episodes(world.centre_a, [Kind.THREAT], 1)
    episodes(world.centre_b, [Kind.VERBAL_ABUSE], 9)
    book = shared_workbook(client_for(world.leader), threshold, world.org_a)
    with translation.override("da"):
        rows = sheet_rows(book, "Hændelser")
        kinds = [str(label) for _value, label in Kind.choices]
    # Columns: 76F, Frederiksgade.
    true_kinds = [[12, 0], [1, 0], [0, 9], *([[0, 0]] * 4)]
    published_kinds = [rows[label] for label in kinds]
    assert published_kinds[1] == [None, None], "the threat is hidden"
    published = Published(
        cells=published_kinds,
        row_totals=None,
        column_totals=rows["Hændelser"],
        grand_total=None,
    )
    _grid, found = attack(true_kinds, published, column_totals=[13, 9])
    assert found == {}
    check(true_kinds, threshold, published, column_totals=[13, 9])
    # 13 - 12 no longer works: one of the two is hidden.
    assert published_kinds[0][0] is None or rows["Hændelser"][0] is None


def rich_pack(world):
    """The reference case with a census, episodes with follow-up items and staff who did
    and did not acknowledge the procedure."""
    centres = reference_case(world)
    for centre, (weekly, monthly, occasional) in zip(
        centres, [(3, 11, 40), (25, 2, 9), (14, 6, 1)], strict=True
    ):
        Census.objects.create(
            centre=centre,
            date=datetime.date(YEAR, 6, 1),
            weekly=weekly,
            monthly=monthly,
            occasional=occasional,
        )
    violent = episodes(world.centre_a, [Kind.PHYSICAL_VIOLENCE], 12)
    episodes(world.centre_a, [Kind.THREAT], 1)
    episodes(world.centre_b, [Kind.THREAT, Kind.VERBAL_ABUSE], 6)
    for i, incident in enumerate(violent[:7]):
        FollowUpItemFactory(
            incident=incident,
            owner=world.leader,
            done_on=datetime.date(YEAR, 12, 1) if i < 6 else None,
        )
    procedure = ProcedureFactory(centre=world.centre_a, published_by=world.leader)
    for i in range(6):
        user = UserFactory(organisation=world.org_a, role=Role.STAFF, username=f"staff{i}")
        user.centres.add(world.centre_a)
        if i < 5:
            Acknowledgement.objects.create(procedure=procedure, user=user)
    return centres


def pack_of(world, centres, shared, threshold):
    with time_machine.travel(LATER, tick=False):
        return report_pack.compute(
            centres=centres,
            organisation_id=world.org_a.pk,
            year=YEAR,
            shared=shared,
            threshold=threshold,
        )


def parts(true_rows, shown_rows, part, total):
    """The table of a part and the rest of a total (done and not done, introduced and not)
    per centre; the rest is shown when the part and the total are."""
    table = [[getattr(r, part), getattr(r, total) - getattr(r, part)] for r in true_rows]
    cells = [
        [
            getattr(r, part),
            None
            if getattr(r, part) is None or getattr(r, total) is None
            else getattr(r, total) - getattr(r, part),
        ]
        for r in shown_rows
    ]
    return table, cells, [getattr(r, total) for r in shown_rows]


@pytest.mark.parametrize("threshold", [3, 5])
def test_no_hidden_number_of_the_shared_pack_can_be_worked_out(world, threshold):
    centres = rich_pack(world)
    inside = pack_of(world, centres, False, threshold)
    shared = pack_of(world, centres, True, threshold)
    true_rows, shown_rows = inside.rows, shared.rows

    # Regular users: weekly, monthly and occasional beside the users in all.
    table = [[r.census[k] for k in ("weekly", "monthly", "occasional")] for r in true_rows]
    shown = Published(
        cells=[[r.census[k] for k in ("weekly", "monthly", "occasional")] for r in shown_rows],
        row_totals=[r.census["total"] for r in shown_rows],
        column_totals=None,
        grand_total=None,
    )
    check(table, threshold, shown, row_totals=True)
    assert shown.cells[2][2] is None  # Krydsfeltet's 1 occasional user

    # Visits week by week and centre: the week's visits (the page), the centre's (the
    # first sheet).
    mondays = [monday for monday, _v, _h in inside.weeks]
    table = [[inside.week_matrix[(c.pk, m)][0] for c in centres] for m in mondays]
    shown = Published(
        cells=[[shared.week_matrix[(c.pk, m)][0] for c in centres] for m in mondays],
        row_totals=[visits for _m, visits, _h in shared.weeks],
        column_totals=[r.visits for r in shown_rows],
        grand_total=None,
    )
    check(table, threshold, shown, row_totals=True, column_totals=True)
    assert all((r.visits is None) == (r.visits_per_week is None) for r in shown_rows), (
        "visits per week give the visits away"
    )

    # Advice contacts by topic, beside each centre's contacts (a contact has several
    # topics, so they do not add up; protected as if they did).
    topics = range(len(inside.topics))
    table = [[r.advice_topics[i] for r in true_rows] for i in topics]
    shown = Published(
        cells=[[r.advice_topics[i] for r in shown_rows] for i in topics],
        row_totals=None,
        column_totals=[r.advice_contacts for r in shown_rows],
        grand_total=None,
    )
    check(table, threshold, shown, column_totals=[r.advice_contacts for r in true_rows])

    # Episodes by kind, beside each centre's episodes.
    kinds = range(len(inside.kinds))
    table = [[r.incident_kinds[i] for r in true_rows] for i in kinds]
    shown = Published(
        cells=[[r.incident_kinds[i] for r in shown_rows] for i in kinds],
        row_totals=None,
        column_totals=[r.incidents for r in shown_rows],
        grand_total=None,
    )
    check(table, threshold, shown, column_totals=[r.incidents for r in true_rows])

    # Follow-up items done of all, staff introduced of all: hidden too now.
    for part, total in (("follow_ups_done", "follow_ups"), ("staff_introduced", "staff")):
        table, cells, totals = parts(true_rows, shown_rows, part, total)
        shown = Published(cells=cells, row_totals=totals, column_totals=None, grand_total=None)
        check(table, threshold, shown, row_totals=True)
    vaerestedet_76f = next(r for r in shown_rows if r.centre == world.centre_a)
    assert vaerestedet_76f.follow_ups_done is None or vaerestedet_76f.follow_ups is None
    assert vaerestedet_76f.staff_introduced is None or vaerestedet_76f.staff is None

    # Activities count the centres' own programme, not people: shown as inside.
    assert [r.occurrences_held for r in shown_rows] == [r.occurrences_held for r in true_rows]


def test_the_shared_workbook_and_page_show_what_the_shared_pack_holds(world, client_for):
    centres = rich_pack(world)
    client = client_for(world.leader)
    book = shared_workbook(client, 5, world.org_a)
    shared = pack_of(world, centres, True, 5)
    with translation.override("da"):
        incidents = sheet_rows(book, "Hændelser")
        labels = [str(label) for _value, label in Kind.choices]
    assert incidents["Hændelser"] == [r.incidents for r in shared.rows]
    for i, label in enumerate(labels):
        assert incidents[label] == [r.incident_kinds[i] for r in shared.rows]
    assert incidents["Opfølgningspunkter"] == [r.follow_ups for r in shared.rows]
    assert incidents["Opfølgningspunkter udført"] == [r.follow_ups_done for r in shared.rows]
    assert incidents["Personale"] == [r.staff for r in shared.rows]
    users = sheet_rows(book, "Brugere og besøg")
    for row in shared.rows:
        line = users[row.centre.name]
        assert line[1:6] == [
            row.census["weekly"],
            row.census["monthly"],
            row.census["occasional"],
            row.census["total"],
            row.visits,
        ]
    # Every hidden number is a text cell saying so; no number cell holds one.
    texts = [
        cell.value
        for sheet in book.worksheets
        for line in sheet.iter_rows()
        for cell in line
        if cell.data_type == "s" and cell.value == HIDDEN
    ]
    assert len(texts) >= 10
    with time_machine.travel(LATER, tick=False):
        page = client.get(PACK, {"year": YEAR, "shared": "on"})
    assert page.context["pack"].rows == shared.rows
    assert "Tal under 5 vises som “skjult”" in page.content.decode()
