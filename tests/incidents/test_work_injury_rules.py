"""The work-injury deadlines come from rules stored as data: each case has its own clock,
the rule in force on the day of injury decides, and every deadline shows its source."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from incidents.models import Incident, WorkInjuryCase, WorkInjuryRule
from tests.incidents.factories import IncidentFactory
from tests.incidents.test_reports import full_data

CPH = ZoneInfo("Europe/Copenhagen")


def at(*args):
    return datetime.datetime(*args, tzinfo=CPH)


def travel(*args):
    return time_machine.travel(at(*args), tick=False)


def injury(world, occurred_at, **fields):
    return IncidentFactory(
        centre=world.centre_a,
        reported_by=world.staff_a,
        occurred_at=occurred_at,
        injury=True,
        **fields,
    )


def fresh(incident):
    return Incident.objects.get(pk=incident.pk)


def detail(client_for, world, incident):
    url = reverse("incidents:detail", args=[incident.pk])
    return client_for(world.leader).get(url).content.decode()


def test_the_migration_created_todays_three_rules(db):
    rules = {rule.case: rule for rule in WorkInjuryRule.objects.all()}
    assert set(rules) == {"absence", "treatment", "death"}
    assert rules["absence"].period == datetime.timedelta(days=14)
    assert rules["absence"].absence_threshold_days == 1
    assert rules["absence"].legal_source == "BEK nr. 799 af 2022, § 1"
    assert rules["treatment"].period == datetime.timedelta(days=14)
    assert rules["treatment"].legal_source == "BEK nr. 941 af 2022, § 9, stk. 2"
    assert rules["death"].period == datetime.timedelta(hours=48)
    assert rules["death"].legal_source == "BEK nr. 941 af 2022, § 9, stk. 3"
    for rule in rules.values():
        assert rule.valid_from == datetime.date(2022, 7, 1)
        assert rule.valid_until is None
        assert rule.url.startswith("https://www.retsinformation.dk/")


# --- Absence: 14 days from the first day of absence ------------------------------------


def test_absence_counts_from_the_first_day_of_absence(world, client_for):
    with travel(2026, 3, 24, 15):
        incident = injury(world, at(2026, 3, 24, 14), absence_first_day=datetime.date(2026, 3, 25))
    with travel(2026, 3, 30, 10):
        incident = fresh(incident)
        assert incident.work_injury_deadline == datetime.date(2026, 4, 8)
        assert incident.work_injury_days_left == 9
        html = detail(client_for, world, incident)
        assert "8. april 2026" in html
        assert "BEK nr. 799 af 2022, § 1" in html
        assert "mindst 1 dags fravær ud over tilskadekomstdagen" in html
    with travel(2026, 4, 8, 23, 59):
        assert fresh(incident).work_injury_days_left == 0
    with travel(2026, 4, 9, 0, 1):
        assert fresh(incident).work_injury_days_overdue == 1
        assert Incident.objects.work_injury_pending().get() == incident
        incident.work_injury_reported_on = datetime.date(2026, 4, 9)
        incident.save()
        assert fresh(incident).work_injury_days_left is None
        assert not Incident.objects.work_injury_pending().exists()


# --- Treatment costs, no absence: 14 days from the day of injury -----------------------


def test_treatment_costs_count_from_the_day_of_injury(world, client_for):
    with travel(2026, 3, 24, 23, 30):
        # Late in the evening: the day of injury is the local one, not UTC's.
        incident = injury(world, at(2026, 3, 24, 23, 15), work_injury_case="treatment")
        assert incident.work_injury == WorkInjuryCase.TREATMENT
        assert incident.work_injury_deadline == datetime.date(2026, 4, 7)
        assert incident.work_injury_days_left == 14
        assert Incident.objects.work_injury_pending().get() == incident
        html = detail(client_for, world, incident)
        assert "7. april 2026" in html
        assert "BEK nr. 941 af 2022, § 9, stk. 2" in html
        assert "Ingen fravær, men forventede behandlingsudgifter" in html
    with travel(2026, 4, 7, 9):
        assert fresh(incident).work_injury_days_left == 0
    with travel(2026, 4, 10, 9):
        assert fresh(incident).work_injury_days_overdue == 3
        html = client_for(world.leader).get(reverse("incidents:overview")).content.decode()
        assert "3 dage over fristen" in html
        assert "BEK nr. 941 af 2022, § 9, stk. 2" in html
        Incident.objects.filter(pk=incident.pk).update(
            work_injury_reported_on=datetime.date(2026, 4, 10)
        )
        assert fresh(incident).work_injury_days_left is None
        assert not Incident.objects.work_injury_pending().exists()


# --- Death: 48 hours from the moment, across the night summer time begins --------------


def test_a_death_is_reported_within_48_hours_as_a_moment_across_summer_time(world, client_for):
    with travel(2027, 3, 27, 2):
        incident = injury(world, at(2027, 3, 27, 1, 30), work_injury_case="death")
    deadline = fresh(incident).work_injury_deadline
    # 48 real hours; the clocks skip 02:00-03:00 on 28 March, so 02:30 on the wall.
    assert deadline - incident.occurred_at == datetime.timedelta(hours=48)
    assert timezone.localtime(deadline) == at(2027, 3, 29, 2, 30)
    with travel(2027, 3, 28, 12):
        assert fresh(incident).work_injury_days_left == 1
        html = detail(client_for, world, incident)
        assert "29. marts 2027 02:30" in html
        assert "Dødsfald" in html
        assert "BEK nr. 941 af 2022, § 9, stk. 3" in html
    with travel(2027, 3, 29, 2, 29):
        assert fresh(incident).work_injury_days_left == 0
    with travel(2027, 3, 29, 2, 31):
        assert fresh(incident).work_injury_days_overdue == 1
        Incident.objects.filter(pk=incident.pk).update(
            work_injury_reported_on=datetime.date(2027, 3, 29)
        )
        assert fresh(incident).work_injury_days_left is None
        assert not Incident.objects.work_injury_pending().exists()


def test_a_death_wins_over_an_absence(world):
    with travel(2026, 5, 4, 12):
        incident = injury(
            world,
            at(2026, 5, 1, 10),
            absence_first_day=datetime.date(2026, 5, 2),
            work_injury_case="death",
        )
        assert incident.work_injury == WorkInjuryCase.DEATH
        assert incident.work_injury_deadline == at(2026, 5, 3, 10)


# --- The rule in force on the day of injury --------------------------------------------


def test_a_later_rule_applies_from_its_day_and_earlier_injuries_keep_theirs(world, client_for):
    with travel(2026, 11, 2, 12):
        WorkInjuryRule.objects.filter(case="absence").update(
            valid_until=datetime.date(2026, 12, 31)
        )
        WorkInjuryRule.objects.create(
            case="absence",
            period=datetime.timedelta(days=10),
            absence_threshold_days=3,
            valid_from=datetime.date(2027, 1, 1),
            legal_source="BEK nr. 1 af 2027, § 1",
        )
    with travel(2027, 1, 5, 12):
        before = injury(
            world, at(2026, 12, 31, 23, 50), absence_first_day=datetime.date(2027, 1, 2)
        )
        after = injury(world, at(2027, 1, 1, 0, 10), absence_first_day=datetime.date(2027, 1, 2))
        assert before.work_injury_rule.legal_source == "BEK nr. 799 af 2022, § 1"
        assert before.work_injury_deadline == datetime.date(2027, 1, 16)
        assert after.work_injury_rule.legal_source == "BEK nr. 1 af 2027, § 1"
        assert after.work_injury_deadline == datetime.date(2027, 1, 12)
        html = detail(client_for, world, after)
        assert "BEK nr. 1 af 2027, § 1" in html
        assert "mindst 3 dages fravær ud over tilskadekomstdagen" in html
        assert "BEK nr. 799" not in html


def test_an_open_ended_later_rule_takes_over_from_its_day(world):
    with travel(2026, 11, 2, 12):
        WorkInjuryRule.objects.create(
            case="absence",
            period=datetime.timedelta(days=14),
            absence_threshold_days=3,
            valid_from=datetime.date(2027, 1, 1),
            legal_source="Ny regel",
        )
        today = injury(world, at(2026, 11, 1, 9), absence_first_day=datetime.date(2026, 11, 2))
        assert today.work_injury_rule.absence_threshold_days == 1
    with travel(2027, 2, 2, 12):
        later = injury(world, at(2027, 2, 1, 9), absence_first_day=datetime.date(2027, 2, 2))
        assert later.work_injury_rule.legal_source == "Ny regel"


def test_an_injury_before_any_rule_shows_no_deadline_rather_than_a_wrong_one(world, client_for):
    with travel(2026, 3, 1, 12):
        incident = injury(world, at(2021, 6, 1, 10), absence_first_day=datetime.date(2021, 6, 2))
        assert incident.work_injury_rule is None
        assert incident.work_injury_deadline is None
        assert incident.work_injury_days_left is None
        html = detail(client_for, world, incident)
        assert "ingen regel gældende på skadedagen" in html
        overview = client_for(world.leader).get(reverse("incidents:overview")).content.decode()
        assert "ingen regel gældende på skadedagen" in overview


def test_the_database_holds_rules_and_cases_to_sense(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        IncidentFactory(centre=world.centre_a, work_injury_case="death")
    with pytest.raises(IntegrityError), transaction.atomic():
        injury(
            world,
            timezone.now(),
            work_injury_case="treatment",
            absence_first_day=timezone.localdate() + datetime.timedelta(days=1),
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkInjuryRule.objects.create(
            case="death",
            period=datetime.timedelta(hours=48),
            absence_threshold_days=3,
            valid_from=datetime.date(2030, 1, 1),
            legal_source="x",
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkInjuryRule.objects.create(
            case="absence",
            period=datetime.timedelta(days=14),
            absence_threshold_days=1,
            valid_from=datetime.date(2030, 1, 1),
            valid_until=datetime.date(2029, 1, 1),
            legal_source="x",
        )


# --- The reporting form -----------------------------------------------------------------


def post_reporting(client_for, world, incident, **data):
    url = reverse("incidents:reporting", args=[incident.pk])
    return client_for(world.leader).post(url, data)


@pytest.mark.parametrize(
    ("fields", "data", "message"),
    [
        ({"injury": False}, {"work_injury_case": "death"}, "ingen kom til skade"),
        (
            {"injury": True, "absence_first_day": "tomorrow"},
            {"work_injury_case": "treatment"},
            "behandlingsudgifter gælder uden fravær",
        ),
        ({"injury": True}, {"work_injury_reported_on": "today"}, "vælg behandlingsudgifter"),
        ({"injury": True}, {"work_injury_case": "flood"}, "Marker en gyldig valgmulighed"),
    ],
)
def test_bad_reporting_input_gets_a_danish_message_and_saves_nothing(
    world, client_for, fields, data, message
):
    today = timezone.localdate()
    words = {"today": today, "tomorrow": today + datetime.timedelta(days=1)}
    fields = {k: words.get(v, v) for k, v in fields.items()}
    data = {k: words.get(v, v) for k, v in data.items()}
    incident = IncidentFactory(
        centre=world.centre_a, occurred_at=timezone.now() - datetime.timedelta(hours=1), **fields
    )
    response = post_reporting(client_for, world, incident, **data)
    assert response.status_code == 200
    assert message in response.content.decode()
    incident.refresh_from_db()
    assert incident.work_injury_case == ""
    assert incident.work_injury_reported_on is None


def test_choosing_death_on_the_reporting_form_starts_the_48_hours(world, client_for):
    incident = injury(world, timezone.now() - datetime.timedelta(hours=1))
    response = post_reporting(client_for, world, incident, work_injury_case="death")
    assert response.status_code == 302
    incident = fresh(incident)
    assert incident.work_injury == WorkInjuryCase.DEATH
    assert incident.work_injury_deadline == incident.occurred_at + datetime.timedelta(hours=48)
    assert Incident.objects.work_injury_pending().get() == incident


def test_the_full_report_cannot_drop_the_injury_of_a_death(world, client_for):
    incident = injury(world, timezone.now() - datetime.timedelta(hours=1), work_injury_case="death")
    data = full_data(world, injury="")
    response = client_for(world.staff_a).post(reverse("incidents:edit", args=[incident.pk]), data)
    assert response.status_code == 200
    assert "behold skaden" in response.content.decode()
    assert fresh(incident).injury
