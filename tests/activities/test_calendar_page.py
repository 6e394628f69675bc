"""The calendar page lists each event once a day with its time, title, kind and centres,
for a link covering several centres, in the month and in the list; built from escaped
values."""

import datetime as dt
from html.parser import HTMLParser

import pytest
import time_machine
from django.urls import reverse

from activities.models import Occurrence
from activities.recurrence import COPENHAGEN
from centres.models import OpeningKind
from tests.activities.factories import ActivityFactory, CalendarLinkFactory, MeetingFactory
from tests.activities.test_calendar_openings import MONDAY, NOW, plan
from tests.centres.factories import OpeningHoursFactory

pytestmark = [pytest.mark.django_db, pytest.mark.any_day]


class Days(HTMLParser):
    """{day's heading: [(the event's classes, its text)]} of a calendar page."""

    def __init__(self):
        super().__init__()
        self.days, self.heading, self.event, self.depth = {}, None, None, 0
        self.in_heading = False

    def handle_starttag(self, tag, attrs):
        classes = dict(attrs).get("class") or ""
        if tag == "h2" and "calendar-date" in classes:
            self.in_heading, self.heading = True, ""
        elif tag == "li" and "calendar-event" in classes:
            self.event, self.depth = [classes, ""], 0
            self.days.setdefault(self.heading, []).append(self.event)
        elif self.event is not None and tag == "li":
            self.depth += 1

    def handle_endtag(self, tag):
        if tag == "h2":
            self.in_heading = False
            self.heading = " ".join(self.heading.split())
        elif tag == "li" and self.event is not None:
            if self.depth == 0:
                self.event[1] = " ".join(self.event[1].split())
                self.event = None
            else:
                self.depth -= 1

    def handle_data(self, data):
        if self.in_heading:
            self.heading += data
        elif self.event is not None:
            self.event[1] += data + " "


def days_of(html):
    parser = Days()
    parser.feed(html)
    return {day: [tuple(e) for e in events] for day, events in parser.days.items()}


@pytest.fixture
def planned(world):
    with time_machine.travel(NOW, tick=False):
        plan(world)
        OpeningHoursFactory(centre=world.centre_b, weekday=1, kind=OpeningKind.STAFFED)
        walk = ActivityFactory(
            organisation=world.org_a,
            title="Gåtur <ved> søen",
            centres=[world.centre_a, world.centre_b],
            place="Søen",
        )
        first, second = Occurrence.objects.filter(activity=walk).order_by("start")[:2]
        Occurrence.objects.filter(pk=first.pk).update(cancelled=True, cancel_reason="Regn & blæst")
        Occurrence.objects.filter(pk=second.pk).update(start=second.start + dt.timedelta(hours=1))
        MeetingFactory(
            organisation=world.org_a,
            centre=world.centre_b,
            starts_at=dt.datetime.combine(MONDAY + dt.timedelta(days=2), dt.time(13), COPENHAGEN),
        )
        yield CalendarLinkFactory(organisation=world.org_a)


def page(client, link, view):
    url = reverse("activities:shared_calendar", args=[link.token])
    response = client.get(url, {"view": view, "date": MONDAY.isoformat()})
    assert response.status_code == 200
    return response.content.decode()


OPENING = "calendar-event calendar-opening calendar-opening-staffed"
WALK = "calendar-event calendar-activity"
EVENING = (
    "calendar-event calendar-opening calendar-opening-user_run",
    "17.00 Aftenåbent Frederiksgade Værestedet Frederiksgade Brugeråbent",
)


def test_the_month_names_each_event_its_kind_time_and_centres_short_and_in_full(client, planned):
    html = page(client, planned, "month")
    days = days_of(html)
    tuesday = [
        (OPENING, "08.00 Åben 76F Værestedet 76F Bemandet"),
        (OPENING, "08.00 Åben Frederiksgade Værestedet Frederiksgade Bemandet"),
    ]
    where = "76F, Frederiksgade Værestedet 76F, Værestedet Frederiksgade"
    assert days["Mandag 2. marts2 I dag"] == [
        ("calendar-event calendar-closure", "Hele dagen Lukket 76F Værestedet 76F")
    ]
    assert days["Tirsdag 3. marts3"] == [
        *tuesday,
        (f"{WALK} calendar-cancelled", f"10.00 Gåtur <ved> søen {where} Aflyst"),
    ]
    assert days["Onsdag 4. marts4"] == [
        ("calendar-event calendar-meeting", "13.00 Husmøde Frederiksgade Værestedet Frederiksgade"),
        EVENING,
    ]
    assert days["Tirsdag 10. marts10"] == [
        *tuesday,
        (WALK, f"11.00 Gåtur <ved> søen {where} Flyttet"),
    ]
    for tuesday_of_march in (17, 24, 31):
        assert days[f"Tirsdag {tuesday_of_march}. marts{tuesday_of_march}"] == [
            *tuesday,
            (WALK, f"10.00 Gåtur <ved> søen {where}"),
        ]
    for wednesday in (11, 18, 25):
        assert days[f"Onsdag {wednesday}. marts{wednesday}"] == [EVENING]
    assert len(days) == 10
    assert "Gåtur &lt;ved&gt; søen" in html and "<ved>" not in html


def test_the_list_gives_each_event_its_end_place_reason_and_centres(client, planned):
    html = page(client, planned, "week")
    assert days_of(html) == {
        "Mandag 2. marts I dag": [
            ("calendar-event calendar-closure", "Hele dagen Lukket Værestedet 76F Personaledag")
        ],
        "Tirsdag 3. marts": [
            (OPENING, "08.00\N{EN DASH}16.00 Åben Bemandet Værestedet 76F"),
            (OPENING, "08.00\N{EN DASH}16.00 Åben Bemandet Værestedet Frederiksgade"),
            (
                f"{WALK} calendar-cancelled",
                "10.00\N{EN DASH}12.00 Gåtur <ved> søen Aflyst Regn & blæst "
                "Søen · Værestedet 76F, Værestedet Frederiksgade",
            ),
        ],
        "Onsdag 4. marts": [
            (
                "calendar-event calendar-meeting",
                "13.00\N{EN DASH}15.00 Husmøde Fælleslokalet · Værestedet Frederiksgade",
            ),
            (
                "calendar-event calendar-opening calendar-opening-user_run",
                "17.00\N{EN DASH}21.00 Aftenåbent Brugeråbent Værestedet Frederiksgade",
            ),
        ],
    }
    assert "Regn &amp; blæst" in html and "<ved>" not in html
