"""What the app keeps for itself rather than about the centres' work: the one-time
tokens of saved forms, the access log (and LoggedQuerySet, which writes it when rows
about people are read), the failures of queued jobs and the daily digest's record of
what it sent."""

import datetime

from django.conf import settings
from django.db import connection, models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


def current_hour():
    """Now, to the hour: as precise as a short-lived row's age needs to be."""
    return timezone.now().replace(minute=0, second=0, microsecond=0)


class SubmissionTokenManager(models.Manager):
    def claim(self, token, owner):
        """Insert the row of `token` for `owner` (owner_of): (True, None) if it is new,
        else (False, the row already there, or None if it went in the meantime).

        One statement: a row being inserted by a transaction still open is waited for,
        and returned once that transaction has committed it."""
        table = self.model._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (token, owner, created, status, location, body) "
                "VALUES (%s, %s, %s, NULL, '', '') ON CONFLICT (token) DO NOTHING RETURNING id",
                [token, owner, current_hour()],
            )
            if cursor.fetchone() is not None:
                return True, None
        return False, self.filter(token=token).first()

    def purge(self, now):
        """Delete the tokens older than a day (a form is sent again within seconds or
        minutes; a day is ample); returns how many."""
        deleted, _ = self.filter(created__lt=now - datetime.timedelta(days=1)).delete()
        return deleted

    def keep(self, token, *, status, location="", body=""):
        """Keep the answer to the form of `token` (raw: it runs on every tap)."""
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {self.model._meta.db_table} SET status = %s, location = %s, body = %s "
                "WHERE token = %s",
                [status, location, body, token],
            )


class SubmissionToken(models.Model):
    """A form's one-time token, kept once the form was saved, with what the saving
    answered: the same form sent again gets that answer and saves nothing.

    The row names no person and no moment: `owner` is a keyed digest of the token and
    the user who sent it, enough to refuse a replay by anyone else but not to say who
    it was without the app's secret key; `created` is the hour, enough to purge rows
    after a day (SubmissionTokenManager.purge, hourly). An answer's redirect is kept
    as the view says it may be replayed (centres.middleware.replay_at), so a redirect
    that carries a recorded contact's undo link is not kept.
    """

    token = models.CharField(max_length=64, unique=True)
    owner = models.CharField(max_length=64)
    created = models.DateTimeField(default=current_hour, db_index=True)
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    location = models.TextField(blank=True)
    body = models.TextField(blank=True)

    objects = SubmissionTokenManager()

    def __str__(self):
        return self.token

    @staticmethod
    def owner_of(token, user_id):
        """The keyed digest that binds `token` to the user who sent it."""
        return salted_hmac(
            "centres.SubmissionToken.owner", f"{user_id}:{token}", algorithm="sha256"
        ).hexdigest()


# --- Access log -------------------------------------------------------------------------


def normalise_alias(alias):
    """The key an alias is compared by: trimmed, single-spaced, lower case."""
    return " ".join(str(alias).split()).casefold()


class AccessAction(models.TextChoices):
    # In a context of their own: Django's admin translates a bare "View" as "Vis".
    VIEW = "view", pgettext_lazy("access log action", "View")
    SEARCH = "search", pgettext_lazy("access log action", "Search")
    EXPORT = "export", pgettext_lazy("access log action", "Export")
    CREATE = "create", pgettext_lazy("access log action", "Creation")
    CHANGE = "change", pgettext_lazy("access log action", "Change")


class AccessSubject(models.TextChoices):
    """What an access-log entry is about; log_access takes nothing else. The labels of
    other apps' subjects are words only: centres imports none of them."""

    INCIDENT = "incident", _("Incident report")
    INCIDENT_LIST = "incident_list", _("List of incident reports")
    BAN = "ban", _("Ban")
    BAN_LIST = "ban_list", _("List of bans")
    FIGURES = "figures", _("Incident figures")
    KEY_HOLDER = "key_holder", _("Key holder")
    KEY_HOLDER_LIST = "key_holder_list", _("List of key holders")
    ACCESS_LOG = "access_log", _("Who has looked at the person")


class AccessLogEntryQuerySet(models.QuerySet):
    def concerning(self, organisation_id, alias):
        """The organisation's rows that name `alias` (compared normalised)."""
        return self.filter(
            organisation_id=organisation_id, aliases__contains=[normalise_alias(alias)]
        )


class AccessLogEntry(models.Model):
    """Who read, searched, exported or changed data about a person (incidents, bans,
    key holders), and about whom (`aliases`, normalised)."""

    organisation = models.ForeignKey(
        "centres.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    username = models.CharField(max_length=150)
    # A read by a tablet at a centre (the key holder on its safety card): no person.
    kiosk = models.ForeignKey(
        "KioskDevice", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(_("when"), default=timezone.now)
    action = models.CharField(_("action"), max_length=10, choices=AccessAction.choices)
    what = models.CharField(_("what"), max_length=40, choices=AccessSubject.choices)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    aliases = models.JSONField(default=list, blank=True)
    # The page, without its query string: a search term never lands here.
    path = models.CharField(max_length=300, blank=True)

    objects = AccessLogEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("access-log entry")
        verbose_name_plural = _("access log")
        indexes = [
            models.Index(fields=["organisation", "at"], name="access_log_organisation_at"),
            models.Index(fields=["at"], name="access_log_at"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.what}"

    @property
    def who(self):
        """The person's name (the user name when none is given, or once the user is
        deleted)."""
        if self.user is None:
            return self.username
        return self.user.get_full_name() or self.user.get_username()

    @property
    def subject(self):
        """What the entry is about, in words: "Karantæne nr. 2"."""
        label = self.get_what_display()
        if self.object_id is None:
            return label
        return _("%(what)s no. %(number)s") % {"what": label, "number": self.object_id}


class LoggedQuerySet(models.QuerySet):
    """A queryset that, once evaluated for a request (`.logged_for(request)`), writes one
    access-log row naming the aliases of the rows it fetched. Its model says what it is
    (`access_subject`, a list AccessSubject) and whom each row concerns (`access_aliases`).
    """

    _logged_request = None

    def logged_for(self, request, action=None):
        clone = self._chain()
        clone._logged_request = (request, action or AccessAction.VIEW)
        return clone

    def _clone(self):
        clone = super()._clone()
        clone._logged_request = self._logged_request
        return clone

    def _fetch_all(self):
        fetched = self._result_cache is None
        super()._fetch_all()
        if fetched and self._logged_request is not None and self._result_cache:
            self._log(self._result_cache)

    def iterator(self, chunk_size=None):
        if self._logged_request is None:
            return super().iterator(chunk_size=chunk_size)
        rows = list(super().iterator(chunk_size=chunk_size))
        if rows:
            self._log(rows)
        return iter(rows)

    def _log(self, rows):
        from centres.access import log_access

        request, action = self._logged_request
        aliases = [
            key for row in rows if isinstance(row, models.Model) for key in row.access_aliases
        ]
        log_access(request, action, self.model.access_list_subject, aliases=aliases)


# --- The task queue and the daily digest ------------------------------------------------


class JobFailure(models.Model):
    """Why a job of the task queue failed (centres.queue.remember_failures), for the
    operator (`manage.py queue`): the queue keeps a job's state but not its error. Kept
    while the job is; a job that succeeds at last takes its failures with it."""

    job_id = models.BigIntegerField(db_index=True)
    task_name = models.CharField(max_length=128)
    attempt = models.PositiveIntegerField()
    at = models.DateTimeField()
    error = models.TextField()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("failed job")
        verbose_name_plural = _("failed jobs")

    def __str__(self):
        return f"{self.task_name}[{self.job_id}] {self.error}"


class DigestEntry(models.Model):
    """A to-do item (centres.todo.TodoItem.key) sent to a person in a daily digest, and
    when; written with the sending, so a digest never repeats an item."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_entries"
    )
    key = models.CharField(max_length=200)
    sent_on = models.DateField()
    # Whether it was sent as due (due today or overdue): it is sent once more when it
    # first becomes due.
    sent_due = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="digest_entry_once_per_user"),
        ]

    def __str__(self):
        return f"{self.key} ({self.sent_on})"
