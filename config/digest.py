"""The daily e-mail digest: each person's to-do list, sent when something on it is new or
has become due, in the person's language. Titles and links only: an item's title names
no person and holds no narrative (see centres.todo), so the e-mail does not either.

`send_digests(now)` is the periodic entry point; it sends synchronously with Django's mail
API and can be run as often as wanted: what was sent is kept per person (DigestEntry),
claimed in the same transaction as the sending, so a second run the same day sends nothing.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext

from centres.mail import send_later
from centres.models import DigestEntry, User
from config.todo import todo_for


@dataclass(frozen=True)
class DigestLine:
    key: str
    title: str
    url: str
    due_on: object
    overdue: bool
    due: bool
    # New since the last digest, or due for the first time.
    fresh: bool


def digest_lines(user, today, sent):
    """Return [DigestLine] of user's to-do list; `sent` maps keys already sent to whether
    they were sent as due."""
    lines = []
    for item in todo_for(user, today):
        due = item.due_on is not None and item.due_on <= today
        fresh = item.key not in sent or (due and not sent[item.key])
        lines.append(
            DigestLine(
                key=item.key,
                title=str(item.title),
                url=settings.BASE_URL + item.url,
                due_on=item.due_on,
                overdue=item.overdue(today),
                due=due,
                fresh=fresh,
            )
        )
    return lines


def build_digest(user, today, sent=None, items=None):
    """Return the digest e-mail for `user` on `today`, or None when nothing on the list is
    new or newly due. `sent` as in digest_lines (default: read from DigestEntry)."""
    if sent is None:
        sent = dict(DigestEntry.objects.filter(user=user).values_list("key", "sent_due"))
    with translation.override(user.language or settings.LANGUAGE_CODE):
        lines = digest_lines(user, today, sent) if items is None else items
        if not any(line.fresh for line in lines):
            return None
        context = {
            "user": user,
            "today": today,
            "fresh": [line for line in lines if line.fresh],
            "rest": [line for line in lines if not line.fresh],
            "home_url": settings.BASE_URL + "/",
            "settings_url": settings.BASE_URL + reverse("reminders"),
        }
        subject = ngettext(
            "Værested: %(count)s thing to do", "Værested: %(count)s things to do", len(lines)
        ) % {"count": len(lines)}
        message = EmailMultiAlternatives(
            subject=subject,
            body=render_to_string("digest/digest.txt", context),
            to=[user.email],
        )
        message.attach_alternative(render_to_string("digest/digest.html", context), "text/html")
    return message


def recipients():
    """Active people with a role and an e-mail address who have not opted out."""
    return (
        User.objects.filter(is_active=True, receives_digest=True, organisation__isnull=False)
        .exclude(role="")
        .exclude(email="")
        .order_by("pk")
    )


def send_digest(user, today):
    """Send user's digest if anything is new or newly due; True if sent. The keys sent are
    claimed under a lock on the person, in the transaction that hands the mail to the
    queue (centres.mail.send_later), so two runs at once or one after the other send each
    item once, and a person whose address is refused holds up nobody else's."""
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()
        sent = dict(DigestEntry.objects.filter(user=user).values_list("key", "sent_due"))
        with translation.override(user.language or settings.LANGUAGE_CODE):
            lines = digest_lines(user, today, sent)
        message = build_digest(user, today, sent, items=lines)
        # Forget items no longer on the list: one that comes back is news again.
        DigestEntry.objects.filter(user=user).exclude(key__in=[x.key for x in lines]).delete()
        if message is None:
            return False
        DigestEntry.objects.bulk_create(
            [
                DigestEntry(user=user, key=line.key, sent_on=today, sent_due=line.due)
                for line in lines
            ],
            update_conflicts=True,
            unique_fields=["user", "key"],
            update_fields=["sent_on", "sent_due"],
        )
        send_later(message.to, message.subject, message.body, html=message.alternatives[0].content)
        return True


def send_digests(now=None):
    """Hand today's digest to the queue for everyone it is due for; return how many."""
    today = timezone.localdate(now or timezone.now())
    return sum(send_digest(user, today) for user in recipients())
