import datetime
import io

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db.models import Count, F, Q
from django.utils import timezone

from activities.models import Activity
from advice.models import ContactTopic
from centres.models import (
    Centre,
    KeyLoan,
    OpeningKind,
    Organisation,
    Shift,
    User,
    UserRunOpening,
    VisitCount,
)
from centres.openings import openings_for
from centres.scale import Plan
from incidents import review
from incidents.models import (
    Ban,
    DaySheet,
    DaySheetEntry,
    FollowUpItem,
    Incident,
    QuarterReview,
    ReviewDecision,
    ReviewSignature,
    SignatoryRole,
)

APPS = ["centres", "activities", "advice", "incidents"]


@pytest.fixture
def scale(db, settings):
    """Eight centres of two organisations over a year: small enough to check by hand."""
    settings.DEBUG = True
    out = io.StringIO()
    call_command("seed_scale", centres=8, years=1, seed=7, password="kendt-kodeord", stdout=out)
    return out.getvalue()


def test_refuses_without_debug(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DJANGO_DEBUG"):
        call_command("seed_scale", centres=1, years=1)
    assert not Organisation.objects.exists()


def test_refuses_a_database_with_data(db, settings):
    settings.DEBUG = True
    Organisation.objects.create(name="Already here")
    with pytest.raises(CommandError, match="--replace"):
        call_command("seed_scale", centres=1, years=1)
    assert Organisation.objects.count() == 1


# Rows the running app writes for itself, not data a centre would have: one-time tokens,
# the opening-hours summary, worked out when the dashboard first asks, the to-do items a
# daily digest has sent, why a queue job failed, and the ids of counter taps, kept a week
# so that a batch sent twice counts once.
NOT_DATA = {
    "centres.SubmissionToken",
    "centres.OpeningMonth",
    "centres.DigestEntry",
    "centres.TallyEvent",
    "centres.JobFailure",
}


def test_fills_every_model_and_reports_counts(scale):
    empty = [
        model._meta.label
        for label in APPS
        for model in apps.get_app_config(label).get_models()
        if not model.__name__.startswith("Historical")
        and model._meta.label not in NOT_DATA
        and not model.objects.exists()
    ]
    assert empty == []
    assert Organisation.objects.count() == 2
    assert Centre.objects.count() == 8
    assert "centres_visitcount" in scale and "8 centres over 1 years" in scale


@pytest.mark.parametrize(
    ("centres", "layout"),
    [(400, [20] + [4] * 95), (24, [12, 4, 4, 4]), (8, [4, 4]), (5, [4, 1]), (2, [2]), (1, [1])],
)
def test_one_large_organisation_among_organisations_of_four(centres, layout):
    plan = Plan(centres=centres, years=1, seed=1, today=datetime.date(2026, 1, 1))
    assert plan.organisations == len(layout)
    assert plan.large == layout[0]


def test_the_first_organisation_is_the_large_one(db, settings):
    settings.DEBUG = True
    call_command("seed_scale", centres=24, years=1, stdout=io.StringIO())
    sizes = list(
        Organisation.objects.annotate(n=Count("centres")).order_by("pk").values_list("n", flat=True)
    )
    assert sizes == [12, 4, 4, 4]
    assert User.objects.get(username="leder-1").organisation.centres.count() == 12


def test_tallies_are_plausible_and_only_within_opening_hours(scale):
    assert not VisitCount.objects.filter(Q(visits__lt=0) | Q(new_visits__gt=F("visits")))
    centres = list(Centre.objects.all())
    counts = VisitCount.objects.order_by()
    first, last = min(c.date for c in counts), max(c.date for c in counts)
    assert last < timezone.localdate()
    start = datetime.datetime.combine(first, datetime.time(), tzinfo=datetime.UTC)
    end = datetime.datetime.combine(last, datetime.time(23, 59), tzinfo=datetime.UTC)
    open_hours = set()
    for centre_id, openings in openings_for(centres, start, end).items():
        for opening in openings:
            kind = "staffed" if opening.kind == OpeningKind.STAFFED else "user_run"
            moment = opening.start
            while moment < opening.end:
                local = timezone.localtime(moment)
                open_hours.add((centre_id, local.date(), local.hour, kind))
                moment += datetime.timedelta(hours=1)
    outside = [
        (c.centre_id, c.date, c.hour, c.kind)
        for c in counts
        if (c.centre_id, c.date, c.hour, c.kind) not in open_hours
    ]
    assert outside == []
    assert counts.filter(kind="staffed").count() > counts.filter(kind="user_run").count() > 0


def test_staffed_openings_have_one_or_two_staff(scale):
    per_opening = Shift.objects.values("centre", "starts").annotate(n=Count("id"))
    assert {row["n"] for row in per_opening} == {1, 2}
    assert not Shift.objects.exclude(worker__role="staff").exists()


def test_every_row_stays_in_its_organisation(scale):
    org = "centre__organisation"
    assert not Shift.objects.exclude(worker__organisation=F(org)).exists()
    assert not User.objects.filter(centres__isnull=False).exclude(
        centres__organisation=F("organisation")
    )
    assert not Activity.objects.exclude(centres__organisation=F("organisation")).exists()
    assert not ContactTopic.objects.exclude(
        topic__organisation=F("contact__centre__organisation")
    ).exists()
    assert not KeyLoan.objects.exclude(holder__organisation=F("fob__organisation")).exists()
    assert not UserRunOpening.objects.exclude(key_holder__organisation=F(org)).exists()
    assert not Incident.objects.exclude(reported_by__organisation=F(org)).exists()
    assert not FollowUpItem.objects.exclude(
        owner__organisation=F("incident__centre__organisation")
    ).exists()
    assert not Ban.objects.exclude(decided_by__organisation=F("organisation")).exists()


def test_known_password_signs_in_leaders_and_staff_only(scale):
    def signs_in(username):
        return User.objects.get(username=username).check_password("kendt-kodeord")

    assert signs_in("leder-1") and signs_in("personale-1-0")
    assert not signs_in("forening-1")


def test_day_sheets_are_for_days_with_a_staffed_opening(scale):
    sheets = list(DaySheet.objects.select_related("centre", "filled_in_by"))
    assert sheets and max(s.day for s in sheets) < timezone.localdate()
    first = min(s.day for s in sheets)
    start = datetime.datetime.combine(first, datetime.time(), tzinfo=datetime.UTC)
    end = datetime.datetime.combine(timezone.localdate(), datetime.time(), tzinfo=datetime.UTC)
    centres = list(Centre.objects.all())
    staffed = {
        (centre_id, timezone.localdate(o.start))
        for centre_id, openings in openings_for(centres, start, end).items()
        for o in openings
        if o.kind == OpeningKind.STAFFED
    }
    assert {(s.centre_id, s.day) for s in sheets} <= staffed
    assert all(s.filled_in_by.role == "staff" for s in sheets)
    assert all(s.centre in s.filled_in_by.centres.all() for s in sheets[:50])
    quiet = DaySheet.objects.filter(no_episodes=True)
    assert quiet.count() > DaySheet.objects.filter(no_episodes=False).count() > 0
    assert not quiet.filter(entries__isnull=False).exists()
    assert not DaySheet.objects.filter(no_episodes=False, entries__isnull=True).exists()
    assert DaySheetEntry.objects.values("kind").distinct().count() > 1


def test_every_organisation_has_a_safety_representative(scale):
    representatives = User.objects.filter(is_safety_representative=True, role="staff")
    assert set(representatives.values_list("organisation", flat=True)) == set(
        Organisation.objects.values_list("pk", flat=True)
    )


def test_past_quarters_are_reviewed_and_signed_by_leader_and_representative(scale):
    today = timezone.localdate()
    reviews = QuarterReview.objects.select_related("centre").prefetch_related(
        "signatures__signed_by", "decisions__owner"
    )
    assert {r.centre_id for r in reviews} == set(Centre.objects.values_list("pk", flat=True))
    for r in reviews:
        assert review.quarter_days(r.year, r.quarter)[1] < today
        signatures = {s.role: s for s in r.signatures.all()}
        for s in signatures.values():
            assert review.may_take_part(s.signed_by, r.centre)
            assert s.signed_at >= review.quarter_span(r.year, r.quarter)[1]
        if r.is_locked:
            assert set(signatures) == set(SignatoryRole.values)
            assert r.locked_at == max(s.signed_at for s in signatures.values())
        else:
            assert len(signatures) < 2
        decisions = r.decisions.all()
        assert 1 <= len(decisions) <= 3
        next_first, next_last = review.quarter_days(
            *review.quarter_of_day(
                review.quarter_days(r.year, r.quarter)[1] + datetime.timedelta(days=1)
            )
        )
        for d in decisions:
            assert review.may_take_part(d.owner, r.centre)
            assert next_first <= d.due_on <= next_last
            assert d.done_on is None or d.done_on < today
    assert QuarterReview.objects.filter(locked_at__isnull=False).exists()
    assert ReviewDecision.objects.filter(done_on__isnull=False).count() > (
        ReviewDecision.objects.open().count()
    )


def test_signatures_keep_the_figures_the_review_counts(scale):
    signatures = ReviewSignature.objects.select_related("review__centre")
    assert signatures
    for signature in signatures:
        r = signature.review
        figures = review.as_stored(review.quarter_figures(r.centre, r.year, r.quarter))
        kept = dict(signature.figures)
        # Follow-up done later than the signing counts as open in the snapshot.
        assert kept.pop("follow_ups")["total"] == figures.pop("follow_ups")["total"]
        assert kept == figures
    assert any(s.figures["reports"] for s in signatures)
    assert any(s.figures["day_sheet_episodes"] for s in signatures)
