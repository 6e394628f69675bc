"""The monthly summaries of advice contacts and their topics stay equal to a recount of the
contacts whatever writes them, also two writers at once, and the figures read from them
agree with those counted from the contacts alone."""

import datetime
import threading
from collections import Counter

import pytest
from django.db import connections, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advice import stats
from advice.models import (
    Channel,
    Contact,
    ContactTopic,
    Duration,
    HelperRole,
    MeetingTally,
    Outcome,
    Topic,
)
from advice.summaries import ContactMonth, ContactMonthTotal, ContactTopicMonth
from tests.advice.factories import ContactFactory
from tests.summary_support import assert_recounted

pytestmark = pytest.mark.any_day

D = datetime.date
SUMMARIES = (ContactMonth, ContactMonthTotal, ContactTopicMonth)
day = st.integers(-40, 40).map(lambda d: D(2026, 3, 31) + datetime.timedelta(days=d))
topic_picks = st.lists(st.integers(0, 4), max_size=3, unique=True)
write = st.one_of(
    st.tuples(st.just("create"), st.integers(0, 1), day, topic_picks, st.booleans()),
    st.tuples(
        st.just("bulk"), st.integers(0, 1), st.lists(st.tuples(day, topic_picks), max_size=4)
    ),
    st.tuples(st.just("move"), st.integers(0, 9), day),
    st.tuples(st.just("recentre"), st.integers(0, 9), st.integers(0, 1)),
    st.tuples(st.just("topics"), st.integers(0, 9), topic_picks),
    st.tuples(st.just("untopic"), st.integers(0, 9)),
    st.tuples(st.just("channel"), st.sampled_from(Channel.values)),
    st.tuples(st.just("delete"), st.integers(0, 9)),
)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(writes=st.lists(write, max_size=20))
def test_any_mix_of_writes_keeps_the_summaries_equal_to_a_recount(world, writes):
    ContactTopic.objects.all().delete()
    Contact.objects.all().delete()
    topics = list(Topic.objects.ensure_defaults(world.org_a).order_by("position"))[:5]
    centres = [world.centre_a, world.centre_b]

    def pick(index):
        ids = list(Contact.objects.order_by("pk").values_list("pk", flat=True))
        return Contact.objects.get(pk=ids[index % len(ids)]) if ids else None

    for op, *args in writes:
        if op == "create":
            centre, date, chosen, new = args
            ContactFactory(
                centre=centres[centre],
                date=date,
                new_to_service=new,
                topics=[topics[i] for i in chosen],
            )
        elif op == "bulk":
            centre, specs = args
            made = Contact.objects.bulk_create(
                ContactFactory.build(centre=centres[centre], date=date) for date, _ in specs
            )
            ContactTopic.objects.bulk_create(
                ContactTopic(contact=contact, topic=topics[i])
                for contact, (_, chosen) in zip(made, specs, strict=True)
                for i in chosen
            )
        elif op == "channel":
            Contact.objects.filter(centre=world.centre_a).update(channel=args[0])
        elif (contact := pick(args[0])) is None:
            continue
        elif op == "move":
            Contact.objects.filter(pk=contact.pk).update(date=args[1])
        elif op == "recentre":
            contact.centre = centres[args[1]]
            contact.save()
        elif op == "topics":
            contact.topics.set([topics[i] for i in args[1]])
        elif op == "untopic":
            ContactTopic.objects.filter(contact=contact).delete()
        else:
            contact.delete()
        assert_recounted(*SUMMARIES)


def make_contacts(world, specs):
    topics = list(Topic.objects.ensure_defaults(world.org_a).order_by("position"))
    centres = [world.centre_a, world.centre_b]
    for i, (c, date, chosen) in enumerate(specs):
        ContactFactory(
            centre=centres[c],
            date=date,
            channel=Channel.values[i % len(Channel.values)],
            helper_role=HelperRole.values[i % len(HelperRole.values)],
            duration=Duration.values[i % len(Duration.values)],
            outcome=Outcome.values[i % len(Outcome.values)],
            new_to_service=i % 3 == 0,
            topics=[topics[t] for t in chosen],
        )


def figures(world, contacts, start, end):
    return stats.compute(
        contacts=contacts,
        meetings=MeetingTally.objects.filter(centre__organisation=world.org_a),
        centres=[world.centre_a, world.centre_b],
        organisation_id=world.org_a.pk,
        start=start,
        end=end,
        suppressed=False,
    )


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    specs=st.lists(
        st.tuples(st.integers(0, 1), day, st.lists(st.integers(0, 13), max_size=3, unique=True)),
        max_size=30,
    ),
    start=st.integers(-45, 40),
    length=st.integers(0, 100),
    retired=st.integers(0, 13),
    own=st.integers(0, 13),
)
def test_figures_of_any_period_agree_with_the_contacts(world, specs, start, length, retired, own):
    """Periods that start or end inside a month take those days from the contacts."""
    ContactTopic.objects.all().delete()
    Contact.objects.all().delete()
    Topic.objects.filter(organisation=world.org_a).delete()  # the defaults come back
    make_contacts(world, specs)
    # A retired topic shows only where used; a topic of the organisation's own by its name.
    topics = list(Topic.objects.filter(organisation=world.org_a).order_by("position", "pk"))
    Topic.objects.filter(pk=topics[retired].pk).update(retired=True)
    Topic.objects.filter(pk=topics[own].pk).update(code="", name="Vores eget emne")
    first = D(2026, 4, 1) + datetime.timedelta(days=start)
    last = first + datetime.timedelta(days=length)
    ids = [world.centre_a.pk, world.centre_b.pk]
    # Filtered on centre ids alone: the summaries; on a subquery: the contacts.
    summed = Contact.objects.filter(centre_id__in=ids)
    assert stats.centres_only(summed) == ids
    counted = Contact.objects.filter(centre__organisation=world.org_a)
    assert stats.centres_only(counted) is None
    assert figures(world, summed, first, last) == figures(world, counted, first, last)
    # The dashboard's own statement gives compute's tables.
    tables = figures(world, counted, first, last)
    assert stats.dashboard_tables(ids, world.org_a.pk, first, last) == [
        tables.table(key) for key in ("topics", "channel", "helper_role")
    ]

    contacts = Contact.objects.filter(date__gte=first, date__lte=last)
    _topics, per_centre, totals = stats.topics_per_centre(ids, world.org_a.pk, first, last)
    expected = {}
    for centre_id, topic_id in contacts.values_list("centre_id", "topics"):
        if topic_id is not None:
            row = expected.setdefault(centre_id, {})
            row[topic_id] = row.get(topic_id, 0) + 1
    assert per_centre == expected
    assert totals == dict(Counter(contacts.values_list("centre_id", flat=True)))
    assert stats.contacts_and_no_show_rate(ids, first, last) == (contacts.count(), None)
    # Several periods in one query, overlapping ones too.
    wider = (first - datetime.timedelta(days=40), last + datetime.timedelta(days=20))
    assert stats.contacts_and_no_show_rates(ids, [(first, last), wider]) == [
        (contacts.count(), None),
        (Contact.objects.filter(date__gte=wider[0], date__lte=wider[1]).count(), None),
    ]


def test_other_filters_read_the_contacts(world):
    ids = [world.centre_a.pk]
    assert stats.centres_only(Contact.objects.filter(centre_id__in=ids, channel="phone")) is None
    assert stats.centres_only(Contact.objects.filter(centre=world.centre_a)) is None
    assert stats.centres_only(Contact.objects.exclude(centre_id__in=ids)) is None


@pytest.mark.django_db(transaction=True)
def test_two_writers_at_once_keep_the_summaries_exact(world):
    topics = list(Topic.objects.ensure_defaults(world.org_a).order_by("position"))[:3]
    start = threading.Barrier(2)
    errors = []

    def writer(seed):
        try:
            start.wait()
            for i in range(25):
                with transaction.atomic():
                    contacts = Contact.objects.bulk_create(
                        ContactFactory.build(
                            centre=world.centre_a, date=D(2026, 3 + (i + seed) % 2, 28)
                        )
                        for _ in range(3)
                    )
                    ContactTopic.objects.bulk_create(
                        ContactTopic(contact=c, topic=t) for c in contacts for t in topics
                    )
                    if i % 5 == seed:
                        Contact.objects.filter(pk=contacts[0].pk).update(date=D(2026, 5, 2))
                        contacts[1].delete()
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(seed,)) for seed in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert_recounted(*SUMMARIES)
    # Three contacts a transaction, one deleted in every fifth.
    assert Contact.objects.count() == 2 * (25 * 3 - 5)
