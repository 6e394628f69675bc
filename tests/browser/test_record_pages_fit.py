"""The pages where records are kept honest, from a phone to a wide screen: opening hours
and their change from a date, a closed day in the calendar, the day's figures entered
afterwards, and the questions asked before anything is removed. Alice (leader) opens
each at 360, 1024, 1280 and 1920 px: nothing scrolls sideways, axe finds nothing serious."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from centres.calendar_days import danish_holidays
from tests.advice.factories import OutreachHoursFactory
from tests.browser_support import assert_accessible, sign_in
from tests.centres.factories import (
    ClosureFactory,
    KeyFobFactory,
    KeyHolderFactory,
    KeyLoanFactory,
    OpeningHoursFactory,
    ShiftFactory,
)

WIDTHS = [360, 1024, 1280, 1920]
NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= document.documentElement.clientWidth"


def pages(world):
    """The URLs of the record pages, with what each needs made first."""
    today = timezone.localdate()
    centre = world.centre_a
    hours = OpeningHoursFactory(
        centre=centre,
        weekday=2,
        starts=dt.time(8),
        ends=dt.time(15, 30),
        label="Morgenåbent for alle, også dem der kommer sent",
        valid_from=today - dt.timedelta(days=400),
    )
    closure = ClosureFactory(
        centre=centre,
        starts=today + dt.timedelta(days=20),
        ends=today + dt.timedelta(days=34),
        reason="Sommerferie og maling af fællesrummet",
    )
    shift = ShiftFactory(
        centre=centre,
        worker=world.staff_a,
        starts=timezone.now() + dt.timedelta(days=2),
        ends=timezone.now() + dt.timedelta(days=2, hours=7),
    )
    fob = KeyFobFactory(organisation=world.org_a, number="76F-0012", centres=[centre])
    loan = KeyLoanFactory(fob=fob, holder=KeyHolderFactory(organisation=world.org_a))
    holiday = min(danish_holidays(today + dt.timedelta(days=1), today + dt.timedelta(days=366)))
    OutreachHoursFactory(centre=centre, weekday=holiday.weekday())
    # The longest kind of opening's label, in the agenda on a phone.
    OpeningHoursFactory(
        centre=centre, weekday=(holiday.weekday() + 1) % 7, kind="maybe", valid_from=today
    )
    return {
        "hours": reverse("centres:hours", args=[centre.pk]),
        "hours change": reverse("centres:hours_edit", args=[centre.pk, hours.pk]),
        "hours delete": reverse("centres:hours_delete", args=[centre.pk, hours.pk]),
        "shifts": reverse("centres:shifts", args=[centre.pk]),
        "shift delete": reverse("centres:shift_delete", args=[centre.pk, shift.pk]),
        "closure delete": reverse("centres:closure_delete", args=[centre.pk, closure.pk]),
        "keys": reverse("centres:keys"),
        "fob lost": reverse("centres:key_fob_lost", args=[fob.pk]),
        "fob return": reverse("centres:key_return", args=[loan.pk]),
        "calendar on a holiday": reverse("activities:calendar")
        + f"?view=agenda&date={holiday.isoformat()}",
        "calendar month": reverse("activities:calendar") + f"?view=month&date={holiday}",
        "day figures": reverse("centres:tally_day", args=[centre.pk]),
    }


@pytest.mark.parametrize("width", WIDTHS)
def test_the_record_pages_fit_every_width(
    transactional_db, live_server, world, page, csp_violations, width
):
    urls = pages(world)
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server, "alice")
    for name, url in urls.items():
        response = page.goto(live_server.url + url)
        assert response.status == 200, name
        wider = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert page.evaluate(NO_SIDEWAYS_SCROLL), f"{name} scrolls {wider}px sideways at {width}px"
        assert_accessible(page)
    assert csp_violations == []
