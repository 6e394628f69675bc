"""Figures on advice: counted in SQL, a fixed number of queries whatever the period.

Where figures leave the staff room (exports, and the page association members see) they
are suppressed with the organisation's threshold (`centres.suppression`): small cells
are hidden, and so are the cells a small one could be worked out from with the total
shown beside them.
"""

import datetime
import functools
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, DateField, Q, QuerySet, Sum
from django.db.models.functions import Cast, TruncMonth
from django.db.models.lookups import In
from django.db.models.sql.where import AND
from django.utils.translation import gettext_lazy as _

from advice.models import (
    Channel,
    Contact,
    ContactTopic,
    Duration,
    HelperRole,
    Outcome,
    Topic,
)
from advice.summaries import ContactMonth, ContactMonthTotal, ContactTopicMonth
from centres.reads import Read, reader, union
from centres.summaries import period_conditions, split
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
TOPICS_TITLE = _("Topics (a contact can have several)")


@dataclass
class PeriodContacts:
    """The contacts of a period, for counting: `months` and `topic_months` hold the whole
    months summed (None when read from the rows alone), `rows` the contacts of the other
    days (None when there are none)."""

    rows: QuerySet | None
    months: QuerySet | None = None
    month_totals: QuerySet | None = None
    topic_months: QuerySet | None = None

    @classmethod
    def at_centres(cls, centre_ids, start, end):
        """Every contact of the centres from `start` to `end`: whole months from the
        summaries, the days around them from the contacts."""
        first_month, end_month, spans = split(start, end)
        rows = None
        if spans:
            days = Q()
            for first, last in spans:
                days |= Q(date__gte=first, date__lte=last)
            rows = Contact.objects.filter(days, centre_id__in=centre_ids)
        if first_month == end_month:
            return cls(rows)
        whole = {
            "centre_id__in": centre_ids,
            "month__gte": first_month,
            "month__lt": end_month,
        }
        return cls(
            rows,
            ContactMonth.objects.filter(**whole).exclude(n=0),
            ContactMonthTotal.objects.filter(**whole).exclude(n=0),
            ContactTopicMonth.objects.filter(**whole).exclude(n=0),
        )

    @classmethod
    def of(cls, contacts, start, end):
        """`contacts` from `start` to `end`: from the summaries where `contacts` are all
        those of some centres (as the dashboard asks), else from the rows."""
        centre_ids = centres_only(contacts)
        if centre_ids is None:
            return cls(contacts.filter(date__gte=start, date__lte=end))
        return cls.at_centres(centre_ids, start, end)

    def count(self, *fields):
        """Rows of (*fields, contacts) in which a key may come twice. One query."""
        whole = part = None
        if self.months is not None:
            # Counts by centre, month and new to the service alone come from the smaller
            # summary, with a row per centre's month rather than per set of answers.
            months = self.month_totals if set(fields) <= TOTAL_KEYS else self.months
            whole = months.values_list(*fields).annotate(count=Sum("n")).order_by()
        if self.rows is not None:
            rows = self.rows
            if "month" in fields:
                # date_trunc() gives a timestamp: a date, as the summary's month is.
                rows = rows.annotate(month=Cast(TruncMonth("date"), DateField()))
            part = rows.values_list(*fields).annotate(count=Count("pk")).order_by()
        return union(whole, part)

    def count_topics(self, *fields):
        """Rows of (*fields, "topic_id", contacts), fields of the contact. One query."""
        whole = part = None
        if self.topic_months is not None:
            whole = (
                self.topic_months.values_list(*fields, "topic_id")
                .annotate(count=Sum("n"))
                .order_by()
            )
        if self.rows is not None:
            part = (
                ContactTopic.objects.filter(contact__in=self.rows)
                .values_list(*[f"contact__{f}" for f in fields], "topic_id")
                # A topic is on a contact at most once (unique constraint): no DISTINCT.
                .annotate(count=Count("contact_id"))
                .order_by()
            )
        return union(whole, part)


TOTAL_KEYS = {"centre_id", "month", "new_to_service"}


def centres_only(contacts):
    """The centre ids if `contacts` is filtered on its centres being among a list of ids
    and nothing else, else None."""
    query = contacts.query
    where = query.where
    if (
        contacts.model is not Contact
        or query.is_sliced
        or query.distinct
        or query.annotations
        or where.negated
        or where.connector != AND
        or len(where.children) != 1
    ):
        return None
    lookup = where.children[0]
    if (
        not isinstance(lookup, In)
        or getattr(lookup.lhs, "target", None) is not Contact._meta.get_field("centre")
        or not isinstance(lookup.rhs, list | tuple | set | frozenset)
    ):
        return None
    return list(lookup.rhs)


ANSWERS = [key for key, _title, _choices in CHOICE_TABLES]


def answer_counts(contacts):
    """Return a Counter of "total", "new" and "<answer>__<value>" of the PeriodContacts.
    One query."""
    # One row per combination of answers, added up here: a filtered count per answer took
    # the ORM longer to compile than the database to run.
    counts = Counter()
    for *answers, new, n in contacts.count(*ANSWERS, "new_to_service"):
        counts["total"] += n
        counts["new"] += n if new else 0
        for key, value in zip(ANSWERS, answers, strict=True):
            counts[f"{key}__{value}"] += n
    return counts


def month_counts(contacts, months):
    """Return {month: {"n", "new"}} of the PeriodContacts. One query."""
    per_month = {m: {"n": 0, "new": 0} for m in months}
    for month, new, n in contacts.count("month", "new_to_service"):
        per_month[month]["n"] += n
        per_month[month]["new"] += n if new else 0
    return per_month


# The organisation's topics with their contacts in the period: retired topics only where
# used. {counted} is PeriodContacts.count_topics().
TOPICS_WITH_COUNTS = """
SELECT t.*, coalesce(c.n, 0) AS contacts_in_period
FROM advice_topic AS t
LEFT JOIN (
    SELECT topic_id, sum("count")::bigint AS n FROM ({counted}) AS counted GROUP BY topic_id
) AS c ON c.topic_id = t.id
WHERE t.organisation_id = %s AND (NOT t.retired OR c.n > 0)
ORDER BY t.position, t.name
"""


def topic_counts(contacts, organisation_id):
    """Return (topics shown, {topic id: contacts}): retired topics only where used in the
    period. One query."""
    counted, params = contacts.count_topics().query.sql_with_params()
    topics = list(
        Topic.objects.raw(TOPICS_WITH_COUNTS.format(counted=counted), [*params, organisation_id])
    )
    return topics, {t.pk: t.contacts_in_period for t in topics}


def centre_counts(contacts):
    per_centre = Counter()
    for centre_id, n in contacts.count("centre_id"):
        per_centre[centre_id] += n
    return per_centre


def meeting_months(meetings, start, end):
    return {
        row["month"]: row
        for row in meetings.filter(month__gte=start.replace(day=1), month__lte=end)
        .values("month")
        .annotate(held=Sum("held"), no_show=Sum("no_show"), cancelled=Sum("cancelled"))
        .order_by()
    }


def figure_table(key, title, labelled_counts, *, total, suppressed, threshold, additive=True):
    labels = [label for label, _count in labelled_counts]
    values = [count for _label, count in labelled_counts]
    if suppressed:
        # A contact has one answer of each kind, so those add up to the contacts; it can
        # have several topics, so they need not, but where every contact has one they
        # do: protected as if they did.
        shown, shown_total = suppress_line(values, threshold, total=total)
    else:
        shown, shown_total = values, total
    rows = [
        Row(label=label, count=count, share=share(count, total))
        for label, count in zip(labels, shown, strict=True)
    ]
    return Table(key=key, title=title, rows=rows, total=shown_total, additive=additive)


def month_table(months, per_month, per_meeting_month, suppressed, threshold):
    """Return (rows, column totals) month by month: contacts, new contacts, meetings held,
    no-shows and cancelled, each column with its total (the columns do not add up
    across)."""

    def values(name, source):
        return [(source.get(m) or {}).get(name) or 0 for m in months]

    columns = [
        values("n", per_month),
        values("new", per_month),
        values("held", per_meeting_month),
        values("no_show", per_meeting_month),
        values("cancelled", per_meeting_month),
    ]
    if not suppressed:
        return [list(row) for row in zip(*columns, strict=True)], [sum(c) for c in columns]
    # Monthly new contacts would add up to the new-to-service count, which the table may
    # hide to protect the count of known visitors: left out.
    del columns[1]
    published = suppress(
        [list(row) for row in zip(*columns, strict=True)], threshold, column_totals=True
    )
    rows = [[row[0], None, *row[1:]] for row in published.cells]
    return rows, [published.column_totals[0], None, *published.column_totals[1:]]


def compute(
    *,
    contacts,
    meetings,
    centres,
    organisation_id,
    start,
    end,
    suppressed,
    threshold=None,
):
    """Return the Figures of `contacts` and `meetings` (already scoped and filtered),
    suppressed with `threshold` (the organisation's) when `suppressed`.

    `contacts` that are all those of some centres (filtered on centre ids alone) are read
    from the monthly summaries for whole months. Up to five queries: one over the answers,
    the topics with their counts, the centres' counts (only with `centres`), contacts per
    month and meetings per month. The dashboard reads its three tables with
    dashboard_tables instead.
    """
    if suppressed and threshold is None:
        raise ValueError("suppressed figures need the organisation's threshold")
    period = PeriodContacts.of(contacts, start, end)
    counts = answer_counts(period)
    total = counts["total"]
    topics, per_topic = topic_counts(period, organisation_id)
    per_centre = centre_counts(period) if centres else {}

    def table(key, title, labelled_counts, additive=True):
        return figure_table(
            key,
            title,
            labelled_counts,
            total=total,
            suppressed=suppressed,
            threshold=threshold,
            additive=additive,
        )

    tables = [
        table(
            "topics",
            TOPICS_TITLE,
            # In the topics' own order: sorting by count would rank the hidden ones.
            [(t.label, per_topic.get(t.pk, 0)) for t in topics],
            additive=False,
        ),
        *(
            table(
                key, title, [(label, counts[f"{key}__{value}"]) for value, label in choices.choices]
            )
            for key, title, choices in CHOICE_TABLES
        ),
        table(
            "new_to_service",
            _("New to the service"),
            [(_("New"), counts["new"]), (_("Known"), total - counts["new"])],
        ),
        table("centre", _("Centre"), [(c.name, per_centre.get(c.pk, 0)) for c in centres]),
    ]
    figures = Figures(
        start=start,
        end=end,
        suppressed=suppressed,
        total=None if suppressed and total < threshold else total,
        threshold=threshold if suppressed else None,
        tables=tables,
    )
    in_period = list(months_between(start, end))
    month_rows, month_sums = month_table(
        in_period,
        month_counts(period, in_period),
        meeting_months(meetings, start, end),
        suppressed,
        threshold,
    )
    figures.months = [Month(m, *row) for m, row in zip(in_period, month_rows, strict=True)]
    figures.month_totals = Month(None, *month_sums)
    return figures


def topics_per_centre(centre_ids, organisation_id, start, end):
    """Return (topics, {centre id: {topic id: contacts}}, {centre id: contacts}) for the
    contacts from `start` to `end`; retired topics only where used. Three queries."""
    period = PeriodContacts.at_centres(centre_ids, start, end)
    counts = {}
    for centre_id, topic_id, n in period.count_topics("centre_id"):
        row = counts.setdefault(centre_id, {})
        row[topic_id] = row.get(topic_id, 0) + n
    used = {topic_id for row in counts.values() for topic_id in row}
    topics = [
        t
        for t in Topic.objects.filter(organisation_id=organisation_id)
        if not t.retired or t.pk in used
    ]
    return topics, counts, dict(centre_counts(period))


def contacts_and_no_show_rate(centre_ids, start, end):
    """Return (advice contacts, no-show rate) from `start` to `end`: the two figures that
    `compute` gives as `total` and `no_show_rate`, without its tables. One query."""
    return contacts_and_no_show_rates(centre_ids, [(start, end)])[0]


@reader
def contacts_and_no_show_rates(centre_ids, periods):
    """Return contacts_and_no_show_rate of each (first day, last day) of `periods`, in
    their order. One query: rows of (period's index, contacts, held, no-shows)."""
    # Hand-written: composed with the ORM, the union of up to eight statements took four
    # times longer than the database took to run it.
    parts, params = [], {"ids": list(centre_ids)}
    for i, months, days in period_conditions(periods, params, "date"):
        if months:
            parts.append(
                f"SELECT {i}, sum(n), 0, 0 FROM advice_contactmonthtotal "
                f"WHERE centre_id = ANY(%(ids)s) AND {months}"
            )
        if days:
            parts.append(
                f"SELECT {i}, count(*), 0, 0 FROM advice_contact "
                f"WHERE centre_id = ANY(%(ids)s) AND ({days})"
            )
    # Outreach meetings are counted per month: those of every month the periods touch.
    for i, (start, end) in enumerate(periods):
        params |= {f"month_{i}": start.replace(day=1), f"last_{i}": end}
        parts.append(
            f"SELECT {i}, 0, sum(held), sum(no_show) FROM advice_meetingtally "
            f"WHERE centre_id = ANY(%(ids)s) AND month >= %(month_{i})s AND month <= %(last_{i})s"
        )

    def rates(rows):
        totals = [[0, 0, 0] for _period in periods]
        for period, *counts in rows:
            totals[period] = [a + (b or 0) for a, b in zip(totals[period], counts, strict=True)]
        return [(contacts, no_show_rate(held, no_show)) for contacts, held, no_show in totals]

    return Read(" UNION ALL ".join(parts) or "SELECT WHERE false", params).then(rates)


# The tables the dashboard shows beside its figures, of a period's contacts at some centres.
DASHBOARD_TABLES = ("channel", "helper_role")


@reader
def dashboard_tables(centre_ids, organisation_id, start, end):
    """The topics, channel and who-helped tables of the contacts from `start` to `end`, as
    `compute` gives them for the contacts of `centre_ids` unsuppressed. One statement:
    rows of (table, answer or topic code, topic name, position, contacts)."""
    # Hand-written for the same reason as contacts_and_no_show_rates: composing compute's
    # two unions took the ORM longer than the database took to run them.
    params = {"ids": list(centre_ids), "organisation": organisation_id}
    ((_i, months, days),) = period_conditions([(start, end)], params, "c.date")
    answers, topics = [], []
    if months:
        whole = f"centre_id = ANY(%(ids)s) AND {months}"
        answers.append(f"SELECT channel, helper_role, n FROM advice_contactmonth WHERE {whole}")
        topics.append(f"SELECT topic_id, n FROM advice_contacttopicmonth WHERE {whole}")
    if days:
        part = f"c.centre_id = ANY(%(ids)s) AND ({days})"
        answers.append(f"SELECT channel, helper_role, 1 FROM advice_contact AS c WHERE {part}")
        topics.append(
            "SELECT ct.topic_id, 1 FROM advice_contacttopic AS ct "
            f"JOIN advice_contact AS c ON c.id = ct.contact_id WHERE {part}"
        )
    sql = f"""
        WITH answers (channel, helper_role, n) AS ({" UNION ALL ".join(answers)}),
        topics (topic_id, n) AS ({" UNION ALL ".join(topics)})
        SELECT 'channel', channel, '', 0, sum(n)::bigint FROM answers GROUP BY channel
        UNION ALL
        SELECT 'helper_role', helper_role, '', 0, sum(n)::bigint FROM answers GROUP BY helper_role
        UNION ALL
        SELECT 'topics', t.code, t.name, t.position, coalesce(c.n, 0)
        FROM advice_topic AS t
        LEFT JOIN (SELECT topic_id, sum(n)::bigint AS n FROM topics GROUP BY topic_id) AS c
            ON c.topic_id = t.id
        WHERE t.organisation_id = %(organisation)s AND (NOT t.retired OR c.n > 0)
        ORDER BY 1, 4, 3
    """

    def tables(rows):
        counts = {key: {} for key in DASHBOARD_TABLES}
        topic_rows = []
        for table, value, name, _position, n in rows:
            if table == "topics":
                topic_rows.append((Topic(code=value, name=name).label, n))
            else:
                counts[table][value] = n
        total = sum(counts["channel"].values())
        table = functools.partial(figure_table, total=total, suppressed=False, threshold=None)
        return [
            table("topics", TOPICS_TITLE, topic_rows, additive=False),
            *(
                table(
                    key,
                    title,
                    [(label, counts[key].get(value, 0)) for value, label in choices.choices],
                )
                for key, title, choices in CHOICE_TABLES
                if key in DASHBOARD_TABLES
            ),
        ]

    return Read(sql, params).then(tables)
