"""Writes that span several rows: a contact with its topics, a meeting counted, an
outreach worker's absence from several of their hours."""

from django.db import IntegrityError, transaction
from django.db.models import F

from advice.models import Contact, ContactTopic, MeetingResult, MeetingTally, OutreachAbsence


@transaction.atomic
def contact_record(
    *, centre, date, topics, channel, helper_role, duration, outcome, new_to_service
):
    """Create a contact and its topics together, or nothing at all."""
    contact = Contact.objects.create(
        centre=centre,
        date=date,
        channel=channel,
        helper_role=helper_role,
        duration=duration,
        outcome=outcome,
        new_to_service=new_to_service,
    )
    ContactTopic.objects.bulk_create(
        [ContactTopic(contact=contact, topic=topic) for topic in topics]
    )
    return contact


def meeting_count(*, centre, service, day, result):
    """Add one meeting with `result` to the centre's tally for the month of `day`.

    The row is created if missing (a concurrent creator wins the unique constraint and
    we retry), then incremented in the database with F(), so no count is lost.
    """
    field = MeetingResult(result).value
    month = day.replace(day=1)
    for _attempt in range(2):
        try:
            with transaction.atomic():
                tally, _created = MeetingTally.objects.get_or_create(
                    centre=centre, service=service, month=month
                )
                MeetingTally.objects.filter(pk=tally.pk).update(**{field: F(field) + 1})
                return tally
        except IntegrityError:
            continue
    raise IntegrityError("could not create the meeting tally row")


@transaction.atomic
def absence_register(*, hours_list, start_date, end_date, reason):
    """Create one absence for each of `hours_list` from `start_date` to `end_date`, or
    none: an absence saved meanwhile on the same days raises IntegrityError (the
    exclusion constraint) and undoes them all."""
    # One by one, not bulk_create: each absence gets its history row, with who saved it.
    return [
        OutreachAbsence.objects.create(
            hours=hours, start_date=start_date, end_date=end_date, reason=reason
        )
        for hours in hours_list
    ]
