"""The daily digest: in the person's language, only when something is new or newly due,
never twice, never for those who opted out, and never with an alias or a narrative."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from centres.models import DigestEntry
from config.digest import build_digest, send_digests
from tests.config.todo_support import CPH, TODAY, checked, days
from tests.incidents.factories import (
    BanFactory,
    FollowUpItemFactory,
    IncidentFactory,
)
from tests.queue_support import run_due_jobs

MORNING = datetime.datetime(2026, 12, 9, 6, 0, tzinfo=CPH)


@pytest.fixture
def quiet(world):
    """A world where nothing is due for anyone."""
    with time_machine.travel(MORNING, tick=False):
        checked(world)
        yield world


def follow_up(world, due_on, owner=None):
    incident = IncidentFactory(
        centre=world.centre_a,
        involved_aliases=["Gråspurven"],
        summary="Kastede en kop mod køleskabet og truede Hansine",
    )
    return FollowUpItemFactory(incident=incident, owner=owner or world.staff_a, due_on=due_on)


def send(now=None):
    """send_digests, then the worker: what leaves by mail."""
    handed = send_digests(now)
    run_due_jobs()
    return handed


def sent_to(user):
    return [message for message in mail.outbox if message.to == [user.email]]


def test_nothing_due_sends_nothing(quiet):
    assert send(MORNING) == 0
    assert mail.outbox == []


def test_digest_has_titles_and_absolute_links_but_no_alias_or_narrative(quiet, settings):
    settings.BASE_URL = "https://vaerested.example.org"
    item = follow_up(quiet, days(2))
    BanFactory(
        alias="Gråspurven",
        description="Rød jakke, synger højt",
        reason="Slog ud efter Hansine",
        centre=quiet.centre_a,
        decided_by=quiet.leader,
        starts_on=days(-10),
        ends_on=days(3),
    )
    assert send(MORNING) == 2  # the leader and staff member A
    [message] = sent_to(quiet.leader)
    html = message.alternatives[0].content
    for text in (message.subject, message.body, html):
        for secret in ("Gråspurven", "Hansine", "køleskabet", "Rød jakke", "Slog ud"):
            assert secret not in text
    assert f"https://vaerested.example.org/incidents/{item.incident_id}/" in message.body
    assert 'href="https://vaerested.example.org/incidents/bans/' in html
    assert "Karantæne" in message.body
    assert "https://vaerested.example.org" + reverse("reminders") in message.body


def test_in_the_persons_language(quiet):
    follow_up(quiet, days(2))
    quiet.staff_a.language = "en"
    quiet.staff_a.save()
    send(MORNING)
    [message] = sent_to(quiet.staff_a)
    assert "to do" in message.subject
    assert "Follow up" in message.body
    [danish] = sent_to(quiet.leader)
    assert "at gøre" in danish.subject
    assert "Opfølgning" in danish.body


def test_opted_out_gets_nothing(quiet):
    follow_up(quiet, days(2))
    quiet.staff_a.receives_digest = False
    quiet.staff_a.save()
    send(MORNING)
    assert sent_to(quiet.staff_a) == []
    assert len(sent_to(quiet.leader)) == 1


def test_not_sent_twice_but_again_when_new_or_newly_due(quiet):
    item = follow_up(quiet, days(3))
    assert send(MORNING) == 2
    assert send(MORNING + datetime.timedelta(hours=2)) == 0
    assert DigestEntry.objects.filter(user=quiet.staff_a).count() == 1
    # The next day nothing has changed: nothing.
    with time_machine.travel(MORNING + datetime.timedelta(days=1), tick=False):
        assert send() == 0
    # A new item: staff member A hears of both, the new one marked as new.
    newer = follow_up(quiet, days(5))
    with time_machine.travel(MORNING + datetime.timedelta(days=1), tick=False):
        assert send() == 2
    message = sent_to(quiet.staff_a)[-1]
    fresh, rest = message.body.split("Står stadig på listen")
    assert f"/incidents/{newer.incident_id}/" in fresh
    assert f"/incidents/{item.incident_id}/" in rest
    # The day it falls due it is sent again, once.
    with time_machine.travel(MORNING + datetime.timedelta(days=3), tick=False):
        assert send() == 2
        assert send() == 0
    assert "Forfalder i dag" in sent_to(quiet.staff_a)[-1].body


def test_done_items_are_forgotten_and_build_digest_alone_writes_nothing(quiet):
    item = follow_up(quiet, days(2))
    assert build_digest(quiet.staff_a, TODAY) is not None
    assert not DigestEntry.objects.exists()
    send(MORNING)
    item.done_on = TODAY
    item.save()
    assert send(MORNING) == 0
    assert not DigestEntry.objects.filter(user=quiet.staff_a).exists()
    assert build_digest(quiet.staff_a, TODAY) is None


def test_an_address_refused_holds_up_nobody_else_and_is_tried_again(quiet, monkeypatch):
    """Each person's digest is a mail job of its own: the leader's refused address does
    not stop staff member A's digest, and the leader's is tried again later, once."""
    import smtplib

    from django.core.mail import EmailMultiAlternatives

    follow_up(quiet, days(2))
    send_mail = EmailMultiAlternatives.send

    def refuse_the_leader(self, *args, **kwargs):
        if self.to == [quiet.leader.email]:
            raise smtplib.SMTPRecipientsRefused({quiet.leader.email: (550, b"no such user")})
        return send_mail(self, *args, **kwargs)

    monkeypatch.setattr(EmailMultiAlternatives, "send", refuse_the_leader)
    assert send(MORNING) == 2
    assert [m.to for m in mail.outbox] == [[quiet.staff_a.email]]
    # Claimed with its job: a second run hands nothing new to the queue.
    assert send(MORNING) == 0
    monkeypatch.setattr(EmailMultiAlternatives, "send", send_mail)
    with time_machine.travel(MORNING + datetime.timedelta(minutes=5), tick=False):
        run_due_jobs()
    assert sorted(m.to[0] for m in mail.outbox) == sorted([quiet.staff_a.email, quiet.leader.email])


def test_people_without_an_address_or_inactive_get_nothing(quiet):
    follow_up(quiet, days(2))
    quiet.staff_a.email = ""
    quiet.staff_a.save()
    quiet.leader.is_active = False
    quiet.leader.save()
    assert send(MORNING) == 0


def test_the_command_sends_and_says_how_many(quiet):
    from io import StringIO

    from django.core.management import call_command

    follow_up(quiet, days(2))
    out = StringIO()
    call_command("send_digests", stdout=out)
    assert out.getvalue().strip() == "2 sent"
    run_due_jobs()
    assert len(mail.outbox) == 2
    call_command("send_digests", stdout=out)
    assert out.getvalue().strip().endswith("0 sent")


def test_the_morning_job_on_the_queue_sends_the_digest_once(quiet, run_jobs):
    """The queue's 07:00 task sends what send_digests sends; the same slot run again,
    or the other UTC hour of the slot (06:00 here in winter), sends nothing more."""
    from config.tasks import send_digest_daily

    follow_up(quiet, days(2))
    seven = datetime.datetime(2026, 12, 9, 7, 0, tzinfo=CPH)
    for slot in (seven, seven - datetime.timedelta(hours=1), seven):
        send_digest_daily.defer(timestamp=int(slot.timestamp()))
        run_jobs()
    assert sorted(m.to[0] for m in mail.outbox) == sorted([quiet.leader.email, quiet.staff_a.email])
