"""Reads for the overview panels and the quarterly figures, aggregated in SQL."""

import datetime
import json

from django.db.models import (
    Avg,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from centres.exports import Workbook
from centres.models import Centre, KeyLoan, Role, User
from centres.reads import Read, condition, reader
from centres.summaries import period_conditions
from incidents.models import (
    WORK_INJURY_PENDING,
    Acknowledgement,
    Ban,
    BanScope,
    FollowUpItem,
    Incident,
    Kind,
    Procedure,
    RiskAssessment,
    Severity,
    Status,
)


def follow_ups_for(user):
    return FollowUpItem.objects.filter(incident__in=Incident.objects.for_user(user))


def risk_assessments_due(user, until):
    """The user's centres whose current risk assessment is due for review by `until`,
    or which have none, annotated with `review_on` (None when there is none)."""
    latest = RiskAssessment.objects.filter(centre=OuterRef("pk")).order_by("-assessed_on", "-pk")
    return (
        Centre.objects.for_user(user)
        .annotate(review_on=Subquery(latest.values("review_on")[:1]))
        .filter(Q(review_on__isnull=True) | Q(review_on__lte=until))
        .order_by(F("review_on").asc(nulls_first=True), "name")
    )


def current_procedures(centres):
    latest = Procedure.objects.filter(centre=OuterRef("centre")).order_by("-version")
    return Procedure.objects.filter(centre__in=centres, pk=Subquery(latest.values("pk")[:1]))


def unacknowledged_count(user):
    """How many staff members have not acknowledged their centre's current procedure."""
    procedures = dict(
        current_procedures(Centre.objects.for_user(user)).values_list("centre_id", "pk")
    )
    staff = User.centres.through.objects.filter(
        centre_id__in=procedures,
        user__role=Role.STAFF,
        user__is_active=True,
        user__organisation_id=user.organisation_id,
    ).values_list("user_id", "centre_id")
    acknowledged = set(
        Acknowledgement.objects.filter(procedure_id__in=procedures.values()).values_list(
            "user_id", "procedure_id"
        )
    )
    return sum(
        1 for user_id, centre_id in staff if (user_id, procedures[centre_id]) not in acknowledged
    )


def procedures_to_acknowledge(user):
    """Current procedures of the user's centres that the user has not acknowledged."""
    acknowledged = Acknowledgement.objects.filter(user=user).values("procedure_id")
    return (
        current_procedures(Centre.objects.for_user(user))
        .exclude(pk__in=acknowledged)
        .select_related("centre")
    )


def fobs_to_suspend(organisation_id, today=None, bans=None):
    """Open fob loans of the organisation whose key holder is under a ban in force on
    `today`, annotated with `banned_until` (the latest end of such a ban) and
    `banned_alias` (its alias key, for the access log). `bans` narrows the bans that
    count, e.g. to those a staff member may read."""
    today = today or timezone.localdate()
    bans = (
        (Ban.objects.all() if bans is None else bans)
        .filter(organisation_id=organisation_id, key_holder=OuterRef("holder"))
        .active(today)
        .order_by("-ends_on")
    )
    return (
        KeyLoan.objects.open()
        .filter(fob__organisation_id=organisation_id)
        .filter(Exists(bans))
        .annotate(
            banned_until=Subquery(bans.values("ends_on")[:1]),
            banned_alias=Subquery(bans.values("alias_key")[:1]),
        )
        .select_related("fob", "holder")
        .order_by("fob__number")
    )


def per_thousand(incidents, visits):
    """Incidents per 1,000 visits to one decimal, or None when nobody was counted."""
    return round(incidents * 1000 / visits, 1) if visits else None


def rates_per_thousand_visits(user, start, end):
    """Rows of (centre name, incidents, visits, rate) for the user's centres from `start`
    to `end`, and the totals; visits come from the centres' tallies. One query."""
    incidents = (
        Incident.objects.for_user(user)
        .in_period(start, end)
        .filter(centre=OuterRef("pk"))
        .order_by()
        .values("centre")
        .annotate(n=Count("pk"))
        .values("n")
    )
    centres = (
        Centre.objects.for_user(user)
        .with_visit_totals(start, end)
        .annotate(incident_count=Coalesce(Subquery(incidents, output_field=IntegerField()), 0))
        .order_by("name")
    )
    rows = [
        {
            "label": centre.name,
            "incidents": centre.incident_count,
            "visits": centre.visits,
            "rate": per_thousand(centre.incident_count, centre.visits),
        }
        for centre in centres
    ]
    total_incidents = sum(r["incidents"] for r in rows)
    total_visits = sum(r["visits"] for r in rows)
    total = {
        "incidents": total_incidents,
        "visits": total_visits,
        "rate": per_thousand(total_incidents, total_visits),
    }
    return rows, total


def months_of(start, end):
    months, month = [], start.replace(day=1)
    while month <= end:
        months.append(month)
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return months


def quarter_figures(user, start, end):
    """Tables for the quarterly review: rows of (label, count per month, total)."""
    months = months_of(start, end)
    incidents = Incident.objects.for_user(user).in_period(start, end)
    per_month = {
        row["month"].date() if isinstance(row["month"], datetime.datetime) else row["month"]: row
        for row in incidents.annotate(month=TruncMonth("occurred_at"))
        .values("month")
        .annotate(
            total=Count("pk"),
            **{f"kind_{k}": Count("pk", filter=Q(kinds__contains=[k])) for k in Kind.values},
            **{f"severity_{s}": Count("pk", filter=Q(severity=s)) for s in Severity.values},
        )
        .order_by()
    }

    def row(label, key):
        counts = [per_month.get(m, {}).get(key, 0) for m in months]
        return {"label": label, "counts": counts, "total": sum(counts)}

    by_centre = {}
    for item in (
        incidents.annotate(month=TruncMonth("occurred_at"))
        .values("month", "centre__name")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        month = (
            item["month"].date() if isinstance(item["month"], datetime.datetime) else item["month"]
        )
        by_centre.setdefault(item["centre__name"], {})[month] = item["n"]
    centre_rows = []
    for name in sorted(by_centre):
        counts = [by_centre[name].get(m, 0) for m in months]
        centre_rows.append({"label": name, "counts": counts, "total": sum(counts)})

    closing = incidents.filter(status=Status.CLOSED).aggregate(
        average=Avg(F("closed_at") - F("created_at")), closed=Count("pk")
    )
    average = closing["average"]
    rate_rows, rate_total = rates_per_thousand_visits(user, start, end)
    return {
        "months": months,
        "total_rows": [row(_("All incidents"), "total")],
        "kind_rows": [row(label, f"kind_{value}") for value, label in Kind.choices],
        "severity_rows": [row(label, f"severity_{value}") for value, label in Severity.choices],
        "centre_rows": centre_rows,
        "closed_count": closing["closed"],
        "average_days_to_closed": None
        if average is None
        else round(average.total_seconds() / 86400, 1),
        "open_follow_ups": follow_ups_for(user).open().count(),
        "rate_rows": rate_rows,
        "rate_total": rate_total,
    }


# Shown instead of a rate when no visits were counted.
NO_RATE = "\N{EM DASH}"


def quarter_figures_xlsx(user, start, end):
    """The quarterly figures as an XLSX workbook (bytes), for the leader: not suppressed.
    Written through centres.exports, so a centre named like a formula stays text."""
    figures = quarter_figures(user, start, end)
    workbook = Workbook()
    bold = workbook.add_format({"bold": True})
    sheet = workbook.add_worksheet(_("Incidents"))
    sheet.set_column(0, 0, 36)
    header = [
        "",
        *[formats.date_format(m, "YEAR_MONTH_FORMAT") for m in figures["months"]],
        _("Total"),
    ]
    line = 0
    sheet.text(line, 0, f"{formats.date_format(start)} - {formats.date_format(end)}", bold)
    line += 2
    for title, rows in (
        (_("All incidents"), figures["total_rows"]),
        (_("By kind"), figures["kind_rows"]),
        (_("By severity"), figures["severity_rows"]),
        (_("By centre"), figures["centre_rows"]),
    ):
        sheet.text(line, 0, title, bold)
        sheet.cells(line, 1, header[1:], bold)
        line += 1
        for row in rows:
            sheet.text(line, 0, row["label"])
            sheet.cells(line, 1, [*row["counts"], row["total"]])
            line += 1
        line += 1
    sheet.text(line, 0, _("Incidents per 1,000 visits"), bold)
    sheet.cells(line, 1, [_("Incidents"), _("Visits"), _("Per 1,000 visits")], bold)
    line += 1
    rate_format = workbook.add_format({"num_format": "0.0"})
    for row in [*figures["rate_rows"], {"label": _("Total"), **figures["rate_total"]}]:
        sheet.text(line, 0, row["label"])
        sheet.cells(line, 1, [row["incidents"], row["visits"]])
        if row["rate"] is None:
            sheet.text(line, 3, NO_RATE)
        else:
            sheet.number(line, 3, row["rate"], rate_format)
        line += 1
    line += 1
    sheet.text(line, 0, _("Closed reports"), bold)
    sheet.cell(line, 1, figures["closed_count"])
    sheet.text(line + 1, 0, _("Average days from report to closed"), bold)
    sheet.cell(line + 1, 1, figures["average_days_to_closed"])
    sheet.text(line + 2, 0, _("Open follow-up items"), bold)
    sheet.cell(line + 2, 1, figures["open_follow_ups"])
    sheet.text(
        line + 4,
        0,
        _("Generated %(when)s")
        % {"when": formats.date_format(timezone.localtime(), "DATETIME_FORMAT")},
    )
    return workbook.close()


# --- Dashboard and report pack ----------------------------------------------------------


# The columns `_counted` may group by: the summary holds these, as the incidents do.
COUNTED_BY = {"centre_id", "severity", "kinds"}


def _counted(centre_ids, periods, *fields):
    """The incidents of each (first day, last day) of `periods` at the centres counted per
    `fields` (of COUNTED_BY): whole months from the summary, the days around them from the
    incidents. A Read of rows of (period's index, *fields, n) in which a key may come
    twice; kinds as a list."""
    # Hand-written: built with the ORM, the union of up to four statements took longer to
    # compose than the database took to run it.
    if not set(fields) <= COUNTED_BY:
        raise ValueError(f"not counted by: {set(fields) - COUNTED_BY}")
    columns = ", ".join(fields)
    parts, params = [], {"ids": list(centre_ids)}
    for i, months, days in period_conditions(periods, params, "occurred_at", local_days=True):
        if months:
            parts.append(
                f"SELECT {i}, {columns}, sum(n) FROM incidents_incidentmonth "
                f"WHERE centre_id = ANY(%(ids)s) AND {months} AND n <> 0 GROUP BY {columns}"
            )
        if days:
            parts.append(
                f"SELECT {i}, {columns}, count(*) FROM incidents_incident "
                f"WHERE centre_id = ANY(%(ids)s) AND ({days}) GROUP BY {columns}"
            )
    read = Read(" UNION ALL ".join(parts) or "SELECT WHERE false", params)
    if "kinds" not in fields:
        return read
    # jsonb comes as text, as Django reads it for a JSONField.
    at = fields.index("kinds") + 1
    return read.then(
        lambda rows: [(*row[:at], json.loads(row[at] or "[]"), *row[at + 1 :]) for row in rows]
    )


def incident_totals(centre_ids, first, last):
    """Return {"total", "kind": {value: n}, "severity": {value: n}} of the episodes of
    the days `first` to `last` at the centres. One query."""
    return incident_totals_per_period(centre_ids, [(first, last)])[0]


@reader
def incident_totals_per_period(centre_ids, periods):
    """Return incident_totals of each (first day, last day) of `periods`, in their order.
    One query."""

    # One row per severity and set of kinds, added up here: a filtered count per kind
    # and severity took the ORM longer to compile than the database to run.
    def totals(rows):
        results = [
            {
                "total": 0,
                "kind": dict.fromkeys(Kind.values, 0),
                "severity": dict.fromkeys(Severity.values, 0),
            }
            for _period in periods
        ]
        for period, severity, kinds, n in rows:
            result = results[period]
            result["total"] += n
            if severity in result["severity"]:
                result["severity"][severity] += n
            for kind in set(kinds or ()):
                if kind in result["kind"]:
                    result["kind"][kind] += n
        return results

    return _counted(centre_ids, periods, "severity", "kinds").then(totals)


def incidents_per_centre(centre_ids, first, last):
    """Return {centre id: {"total", "kind": {value: n}, "follow_ups", "follow_ups_done"}}
    of the episodes in the period and their follow-up items. Two queries."""
    result = {}
    counted = _counted(centre_ids, [(first, last)], "centre_id", "kinds")
    for _period, centre_id, kinds, n in counted.value():
        row = result.setdefault(
            centre_id,
            {
                "total": 0,
                "kind": dict.fromkeys(Kind.values, 0),
                "follow_ups": 0,
                "follow_ups_done": 0,
            },
        )
        row["total"] += n
        for kind in set(kinds or ()):
            if kind in row["kind"]:
                row["kind"][kind] += n
    # Follow-up items are few beside the incidents: counted from the rows.
    incidents = Incident.objects.filter(centre_id__in=centre_ids).in_period(first, last)
    items = (
        FollowUpItem.objects.filter(incident__in=incidents)
        .values("incident__centre_id")
        .annotate(n=Count("pk"), done=Count("pk", filter=Q(done_on__isnull=False)))
        .order_by()
    )
    for item in items:
        row = result[item["incident__centre_id"]]
        row["follow_ups"], row["follow_ups_done"] = item["n"], item["done"]
    return result


def follow_up_figures(centre_ids, organisation_id, today):
    """Return statements of one row each, to run with others (centres.reads.one_statement),
    of the state of follow-up at the centres on `today`: open and overdue follow-up items,
    work-injury reports due, bans in force (the centres' own and the organisation's) and
    centres whose risk assessment is overdue or missing."""
    # Hand-written: composed with the ORM, these four took longer to build than to run.
    ids = list(centre_ids)
    pending, pending_params = condition(Incident, WORK_INJURY_PENDING)
    return [
        # Only open items are counted: the (done_on, due_on) index finds them among all
        # the years of done ones.
        (
            "SELECT count(*) AS open_follow_ups, "
            "count(*) FILTER (WHERE f.due_on < %s) AS overdue_follow_ups "
            "FROM incidents_followupitem f JOIN incidents_incident i ON i.id = f.incident_id "
            "WHERE f.done_on IS NULL AND i.centre_id = ANY(%s)",
            [today, ids],
        ),
        # The rule as the partial index holds it, so that the index answers.
        (
            "SELECT count(*) AS work_injuries_due FROM incidents_incident "
            f"WHERE incidents_incident.centre_id = ANY(%s) AND {pending}",
            [ids, *pending_params],
        ),
        (
            "SELECT count(*) AS active_bans FROM incidents_ban "
            "WHERE organisation_id = %s AND (scope = %s OR centre_id = ANY(%s)) "
            "AND starts_on <= %s AND ends_on >= %s",
            [organisation_id, BanScope.ORGANISATION.value, ids, today, today],
        ),
        # Overdue, or missing: the newest assessment's review date has passed, or there is none.
        (
            "SELECT count(*) AS risk_assessments_overdue FROM centres_centre c "
            "WHERE c.id = ANY(%s) AND coalesce(("
            "  SELECT r.review_on FROM incidents_riskassessment r WHERE r.centre_id = c.id "
            "  ORDER BY r.assessed_on DESC, r.id DESC LIMIT 1) < %s, true)",
            [ids, today],
        ),
    ]


def risk_assessments(centre_ids):
    """Return {centre id: the newest RiskAssessment}. One query."""
    return {
        r.centre_id: r for r in RiskAssessment.objects.filter(centre_id__in=centre_ids).current()
    }


def procedure_introductions(centre_ids, organisation_id):
    """Return {centre id: {"staff", "acknowledged"}}: active staff at each centre and how
    many of them acknowledged its current procedure on violence. One query."""
    acknowledged = Acknowledgement.objects.filter(
        procedure_id=Subquery(
            Procedure.objects.filter(centre_id=OuterRef(OuterRef("centre_id")))
            .order_by("-version")
            .values("pk")[:1]
        ),
        user_id=OuterRef("user_id"),
    )
    rows = (
        User.centres.through.objects.filter(
            centre_id__in=centre_ids,
            user__role=Role.STAFF,
            user__is_active=True,
            user__organisation_id=organisation_id,
        )
        .values("centre_id")
        .annotate(
            staff=Count("user_id"), acknowledged=Count("user_id", filter=Q(Exists(acknowledged)))
        )
        .order_by()
    )
    return {r["centre_id"]: {"staff": r["staff"], "acknowledged": r["acknowledged"]} for r in rows}
