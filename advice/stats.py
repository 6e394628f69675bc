"""Figures on advice: counted in SQL, a fixed number of queries whatever the period.

Where figures leave the staff room (exports, and the page association members see) they
are suppressed with the organisation's threshold (`centres.suppression`): small cells
are hidden, and so are the cells a small one could be worked out from with the total
shown beside them.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext_lazy as _

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
from centres.suppression import suppress, suppress_line

# --- Figures ----------------------------------------------------------------------------


@dataclass
class Row:
    label: str
    count: int | None
    share: float | None  # percent of contacts; None when hidden or no contacts


@dataclass
class Table:
    key: str
    title: str
    rows: list[Row]
    total: int | None
    # Whether the rows add up to the total (one category per contact).
    additive: bool = True


@dataclass
class Month:
    month: datetime.date
    contacts: int | None
    new: int | None
    held: int | None
    no_show: int | None
    cancelled: int | None

    @property
    def no_show_rate(self):
        return no_show_rate(self.held, self.no_show)


@dataclass
class Figures:
    start: datetime.date
    end: datetime.date
    suppressed: bool
    total: int | None
    # The smallest number shown when suppressed (the organisation's threshold).
    threshold: int | None = None
    tables: list[Table] = field(default_factory=list)
    months: list[Month] = field(default_factory=list)
    month_totals: Month | None = None

    def table(self, key):
        return next(t for t in self.tables if t.key == key)

    @property
    def no_show_rate(self):
        return self.month_totals.no_show_rate if self.month_totals else None


def no_show_rate(held, no_show):
    """No-shows as a percent of meetings that were not cancelled; None if unknown."""
    if held is None or no_show is None or held + no_show == 0:
        return None
    return 100 * no_show / (held + no_show)


def share(count, total):
    if count is None or not total:
        return None
    return 100 * count / total


def months_between(start, end):
    month = start.replace(day=1)
    while month <= end:
        yield month
        month = (month + datetime.timedelta(days=32)).replace(day=1)


CHOICE_TABLES = [
    ("channel", _("Channel"), Channel),
    ("duration", _("Duration"), Duration),
    ("outcome", _("Outcome"), Outcome),
    ("helper_role", _("Who helped"), HelperRole),
]


def compute(
    *, contacts, meetings, centres, organisation_id, start, end, suppressed, threshold=None
):
    """Return the Figures of `contacts` and `meetings` (already scoped and filtered),
    suppressed with `threshold` (the organisation's) when `suppressed`.

    Six queries: one aggregate over contacts, topics, topic counts, centre counts,
    contacts per month and meetings per month.
    """
    if suppressed and threshold is None:
        raise ValueError("suppressed figures need the organisation's threshold")
    contacts = contacts.filter(date__gte=start, date__lte=end)
    meetings = meetings.filter(month__gte=start.replace(day=1), month__lte=end)

    # One row per combination of answers, added up here: a filtered count per answer
    # took the ORM longer to compile than the database to run.
    keys = [key for key, _title, _choices in CHOICE_TABLES]
    counts = Counter()
    for row in contacts.values(*keys, "new_to_service").annotate(n=Count("pk")).order_by():
        counts["total"] += row["n"]
        counts["new"] += row["n"] if row["new_to_service"] else 0
        for key in keys:
            counts[f"{key}__{row[key]}"] += row["n"]
    total = counts["total"]

    topics = list(Topic.objects.filter(organisation_id=organisation_id))
    per_topic = dict(
        ContactTopic.objects.filter(contact__in=contacts)
        .values("topic_id")
        # A topic is on a contact at most once (unique constraint): no DISTINCT needed.
        .annotate(n=Count("contact_id"))
        .values_list("topic_id", "n")
    )
    # Retired topics only where used in the period.
    topics = [t for t in topics if not t.retired or per_topic.get(t.pk)]

    per_centre = dict(
        contacts.values("centre_id").annotate(n=Count("pk")).values_list("centre_id", "n")
    )

    per_month = {
        row["month"]: row
        for row in contacts.annotate(month=TruncMonth("date"))
        .values("month")
        .annotate(n=Count("pk"), new=Count("pk", filter=Q(new_to_service=True)))
        .order_by()
    }
    meetings_per_month = {
        row["month"]: row
        for row in meetings.values("month")
        .annotate(held=Sum("held"), no_show=Sum("no_show"), cancelled=Sum("cancelled"))
        .order_by()
    }

    def table(key, title, labelled_counts, additive=True):
        labels = [label for label, _count in labelled_counts]
        values = [count for _label, count in labelled_counts]
        if suppressed:
            # A contact has one answer of each kind, so those add up to the contacts; it
            # can have several topics, so they need not, but where every contact has one
            # they do: protected as if they did.
            shown, shown_total = suppress_line(values, threshold, total=total)
        else:
            shown, shown_total = values, total
        rows = [
            Row(label=label, count=count, share=share(count, total))
            for label, count in zip(labels, shown, strict=True)
        ]
        return Table(key=key, title=title, rows=rows, total=shown_total, additive=additive)

    tables = [
        table(
            "topics",
            _("Topics (a contact can have several)"),
            # In the topics' own order: sorting by count would rank the hidden ones.
            [(t.label, per_topic.get(t.pk, 0)) for t in topics],
            additive=False,
        ),
    ]
    for key, title, choices in CHOICE_TABLES:
        tables.append(
            table(
                key,
                title,
                [(label, counts[f"{key}__{value}"]) for value, label in choices.choices],
            )
        )
    tables.append(
        table(
            "new_to_service",
            _("New to the service"),
            [(_("New"), counts["new"]), (_("Known"), total - counts["new"])],
        )
    )
    tables.append(
        table("centre", _("Centre"), [(c.name, per_centre.get(c.pk, 0)) for c in centres])
    )

    months = list(months_between(start, end))

    def month_values(name, source):
        return [(source.get(m) or {}).get(name) or 0 for m in months]

    # Month by month: contacts, new contacts, meetings held, no-shows and cancelled, each
    # column with its total (the columns do not add up across).
    columns = [
        month_values("n", per_month),
        month_values("new", per_month),
        month_values("held", meetings_per_month),
        month_values("no_show", meetings_per_month),
        month_values("cancelled", meetings_per_month),
    ]
    if suppressed:
        # Monthly new contacts would add up to the new-to-service count, which the
        # table may hide to protect the count of known visitors: left out.
        del columns[1]
        published = suppress(
            [list(row) for row in zip(*columns, strict=True)], threshold, column_totals=True
        )
        month_rows = [[row[0], None, *row[1:]] for row in published.cells]
        month_sums = [published.column_totals[0], None, *published.column_totals[1:]]
    else:
        month_rows = [list(row) for row in zip(*columns, strict=True)]
        month_sums = [sum(column) for column in columns]
    return Figures(
        start=start,
        end=end,
        suppressed=suppressed,
        total=None if suppressed and total < threshold else total,
        threshold=threshold if suppressed else None,
        tables=tables,
        months=[Month(m, *row) for m, row in zip(months, month_rows, strict=True)],
        month_totals=Month(None, *month_sums),
    )


def topics_per_centre(centre_ids, organisation_id, start, end):
    """Return (topics, {centre id: {topic id: contacts}}, {centre id: contacts}) for the
    contacts from `start` to `end`; retired topics only where used. Three queries."""
    contacts = Contact.objects.filter(centre_id__in=centre_ids, date__gte=start, date__lte=end)
    counts = {}
    for centre_id, topic_id, n in (
        ContactTopic.objects.filter(contact__in=contacts)
        .values("contact__centre_id", "topic_id")
        .annotate(n=Count("contact_id"))
        .order_by()
        .values_list("contact__centre_id", "topic_id", "n")
    ):
        counts.setdefault(centre_id, {})[topic_id] = n
    used = {topic_id for row in counts.values() for topic_id in row}
    topics = [
        t
        for t in Topic.objects.filter(organisation_id=organisation_id)
        if not t.retired or t.pk in used
    ]
    totals = dict(
        contacts.values("centre_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("centre_id", "n")
    )
    return topics, counts, totals


def contacts_and_no_show_rate(centre_ids, start, end):
    """Return (advice contacts, no-show rate) from `start` to `end`: the two figures that
    `compute` gives as `total` and `no_show_rate`, without its tables. Two queries."""
    total = Contact.objects.filter(centre_id__in=centre_ids, date__gte=start, date__lte=end).count()
    meetings = MeetingTally.objects.filter(
        centre_id__in=centre_ids, month__gte=start.replace(day=1), month__lte=end
    ).aggregate(held=Sum("held"), no_show=Sum("no_show"))
    return total, no_show_rate(meetings["held"] or 0, meetings["no_show"] or 0)
