"""Every change to a record with history is recorded in it.

django-simple-history writes a history row on every save() and delete(); a queryset's
update(), bulk_create() or bulk_update() and raw SQL skip it. So:

- every history-tracked model of the apps (simple-history's own registry, not a list
  kept here) has its write paths walked below, each through the view or service staff
  use, and each must add a history row, with no queryset write on a tracked model on
  the way;
- the apps' code is scanned for queryset writes and raw SQL on the tracked models:
  any not in ALLOWED, with its reason, fails.
"""

import ast
import datetime
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from simple_history.models import registered_models

from tests.activities.permissions import extend_world as activities_world
from tests.advice.permissions import extend_world as advice_world
from tests.centres.permissions import extend_world as centres_world
from tests.incidents.permissions import extend_world as incidents_world
from tests.incidents.test_bans import ban_data
from tests.incidents.test_reports import full_data, quick_data
from tests.incidents.test_review_views import sheet_data

ROOT = Path(__file__).resolve().parents[1]
APPS = ("centres", "activities", "advice", "incidents")
ONE_DAY = datetime.timedelta(days=1)

# Queryset writes on tracked models that are meant to leave no new history row:
# (file, model) → why.
ALLOWED = {
    ("incidents/retention.py", "Incident"): (
        "pseudonymisation scrubs the report and its history rows in place: a new history "
        "row would keep the text it removes"
    ),
    ("incidents/retention.py", "FollowUpItem"): "as for Incident: scrubbed with its history",
    ("centres/kiosk.py", "KioskDevice"): (
        "a tablet's last_seen, written every few minutes, is no change: the field is left "
        "out of the history (excluded_fields)"
    ),
}


def tracked_models():
    return sorted(
        (m for m in registered_models.values() if m._meta.app_label in APPS),
        key=lambda m: m._meta.label,
    )


def today():
    return timezone.localdate()


def hours_data(row, **changes):
    return {
        "weekday": row.weekday,
        "starts": f"{row.starts:%H:%M}",
        "ends": f"{row.ends:%H:%M}",
        "kind": row.kind,
        "valid_from": row.valid_from.isoformat(),
        "valid_until": row.valid_until.isoformat() if row.valid_until else "",
        "label": row.label,
        **changes,
    }


def outreach_data(world, **changes):
    return {
        "centre": world.centre_a.pk,
        "display_name": "Mette",
        "role": "job_centre",
        "service": "Jobcenter Faxe",
        "weekday": "1",
        "start_time": "09:00",
        "end_time": "12:00",
        "valid_from": world.outreach_hours_a.valid_from.isoformat(),
        "valid_until": "",
        **changes,
    }


def activity_data(world, **changes):
    return {
        "title": "Gågruppe",
        "category": "walking",
        "centres": [world.centre_a.pk],
        "led_by": "staff",
        "staff_present": "on",
        "weekdays": ["1"],
        "valid_from": today().isoformat(),
        "start_time": "10:00",
        "end_time": "11:30",
        "interval_weeks": "1",
        **changes,
    }


def next_opening_shift(world, worker):
    """Shift form data over the first hour of centre A's next opening from tomorrow (a
    one-off shift must fall within an opening)."""
    from centres.openings import local_datetime, openings_for

    start = local_datetime(today() + ONE_DAY, datetime.time())
    opening = openings_for([world.centre_a], start, start + 15 * ONE_DAY)[world.centre_a.pk][0]
    starts = timezone.localtime(opening.start)
    ends = starts + datetime.timedelta(hours=1)
    return {
        "worker": worker.pk,
        "starts": f"{starts:%Y-%m-%dT%H:%M}",
        "ends": f"{ends:%Y-%m-%dT%H:%M}",
    }


def next_staffed_opening(world):
    """Centre A's first staffed opening from tomorrow (local)."""
    from centres.models import OpeningKind
    from centres.openings import local_datetime, openings_for

    start = local_datetime(today() + ONE_DAY, datetime.time())
    found = openings_for([world.centre_a], start, start + 15 * ONE_DAY)[world.centre_a.pk]
    return next(o for o in found if o.kind == OpeningKind.STAFFED)


def rota_data(world, worker, **changes):
    """A weekly shift over centre A's opening hours (a rota shift must fall in one)."""
    hours = world.hours_a
    return {
        "worker": worker.pk,
        "weekday": hours.weekday,
        "starts": f"{hours.starts:%H:%M}",
        "ends": f"{hours.ends:%H:%M}",
        "valid_from": today().isoformat(),
        "valid_until": "",
        **changes,
    }


def risk_action(world, action):
    start = next_staffed_opening(world).start
    return {"prefix": "x", "x-start": timezone.localtime(start).isoformat(), "x-action": action}


def _post(client, name, args=(), data=None, status=302):
    response = client.post(reverse(name, args=args), data or {})
    assert response.status_code == status, response.content.decode()[:3000]


# Each write path: (name, function(world, client_for)). The function writes once.
WRITE_PATHS = {
    "centres.OpeningHours": [
        (
            "add",
            lambda w, c: _post(
                c(w.leader),
                "centres:hours_add",
                [w.centre_a.pk],
                hours_data(w.hours_a, weekday="3", valid_from=today().isoformat()),
            ),
        ),
        (
            "change from a date",
            lambda w, c: _post(
                c(w.leader),
                "centres:hours_edit",
                [w.centre_a.pk, w.hours_a.pk],
                hours_data(w.hours_a, ends="14:00", valid_from=(today() + ONE_DAY).isoformat()),
            ),
        ),
        (
            "correct",
            lambda w, c: _post(
                c(w.leader),
                "centres:hours_edit",
                [w.centre_a.pk, w.hours_a.pk],
                hours_data(w.hours_a, ends="14:00", correction="on", correction_reason="Fejl"),
            ),
        ),
        (
            "end",
            lambda w, c: _post(
                c(w.leader), "centres:hours_delete", [w.centre_a.pk, w.hours_a.pk], {"end": "1"}
            ),
        ),
        (
            "delete as a correction",
            lambda w, c: _post(
                c(w.leader),
                "centres:hours_delete",
                [w.centre_a.pk, w.hours_a.pk],
                {"correction": "on", "correction_reason": "Fejl"},
            ),
        ),
    ],
    "centres.Closure": [
        (
            "add",
            lambda w, c: _post(
                c(w.leader),
                "centres:closure_add",
                [w.centre_a.pk],
                {"starts": today().isoformat(), "ends": today().isoformat(), "reason": "Kursus"},
            ),
        ),
        (
            "delete",
            lambda w, c: _post(
                c(w.leader),
                "centres:closure_delete",
                [w.centre_a.pk, w.closure_a.pk],
                {"correction": "on", "correction_reason": "Fejl"},
            ),
        ),
    ],
    "centres.RotaShift": [
        (
            "add",
            lambda w, c: _post(
                c(w.leader), "centres:rota_add", [w.centre_a.pk], rota_data(w, w.staff_b)
            ),
        ),
        (
            "change",
            lambda w, c: _post(
                c(w.leader),
                "centres:rota_edit",
                [w.centre_a.pk, w.rota_a.pk],
                rota_data(w, w.staff_a),
            ),
        ),
        (
            "delete",
            lambda w, c: _post(
                c(w.leader),
                "centres:rota_delete",
                [w.centre_a.pk, w.rota_a.pk],
                {"correction": "on", "correction_reason": "Fejl"},
            ),
        ),
    ],
    "centres.StaffAbsence": [
        (
            "add",
            lambda w, c: _post(
                c(w.leader),
                "centres:absences",
                data={
                    "worker": w.staff_b.pk,
                    "first_day": (today() + ONE_DAY).isoformat(),
                    "last_day": (today() + 2 * ONE_DAY).isoformat(),
                    "reason": "sick",
                },
            ),
        ),
        (
            "delete",
            lambda w, c: _post(
                c(w.leader),
                "centres:absence_delete",
                [w.absence_a.pk],
                {"correction": "on", "correction_reason": "Fejl"},
            ),
        ),
    ],
    "centres.OpeningKindChange": [
        (
            "maybe open",
            lambda w, c: _post(
                c(w.leader), "centres:at_risk_act", [w.centre_a.pk], risk_action(w, "maybe")
            ),
        ),
    ],
    "centres.Shift": [
        (
            "add",
            lambda w, c: _post(
                c(w.staff_a),
                "centres:shifts",
                [w.centre_a.pk],
                next_opening_shift(w, w.leader),
            ),
        ),
        (
            "delete",
            lambda w, c: _post(
                c(w.staff_a),
                "centres:shift_delete",
                [w.centre_a.pk, w.shift_a.pk],
                {"correction": "on", "correction_reason": "Fejl"},
            ),
        ),
    ],
    "centres.KioskDevice": [
        (
            "register",
            lambda w, c: _post(
                c(w.leader), "centres:kiosks", data={"centre": w.centre_a.pk, "name": "Ved døren"}
            ),
        ),
        ("new code", lambda w, c: _post(c(w.leader), "centres:kiosk_new_code", [w.kiosk_a.pk])),
        (
            "rename",
            lambda w, c: _post(
                c(w.leader), "centres:kiosk_rename", [w.kiosk_a.pk], {"name": "Ved kaffen"}
            ),
        ),
        (
            "pair",
            lambda w, c: _post(c(None), "centres:kiosk_pair", data={"code": w.kiosk_a.new_code()}),
        ),
        ("revoke", lambda w, c: _post(c(w.leader), "centres:kiosk_revoke", [w.kiosk_a.pk])),
    ],
    "centres.KeyHolder": [
        (
            "add",
            lambda w, c: _post(
                c(w.staff_a), "centres:key_holder_add", data={"alias": "Uglen", "active": "on"}
            ),
        ),
        (
            "change",
            lambda w, c: _post(
                c(w.staff_a), "centres:key_holder_edit", [w.holder_a.pk], {"alias": "Ravnen"}
            ),
        ),
    ],
    "centres.KeyFob": [
        (
            "add",
            lambda w, c: _post(
                c(w.staff_a),
                "centres:key_fob_add",
                data={"number": "76F-99", "centres": [w.centre_a.pk]},
            ),
        ),
        (
            "lost",
            lambda w, c: _post(
                c(w.staff_a), "centres:key_fob_lost", [w.fob_a.pk], {"date": today().isoformat()}
            ),
        ),
        (
            "found",
            lambda w, c: _post(
                c(w.staff_a),
                "centres:key_fob_found",
                [w.lost_fob_a.pk],
                {"date": today().isoformat()},
            ),
        ),
        (
            "retire",
            lambda w, c: _post(
                c(w.staff_a), "centres:key_fob_retire", [w.fob_a.pk], {"date": today().isoformat()}
            ),
        ),
    ],
    "centres.KeyLoan": [
        (
            "return",
            lambda w, c: _post(
                c(w.staff_a), "centres:key_return", [w.loan_a.pk], {"date": today().isoformat()}
            ),
        ),
        (
            "lost closes it",
            lambda w, c: _post(
                c(w.staff_a), "centres:key_fob_lost", [w.fob_a.pk], {"date": today().isoformat()}
            ),
        ),
        (
            "retire closes it",
            lambda w, c: _post(
                c(w.staff_a), "centres:key_fob_retire", [w.fob_a.pk], {"date": today().isoformat()}
            ),
        ),
        (
            "lend",
            lambda w, c: _post(
                c(w.staff_a),
                "centres:key_lend",
                data={
                    "fob": w.spare_fob_a.pk,
                    "holder": w.holder_a.pk,
                    "issued": today().isoformat(),
                },
            ),
        ),
    ],
    "advice.OutreachHours": [
        (
            "add",
            lambda w, c: _post(
                c(w.staff_a),
                "advice:outreach_hours_create",
                data=outreach_data(w, valid_from=today().isoformat()),
            ),
        ),
        (
            "change from a date",
            lambda w, c: _post(
                c(w.staff_a),
                "advice:outreach_hours_edit",
                [w.outreach_hours_a.pk],
                outreach_data(w, end_time="11:00", valid_from=(today() + ONE_DAY).isoformat()),
            ),
        ),
    ],
    "advice.OutreachAbsence": [
        (
            "add",
            lambda w, c: _post(
                c(w.staff_a),
                "advice:absence_create",
                [w.outreach_hours_a.pk],
                {
                    "start_date": (today() + 30 * ONE_DAY).isoformat(),
                    "end_date": (today() + 31 * ONE_DAY).isoformat(),
                    "reason": "holiday",
                },
            ),
        ),
        (
            "remove",
            lambda w, c: _post(
                c(w.staff_a),
                "advice:absence_delete",
                [w.outreach_absence_a.pk],
                {"correction": "on", "correction_reason": "Fejl"},
            ),
        ),
    ],
    "activities.Schedule": [
        (
            "add",
            lambda w, c: _post(c(w.staff_a), "activities:activity_create", data=activity_data(w)),
        ),
        (
            "change",
            lambda w, c: _post(
                c(w.staff_a),
                "activities:activity_edit",
                [w.activity.pk],
                activity_data(
                    w, title=w.activity.title, valid_from=(today() + 7 * ONE_DAY).isoformat()
                ),
            ),
        ),
        ("second team", lambda w, c: _second_team(w, c)),
    ],
    "incidents.Incident": [
        ("quick", lambda w, c: _post(c(w.staff_a), "incidents:quick", data=quick_data(w))),
        ("full", lambda w, c: _post(c(w.staff_a), "incidents:create", data=full_data(w))),
        ("advance", lambda w, c: _post(c(w.leader), "incidents:advance", [w.incident_a.pk])),
        (
            "reporting",
            lambda w, c: _post(
                c(w.leader),
                "incidents:reporting",
                [w.incident_a.pk],
                {"police_reported_on": today().isoformat(), "police_reference": "1234-56789"},
            ),
        ),
    ],
    "incidents.FollowUpItem": [
        (
            "add",
            lambda w, c: _post(
                c(w.leader),
                "incidents:follow_up_create",
                [w.incident_a.pk],
                {"kind": "debrief", "owner": w.staff_a.pk, "due_on": today().isoformat()},
            ),
        ),
        (
            "done",
            lambda w, c: _post(
                c(w.staff_a), "incidents:follow_up_done", [w.incident_a.pk, w.follow_up_a.pk]
            ),
        ),
    ],
    "incidents.Ban": [
        (
            "issue",
            lambda w, c: _post(
                c(w.leader), "incidents:ban_create", data=ban_data(w, alias="Mågen")
            ),
        ),
        (
            "change",
            lambda w, c: _post(
                c(w.leader), "incidents:ban_edit", [w.ban_a.pk], _ban_as_posted(w, w.ban_a)
            ),
        ),
    ],
    "incidents.RiskAssessment": [
        (
            "write",
            lambda w, c: _post(
                c(w.staff_a),
                "incidents:risk_create",
                [w.centre_a.pk],
                {
                    "assessed_on": today().isoformat(),
                    "risks": "Knive i køkkenet",
                    "measures": "Knive låses inde",
                    "review_on": (today() + 300 * ONE_DAY).isoformat(),
                },
            ),
        ),
    ],
    "incidents.DaySheet": [
        (
            "fill in",
            lambda w, c: _post(
                c(w.staff_b), "incidents:day_sheet", [w.centre_b.pk], sheet_data(threat_10=1)
            ),
        ),
        (
            "correct",
            lambda w, c: _post(
                c(w.staff_a),
                "incidents:day_sheet",
                [w.centre_a.pk],
                sheet_data(**SHEET_A, note="Rettet"),
            ),
        ),
    ],
    "incidents.DaySheetEntry": [
        ("added", lambda w, c: _correct_day_sheet(w, c, "+", other_16=1)),
        ("changed", lambda w, c: _correct_day_sheet(w, c, "~", threat_10=3)),
        ("removed", lambda w, c: _correct_day_sheet(w, c, "-", threat_10="")),
    ],
    "incidents.QuarterReview": [
        (
            "opened by a decision",
            lambda w, c: _post(
                c(w.leader),
                "incidents:review_decision_add",
                [w.centre_b.pk, *w.last_quarter],
                decision_data(w.staff_b),
            ),
        ),
        (
            "opened by a signature",
            lambda w, c: _post(
                c(w.leader), "incidents:review_sign", [w.centre_b.pk, *w.last_quarter]
            ),
        ),
        ("locked by the second signature", lambda w, c: _lock_review(w, c)),
    ],
    "incidents.ReviewDecision": [
        (
            "add",
            lambda w, c: _post(
                c(w.leader),
                "incidents:review_decision_add",
                [w.centre_a.pk, *w.last_quarter],
                decision_data(w.staff_a),
            ),
        ),
        (
            "add as the safety representative",
            lambda w, c: _post(
                c(w.safety_representative_a),
                "incidents:review_decision_add",
                [w.centre_a.pk, *w.last_quarter],
                decision_data(w.leader),
            ),
        ),
        (
            "change",
            lambda w, c: _post(
                c(w.leader),
                "incidents:review_decision_edit",
                [w.decision_a.pk],
                decision_data(w.staff_a, text="Nøglerne gennemgås på personalemødet"),
            ),
        ),
        (
            "done",
            lambda w, c: _post(c(w.staff_a), "incidents:review_decision_done", [w.decision_a.pk]),
        ),
    ],
    "incidents.ReviewSignature": [
        (
            "by the leader",
            lambda w, c: _post(
                c(w.leader), "incidents:review_sign", [w.centre_b.pk, *w.last_quarter]
            ),
        ),
        (
            "by a safety representative",
            lambda w, c: _post(
                c(w.safety_representative_a),
                "incidents:review_sign",
                [w.centre_b.pk, *w.last_quarter],
            ),
        ),
    ],
}

# Centre A's day sheet of today in the walked world: {cell: count}.
SHEET_A = {"threat_10": 2, "verbal_abuse_14": 1}


def _second_team(w, c):
    from activities.models import Category, SignUpStatus

    w.activity.category = Category.COURSE
    w.activity.capacity = 1
    w.activity.signup_required = True
    w.activity.save()
    w.activity.signups.create(name="Venter", status=SignUpStatus.WAITLIST)
    _post(c(w.leader), "activities:second_team", [w.activity.pk])


def _correct_day_sheet(w, c, change, **cells):
    """Correct centre A's day sheet of today with `cells`; the newest history row of its
    entries is `change` (+ added, ~ changed, - removed): each entry is saved or deleted
    on its own."""
    from incidents.models import DaySheetEntry

    _post(c(w.staff_a), "incidents:day_sheet", [w.centre_a.pk], sheet_data(**SHEET_A | cells))
    assert DaySheetEntry.history.latest("history_id").history_type == change


def decision_data(owner, **changes):
    return {
        "text": "Gennemgå proceduren for brugeråbent med nøgleholderne",
        "owner": owner.pk,
        "due_on": (today() + 30 * ONE_DAY).isoformat(),
        **changes,
    }


def _lock_review(w, c):
    """The leader signs centre A's review of last quarter after the safety
    representative: the second signature locks it."""
    _post(c(w.leader), "incidents:review_sign", [w.centre_a.pk, *w.last_quarter])
    w.signed_review_a.refresh_from_db()
    assert w.signed_review_a.is_locked


def _ban_as_posted(w, ban):
    data = ban_data(w, alias=ban.alias, reason="Truede en bruger")
    data.update(starts_on=ban.starts_on.isoformat(), ends_on=ban.ends_on.isoformat())
    return data


@pytest.fixture
def walked(world, client_for):
    """The personas' world with every app's objects, a spare fob to lend, a safety
    representative at centre A, centre A's day sheet of today, and its review of last
    quarter signed by the safety representative (a quarter must be over to be signed)."""
    from incidents.models import QuarterReview
    from incidents.review import previous_quarter_of, quarter_of_day
    from tests.centres.factories import KeyFobFactory
    from tests.incidents.factories import safety_representative

    for extend in (centres_world, activities_world, advice_world, incidents_world):
        extend(world)
    world.spare_fob_a = KeyFobFactory(organisation=world.org_a, centres=[world.centre_a])
    world.safety_representative_a = safety_representative(world, world.centre_a)
    _post(
        client_for(world.staff_a), "incidents:day_sheet", [world.centre_a.pk], sheet_data(**SHEET_A)
    )
    world.last_quarter = previous_quarter_of(*quarter_of_day(today()))
    sign = [world.centre_a.pk, *world.last_quarter]
    _post(client_for(world.safety_representative_a), "incidents:review_sign", sign)
    world.signed_review_a = QuarterReview.objects.get(
        centre=world.centre_a, year=world.last_quarter[0], quarter=world.last_quarter[1]
    )
    return world


def test_every_tracked_model_has_its_write_paths_walked():
    assert [m._meta.label for m in tracked_models()] == sorted(WRITE_PATHS)


@pytest.fixture
def queryset_writes(monkeypatch):
    """Queryset writes on tracked models while the test runs: (method, model label)."""
    tracked = set(tracked_models())
    seen = []
    for method in ("update", "bulk_create", "bulk_update"):
        original = getattr(QuerySet, method)

        def spy(self, *args, _original=original, _method=method, **kwargs):
            if self.model in tracked:
                seen.append((_method, self.model._meta.label))
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(QuerySet, method, spy)
    return seen


@pytest.mark.parametrize(
    ("label", "path"),
    [(label, name) for label, paths in sorted(WRITE_PATHS.items()) for name, _f in paths],
)
def test_each_write_path_records_history(walked, client_for, queryset_writes, label, path):
    model = apps.get_model(label)
    write = dict(WRITE_PATHS[label])[path]
    before = model.history.count()
    write(walked, client_for)
    assert model.history.count() > before, f"{label} {path} left no history row"
    assert queryset_writes == [], f"{label} {path} wrote past the history: {queryset_writes}"


# --- The code ---------------------------------------------------------------------------

QUERYSET_WRITES = ("update", "bulk_create", "bulk_update")


def app_sources():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def names_for(models):
    """{name used in code: model name}: class names and reverse accessors."""
    names = {}
    for model in models:
        names[model.__name__] = model.__name__
        for field in model._meta.fields:
            if field.is_relation and field.remote_field.related_name:
                names[field.remote_field.related_name] = model.__name__
    return names


def queryset_writes_in(source, names):
    """(line, model name) of each update/bulk write whose receiver names a tracked model
    or one of its reverse accessors."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in QUERYSET_WRITES
        ):
            continue
        for part in ast.walk(node.func.value):
            name = part.id if isinstance(part, ast.Name) else getattr(part, "attr", None)
            if name in names:
                found.append((node.lineno, names[name]))
                break
    return found


def test_no_queryset_write_on_a_tracked_model_skips_its_history():
    names = names_for(tracked_models())
    found = {}
    for path in app_sources():
        for line, model in queryset_writes_in(path.read_text(), names):
            found.setdefault((str(path.relative_to(ROOT)), model), []).append(line)
    unexplained = {key: lines for key, lines in found.items() if key not in ALLOWED}
    assert not unexplained, f"queryset writes that skip the history: {unexplained}"
    assert set(ALLOWED) <= set(found), "an allowed write is gone: drop it from ALLOWED"


def test_no_raw_sql_writes_a_tracked_table():
    tables = "|".join(re.escape(m._meta.db_table) for m in tracked_models())
    writes = re.compile(rf"\b(UPDATE|INSERT\s+INTO|DELETE\s+FROM)\s+({tables})\b", re.I)
    found = [
        (str(path.relative_to(ROOT)), match.group(0))
        for path in app_sources()
        if path.name != "scale.py"  # bulk-loads scratch data for benchmarks
        for match in writes.finditer(path.read_text())
    ]
    assert not found


def test_the_scan_sees_a_write_that_skips_history():
    names = names_for(tracked_models())
    source = (
        "KeyLoan.objects.filter(pk=1).update(returned=None)\n"
        "incident.follow_ups.update(done_on=None)\n"
        "context.update(title='x')\n"
    )
    assert queryset_writes_in(source, names) == [(1, "KeyLoan"), (2, "FollowUpItem")]
