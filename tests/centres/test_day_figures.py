"""A day's figures entered afterwards: added to the day's figures or replacing them, with
the taps shown on the form and kept in their hours, and a confirmation that says which."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from centres import services
from centres.models import DayEntry, DayFigures, VisitCount, VisitDay, VisitHeat, VisitKind
from tests.summary_support import assert_recounted

pytestmark = pytest.mark.any_day

STAFFED = VisitKind.STAFFED


def yesterday():
    return timezone.localdate() - datetime.timedelta(days=1)


def tap(centre, day, hour, *, new=False, kind=STAFFED, times=1):
    for _ in range(times):
        services.add_visits(
            centre=centre, date=day, hour=hour, kind=kind, visits=1, new_visits=int(new)
        )


def day_of(centre, day, kind=STAFFED):
    return VisitCount.objects.filter(centre=centre, date=day, kind=kind).day_figures()


def hours_of(centre, day):
    return dict(
        VisitCount.objects.filter(centre=centre, date=day, hour__isnull=False).values_list(
            "hour", "visits"
        )
    )


# --- The service --------------------------------------------------------------------------


def test_adding_counts_on_top_of_the_taps(world):
    day = yesterday()
    tap(world.centre_a, day, 10, times=45)
    figures = services.set_day_figures(
        centre=world.centre_a,
        date=day,
        kind=STAFFED,
        visits=23,
        new_visits=2,
        entry=DayEntry.ADD,
    )
    assert figures == DayFigures(tapped=45, tapped_new=0, afterwards=23, afterwards_new=2)
    assert (figures.total, figures.total_new) == (68, 2)
    again = services.set_day_figures(
        centre=world.centre_a, date=day, kind=STAFFED, visits=5, new_visits=0, entry="add"
    )
    assert (again.total, again.afterwards) == (73, 28)
    assert day_of(world.centre_a, day) == again


def test_replacing_makes_the_number_the_days_total_and_keeps_the_taps_in_their_hours(world):
    day = yesterday()
    tap(world.centre_a, day, 9, times=20)
    tap(world.centre_a, day, 13, times=25, new=True)
    services.set_day_figures(
        centre=world.centre_a, date=day, kind=STAFFED, visits=10, new_visits=0, entry="add"
    )
    figures = services.set_day_figures(
        centre=world.centre_a,
        date=day,
        kind=STAFFED,
        visits=50,
        new_visits=27,
        entry=DayEntry.REPLACE,
    )
    assert (figures.total, figures.total_new) == (50, 27)
    assert (figures.tapped, figures.afterwards, figures.afterwards_new) == (45, 5, 2)
    assert hours_of(world.centre_a, day) == {9: 20, 13: 25}
    assert day_of(world.centre_a, day) == figures
    # The heat map of the hours is the taps alone, as before.
    assert sum(VisitHeat.objects.values_list("visits", flat=True)) == 45


def test_replacing_with_exactly_the_taps_leaves_no_row_entered_afterwards(world):
    day = yesterday()
    tap(world.centre_a, day, 11, times=4)
    services.set_day_figures(
        centre=world.centre_a, date=day, kind=STAFFED, visits=3, new_visits=0, entry="add"
    )
    figures = services.set_day_figures(
        centre=world.centre_a, date=day, kind=STAFFED, visits=4, new_visits=0, entry="replace"
    )
    assert figures.total == 4
    assert not VisitCount.objects.filter(hour__isnull=True).exists()


def test_each_kind_of_the_day_is_its_own(world):
    day = yesterday()
    tap(world.centre_a, day, 10, times=6, kind=VisitKind.USER_RUN)
    figures = services.set_day_figures(
        centre=world.centre_a, date=day, kind=STAFFED, visits=2, new_visits=0, entry="replace"
    )
    assert figures == DayFigures(afterwards=2)
    assert day_of(world.centre_a, day, VisitKind.USER_RUN).total == 6


@pytest.mark.parametrize(
    ("visits", "new_visits", "says"),
    [
        (30, 0, "har allerede 45 besøgende"),
        (50, 2, "har allerede 3 nye besøgende"),
        (46, 5, "højst have 4 nye besøgende"),
    ],
    ids=["fewer visitors than tapped", "fewer new than tapped", "more new than added"],
)
def test_a_replace_below_the_taps_is_refused_and_changes_nothing(world, visits, new_visits, says):
    day = yesterday()
    tap(world.centre_a, day, 10, times=42)
    tap(world.centre_a, day, 11, times=3, new=True)
    services.set_day_figures(
        centre=world.centre_a, date=day, kind=STAFFED, visits=7, new_visits=1, entry="add"
    )
    before = day_of(world.centre_a, day)
    with pytest.raises(ValidationError) as refused:
        services.set_day_figures(
            centre=world.centre_a,
            date=day,
            kind=STAFFED,
            visits=visits,
            new_visits=new_visits,
            entry="replace",
        )
    assert says in refused.value.messages[0]
    assert day_of(world.centre_a, day) == before


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    taps=st.lists(st.tuples(st.integers(0, 23), st.booleans()), max_size=25),
    earlier=st.integers(0, 30),
    visits=st.integers(0, 80),
    new_share=st.floats(0, 1),
    entry=st.sampled_from(DayEntry.values),
)
def test_any_taps_and_any_number(world, taps, earlier, visits, new_share, entry):
    """Add gives what was there plus n; replace gives n, or is refused below the taps and
    changes nothing; the hours keep their taps; the summaries equal a recount."""
    VisitCount.objects.all().delete()
    centre, day = world.centre_a, yesterday()
    for hour, new in taps:
        tap(centre, day, hour, new=new)
    if earlier:
        services.set_day_figures(
            centre=centre, date=day, kind=STAFFED, visits=earlier, new_visits=0, entry="add"
        )
    before, hours = day_of(centre, day), hours_of(centre, day)
    new_visits = int(visits * new_share)
    try:
        figures = services.set_day_figures(
            centre=centre,
            date=day,
            kind=STAFFED,
            visits=visits,
            new_visits=new_visits,
            entry=entry,
        )
    except ValidationError:
        assert entry == DayEntry.REPLACE
        assert (
            visits < before.tapped
            or new_visits < before.tapped_new
            or new_visits - before.tapped_new > visits - before.tapped
        )
        figures = before
    else:
        if entry == DayEntry.ADD:
            assert figures.total == before.total + visits
            assert figures.total_new == before.total_new + new_visits
        else:
            assert (figures.total, figures.total_new) == (visits, new_visits)
    assert day_of(centre, day) == figures
    assert hours_of(centre, day) == hours
    assert_recounted(VisitDay, VisitHeat)


# --- The page -----------------------------------------------------------------------------


def url(centre):
    return reverse("centres:tally_day", args=[centre.pk])


def post(client, centre, **data):
    values = {
        "date": yesterday().isoformat(),
        "kind": "staffed",
        "visits": "23",
        "new_visits": "0",
    }
    return client.post(url(centre), {**values, **data})


def test_the_form_shows_what_the_day_already_holds(world, client_for):
    tap(world.centre_a, yesterday(), 10, times=45)
    client = client_for(world.staff_a)
    html = client.get(url(world.centre_a), {"date": yesterday().isoformat()}).content.decode()
    assert "talt med tælleren: 45 besøgende (0 nye)" in html
    assert "i alt: 45 besøgende" in html
    # Picking another date or kind asks for that day's figures alone.
    partial = client.get(
        url(world.centre_a),
        {"date": yesterday().isoformat(), "kind": "user_run"},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "<html" not in partial and "brugeråbent" in partial
    assert "i alt: 0 besøgende" in partial


def test_adding_says_so_and_gives_the_new_total(world, client_for):
    tap(world.centre_a, yesterday(), 10, times=45)
    client = client_for(world.staff_a)
    response = post(client, world.centre_a, entry="add")
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    date = yesterday().strftime("%d.%m.%Y")
    assert f"Lagt til {date} (bemandet): 23 besøgende" in html
    assert "Dagen har nu i alt 68 besøgende" in html
    assert day_of(world.centre_a, yesterday()).total == 68


def test_replacing_says_so_and_gives_the_new_total(world, client_for):
    tap(world.centre_a, yesterday(), 10, times=20)
    client = client_for(world.staff_a)
    response = post(client, world.centre_a, entry="replace")
    html = client.get(response["Location"]).content.decode()
    assert f"Tallene for {yesterday().strftime('%d.%m.%Y')} (bemandet) er erstattet" in html
    assert "i alt 23 besøgende (nye: 0): 20 talt med tælleren og 3 registreret bagefter" in html
    assert day_of(world.centre_a, yesterday()).total == 23


def test_the_same_form_sent_twice_adds_once(world, client_for):
    client = client_for(world.staff_a)
    data = {"submission_token": "a" * 32, "entry": "add"}
    assert post(client, world.centre_a, **data).status_code == 302
    assert post(client, world.centre_a, **data).status_code == 302
    assert day_of(world.centre_a, yesterday()).total == 23


def test_a_replace_below_the_taps_is_refused_in_danish_on_the_form(world, client_for):
    tap(world.centre_a, yesterday(), 10, times=45)
    response = post(client_for(world.staff_a), world.centre_a, entry="replace")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tælleren har allerede 45 besøgende" in html
    assert "vælg at lægge til" in html
    assert day_of(world.centre_a, yesterday()).total == 45


def test_add_or_replace_must_be_chosen(world, client_for):
    response = post(client_for(world.staff_a), world.centre_a)
    assert response.status_code == 200
    assert "Vælg, om tallene skal lægges til eller erstatte dagens tal" in (
        response.content.decode()
    )
    assert not VisitCount.objects.exists()


@pytest.mark.parametrize(
    ("data", "says"),
    [
        ({"visits": "-1"}, "større end eller lig 0"),
        ({"visits": "1001"}, "mindre end eller lig 1000"),
        ({"visits": "tre"}, "Indtast et heltal"),
        ({"date": "i går"}, "gyldig dato"),
        ({"kind": "maybe"}, "gyldig valgmulighed"),
        ({"entry": "both"}, "gyldig valgmulighed"),
        ({"visits": "3", "new_visits": "5"}, "flere nye besøgende"),
    ],
)
def test_bad_input_is_refused_in_danish_and_saves_nothing(world, client_for, data, says):
    response = post(client_for(world.staff_a), world.centre_a, **{"entry": "add", **data})
    assert response.status_code == 200
    assert says in response.content.decode()
    assert not VisitCount.objects.exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    [("staff_b", 404), ("other_leader", 404), ("outreach", 403), ("association", 403)],
)
def test_only_those_who_count_at_the_centre_may_enter_figures(world, client_for, persona, status):
    client = client_for(world.persona(persona))
    assert client.get(url(world.centre_a)).status_code == status
    assert post(client, world.centre_a, entry="add").status_code == status
    assert not VisitCount.objects.exists()


def test_the_leader_may_enter_figures_for_every_centre(world, client_for):
    assert post(client_for(world.leader), world.centre_b, entry="add").status_code == 302
    assert day_of(world.centre_b, yesterday()).total == 23
