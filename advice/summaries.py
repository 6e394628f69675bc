"""Infrastructure: advice contacts and their topics summed per centre and month, kept by
the triggers on Contact and ContactTopic (see centres.summaries). Read by advice.stats."""

from django.db import models

from centres.summaries import Recount, Summary, key_to, summary_triggers

MONTH = "date_trunc('month', {rows}.date)::date"
ANSWERS = ("channel", "duration", "outcome", "helper_role", "new_to_service")


class ContactMonth(models.Model):
    """Infrastructure, not shown: how many contacts with these answers a centre had in a
    month."""

    centre = key_to("centres.Centre")
    month = models.DateField()
    channel = models.CharField(max_length=20)
    duration = models.CharField(max_length=10)
    outcome = models.CharField(max_length=20)
    helper_role = models.CharField(max_length=30)
    new_to_service = models.BooleanField()
    n = models.IntegerField(default=0)

    recount = Recount(
        table="advice_contactmonth",
        columns=("centre_id", "month", *ANSWERS, "n"),
        counts=1,
        sql=(
            f"SELECT centre_id, {MONTH.format(rows='c')}, {', '.join(ANSWERS)}, count(*) "
            "FROM advice_contact AS c GROUP BY 1, 2, 3, 4, 5, 6, 7"
        ),
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "centre",
                    "month",
                    "channel",
                    "duration",
                    "outcome",
                    "helper_role",
                    "new_to_service",
                ],
                name="contact_month_key",
            )
        ]

    def __str__(self):
        return f"{self.centre_id} {self.month}: {self.n}"


class ContactMonthTotal(models.Model):
    """Infrastructure, not shown: how many contacts, new to the service or not, a centre
    had in a month. ContactMonth's counts added up: as many rows as ContactMonth has for
    a centre's month where answers vary, one or two here."""

    centre = key_to("centres.Centre")
    month = models.DateField()
    new_to_service = models.BooleanField()
    n = models.IntegerField(default=0)

    recount = Recount(
        table="advice_contactmonthtotal",
        columns=("centre_id", "month", "new_to_service", "n"),
        counts=1,
        sql=(
            f"SELECT centre_id, {MONTH.format(rows='c')}, new_to_service, count(*) "
            "FROM advice_contact AS c GROUP BY 1, 2, 3"
        ),
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["centre", "month", "new_to_service"], name="contact_month_total_key"
            )
        ]

    def __str__(self):
        return f"{self.centre_id} {self.month}: {self.n}"


class ContactTopicMonth(models.Model):
    """Infrastructure, not shown: how many contacts at a centre in a month had a topic."""

    centre = key_to("centres.Centre")
    month = models.DateField()
    topic = key_to("advice.Topic")
    n = models.IntegerField(default=0)

    recount = Recount(
        table="advice_contacttopicmonth",
        columns=("centre_id", "month", "topic_id", "n"),
        counts=1,
        sql=(
            f"SELECT c.centre_id, {MONTH.format(rows='c')}, t.topic_id, count(*) "
            "FROM advice_contacttopic AS t JOIN advice_contact AS c ON c.id = t.contact_id "
            "GROUP BY 1, 2, 3"
        ),
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["centre", "month", "topic"], name="contact_topic_month_key"
            )
        ]

    def __str__(self):
        return f"{self.centre_id} {self.month} {self.topic_id}: {self.n}"


CONTACT_MONTHS = Summary(
    table="advice_contactmonth",
    keys=("centre_id", "month", *ANSWERS),
    counts=("n",),
    select=(
        f"SELECT centre_id, {MONTH} AS month, channel, duration, outcome, helper_role, "
        "new_to_service, {sign} AS n FROM {rows}"
    ),
)


CONTACT_MONTH_TOTALS = Summary(
    table="advice_contactmonthtotal",
    keys=("centre_id", "month", "new_to_service"),
    counts=("n",),
    select=f"SELECT centre_id, {MONTH} AS month, new_to_service, {{sign}} AS n FROM {{rows}}",
)


def topic_months(select):
    return Summary(
        table="advice_contacttopicmonth",
        keys=("centre_id", "month", "topic_id"),
        counts=("n",),
        select=select,
    )


# A contact's topics are counted when both rows exist, by the trigger of whichever came
# second (foreign keys are checked at commit), and uncounted by that of whichever goes
# first: Django deletes the topics before their contact. A contact moved to another
# month or centre takes its topics along.
TOPICS_OF_CONTACTS = topic_months(
    f"SELECT {{rows}}.centre_id, {MONTH} AS month, t.topic_id, {{sign}} AS n FROM {{rows}} "
    "JOIN advice_contacttopic AS t ON t.contact_id = {rows}.id"
)
CONTACTS_OF_TOPICS = topic_months(
    f"SELECT c.centre_id, {MONTH.format(rows='c')} AS month, {{rows}}.topic_id, {{sign}} AS n "
    "FROM {rows} JOIN advice_contact AS c ON c.id = {rows}.contact_id"
)

CONTACT_TRIGGERS = summary_triggers(
    "contact_months", CONTACT_MONTHS, CONTACT_MONTH_TOTALS, TOPICS_OF_CONTACTS
)
CONTACT_TOPIC_TRIGGERS = summary_triggers("contact_topic_months", CONTACTS_OF_TOPICS)
