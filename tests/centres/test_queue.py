"""The task queue: each periodic task does its job at the slot's moment, on the
schedule the README gives, once per slot however many servers defer it; mail leaves
by the worker; the operator sees the queue."""

import datetime
import re
from io import StringIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from asgiref.sync import async_to_sync
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from procrastinate import jobs, periodic
from procrastinate.contrib.django import app, procrastinate_app
from procrastinate.contrib.django.django_connector import DjangoConnector
from procrastinate.contrib.django.models import ProcrastinateJob

from centres import mail as centres_mail
from centres import tasks
from centres.models import AccessLogEntry, JobFailure, SubmissionToken
from centres.queue import RETRY, local_cron, next_runs
from tests.factories import UserFactory

CPH = ZoneInfo("Europe/Copenhagen")


def slot(*args):
    """The timestamp procrastinate passes for a slot at this Copenhagen wall-clock time."""
    return int(datetime.datetime(*args, tzinfo=CPH).timestamp())


def periodic_task(name):
    return next(p for p in app.periodic_registry.periodic_tasks.values() if p.task.name == name)


# --- Each task does its job at the slot's moment --------------------------------------------


def test_the_hourly_purge_deletes_the_tokens_a_day_older_than_its_slot(db, time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 1, 12, 0, tzinfo=CPH))
    SubmissionToken.objects.create(token="old-token-0000000001")
    time_machine.move_to(datetime.datetime(2026, 11, 2, 10, 0, tzinfo=CPH))
    SubmissionToken.objects.create(token="new-token-0000000001")
    tasks.purge_submission_tokens_hourly(timestamp=slot(2026, 11, 2, 12, 5))
    assert list(SubmissionToken.objects.values_list("token", flat=True)) == ["new-token-0000000001"]


def test_the_daily_purge_of_the_access_log_keeps_what_is_younger_at_its_slot(world, settings):
    settings.ACCESS_LOG_RETENTION_DAYS = 10
    at = datetime.datetime(2027, 6, 30, 3, 45, tzinfo=CPH)

    def row(days_before):
        return AccessLogEntry.objects.create(
            organisation=world.org_a,
            username="alice",
            action="view",
            what="incident",
            at=at - datetime.timedelta(days=days_before),
        )

    row(11)
    kept = row(9)
    # 01:45 UTC in summer is 03:45 here: the slot; 00:45 UTC (02:45 here) is skipped.
    tasks.purge_access_log_daily(timestamp=slot(2027, 6, 30, 2, 45))
    assert AccessLogEntry.objects.count() == 2
    tasks.purge_access_log_daily(timestamp=int(at.timestamp()))
    assert list(AccessLogEntry.objects.all()) == [kept]


# --- The schedule ----------------------------------------------------------------------------


def every_run(name, first, last):
    runs = next_runs(periodic_task(name).cron, first, 24 * 370)
    return [moment for moment in runs if moment < last]


YEAR = (datetime.datetime(2027, 1, 1, tzinfo=CPH), datetime.datetime(2028, 1, 1, tzinfo=CPH))


@pytest.mark.parametrize(
    ("name", "at"),
    [
        ("activities.tasks.extend_occurrences_nightly", datetime.time(3, 15)),
        ("centres.tasks.purge_access_log_daily", datetime.time(3, 45)),
    ],
)
def test_a_nightly_task_runs_once_every_day_at_its_time_here_summer_and_winter(name, at):
    runs = every_run(name, *YEAR)
    assert len(runs) == 365  # the days summer time begins and ends too
    assert {moment.timetz().replace(tzinfo=None) for moment in runs} == {at}
    assert len({moment.date() for moment in runs}) == 365


def test_reports_are_pseudonymised_on_the_first_of_each_month_at_half_past_four():
    runs = every_run("incidents.tasks.pseudonymise_incidents_monthly", *YEAR)
    assert [(m.month, m.day, m.hour, m.minute) for m in runs] == [
        (month, 1, 4, 30) for month in range(1, 13)
    ]


def test_tokens_are_purged_hourly_and_stalled_jobs_looked_for_every_minute():
    day = (datetime.datetime(2027, 3, 28, tzinfo=CPH), datetime.datetime(2027, 3, 29, tzinfo=CPH))
    tokens = every_run("centres.tasks.purge_submission_tokens_hourly", *day)
    assert len(tokens) == 23 and {m.minute for m in tokens} == {5}  # a day of 23 hours
    first = next_runs(periodic_task("centres.tasks.retry_stalled_jobs").cron, day[0], 3)
    assert [m.minute for m in first] == [1, 2, 3]


def test_every_periodic_task_is_on_the_schedule():
    assert {p.task.name for p in app.periodic_registry.periodic_tasks.values()} == {
        "activities.tasks.extend_occurrences_nightly",
        "centres.tasks.keep_opening_months_nightly",
        "centres.tasks.purge_access_log_daily",
        "centres.tasks.purge_submission_tokens_hourly",
        "centres.tasks.purge_tally_events_daily",
        "centres.tasks.retry_stalled_jobs",
        "config.tasks.send_digest_daily",
        "incidents.tasks.pseudonymise_incidents_monthly",
    }


def readme_schedule():
    """(when, task) of each row of the README's table under "Scheduled jobs"."""
    text = (Path(settings.BASE_DIR) / "README.md").read_text()
    section = text.split("## Scheduled jobs", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| ([^|`]+?) \| `([\w.]+)` \|", section, re.MULTILINE)


RUNS_IN = {"nightly": 365, "daily": 365, "monthly": 12, "hourly": 365 * 24, "every minute": 0}


def test_the_schedule_is_what_the_readme_says():
    rows = readme_schedule()
    assert {task for _, task in rows} == {
        p.task.name for p in app.periodic_registry.periodic_tasks.values()
    }
    for when, task in rows:
        often = next(word for word in RUNS_IN if when.startswith(word))
        if often == "every minute":
            first = next_runs(periodic_task(task).cron, YEAR[0], 3)
            assert [m.minute for m in first] == [1, 2, 3], task
            continue
        runs = every_run(task, *YEAR)
        assert len(runs) == RUNS_IN[often], task
        if at := re.search(r"(\d\d):(\d\d)", when):
            assert {(m.hour, m.minute) for m in runs} == {(int(at[1]), int(at[2]))}, task
        if minute := re.search(r"at :(\d\d)", when):
            assert {m.minute for m in runs} == {int(minute[1])}, task
        if "the 1st" in when:
            assert {m.day for m in runs} == {1}, task


def test_a_local_hour_that_is_not_there_every_day_is_refused():
    with pytest.raises(ValueError, match="3 to 23"):
        local_cron(30, 2)


# --- Once per slot, retries --------------------------------------------------------------------


@pytest.fixture
def real_queue():
    """The queue in the test database, as on a server."""
    with procrastinate_app.current_app.replace_connector(DjangoConnector()) as real:
        yield real


def test_a_slot_deferred_by_two_servers_is_one_job(db, real_queue):
    task = periodic_task("centres.tasks.purge_submission_tokens_hourly")
    moment = slot(2027, 6, 30, 10, 5)
    for _server in range(2):
        deferrer = periodic.PeriodicDeferrer(registry=real_queue.periodic_registry)
        async_to_sync(deferrer.defer_jobs)([(task, moment)])
    [job] = ProcrastinateJob.objects.filter(task_name=task.task.name)
    assert job.args == {"timestamp": moment} and job.status == "todo"


def test_a_failed_job_is_tried_again_later_and_later_then_left_failed(time_machine):
    time_machine.move_to(datetime.datetime(2027, 6, 30, 10, 0, tzinfo=CPH), tick=False)

    def wait_after(attempts):
        job = jobs.Job(
            queue="default", lock=None, queueing_lock=None, task_name="t", attempts=attempts
        )
        decision = RETRY.get_retry_decision(exception=OSError("down"), job=job)
        return decision and (decision.retry_at - timezone.now()).total_seconds()

    assert [wait_after(n) for n in range(9)] == [3, 9, 27, 81, 243, 729, 2187, 6561, None]
    ours = [
        t
        for name, t in app.tasks.items()
        if name.split(".")[0] in ("centres", "activities", "incidents", "config")
    ]
    assert len(ours) == 10
    for task in ours:
        expected = None if task.name == "centres.tasks.retry_stalled_jobs" else RETRY
        assert task.retry_strategy is expected, task.name


# --- Mail by the worker ---------------------------------------------------------------------


def test_a_password_reset_is_mailed_by_the_worker_in_the_askers_language(
    db, client, queue, run_jobs
):
    UserFactory(username="bob", email="bob@example.org")
    client.cookies["django_language"] = "en"
    client.post(reverse("password_reset"), {"email": "bob@example.org"})
    [job] = queue.connector.jobs.values()
    # No link, nor anything to make one from but the user's id, waits in the queue.
    assert job["args"] == {
        "user_id": job["args"]["user_id"],
        "domain": "testserver",
        "protocol": "http",
        "language": "en",
    }
    assert mail.outbox == []
    run_jobs()
    [message] = mail.outbox
    assert message.subject == "New password for Værested"
    assert re.search(r"http://testserver/\S+/", message.body)
    run_jobs()
    assert len(mail.outbox) == 1 and queue.connector.jobs == {}


def test_a_reset_for_an_account_deactivated_meanwhile_is_not_sent(db, client, run_jobs):
    bob = UserFactory(username="bob", email="bob@example.org")
    client.post(reverse("password_reset"), {"email": "bob@example.org"})
    bob.is_active = False
    bob.save()
    run_jobs()
    assert mail.outbox == []


# --- What the operator sees -----------------------------------------------------------------


def test_the_queue_command_shows_counts_failures_and_next_runs(db, real_queue, time_machine):
    time_machine.move_to(datetime.datetime(2027, 6, 30, 10, 0, tzinfo=CPH), tick=False)
    centres_mail.deliver.defer(to=["a@example.org"], subject="s", body="b")
    centres_mail.deliver.defer(to=["b@example.org"], subject="s", body="b")
    failed = ProcrastinateJob.objects.order_by("id").last()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("UPDATE procrastinate_jobs SET status = 'failed' WHERE id = %s", [failed.id])
    JobFailure.objects.create(
        job_id=failed.id,
        task_name=failed.task_name,
        attempt=8,
        at=timezone.now(),
        error="SMTPServerDisconnected: down",
    )
    out = StringIO()
    call_command("queue", stdout=out)
    text = out.getvalue()
    assert re.search(r"centres\.mail\.deliver\s+failed\s+1\n", text)
    assert re.search(r"centres\.mail\.deliver\s+todo\s+1\n", text)
    assert f"#{failed.id} centres.mail.deliver" in text
    assert "2027-06-30 10:00 SMTPServerDisconnected: down" in text
    assert re.search(r"activities\.tasks\.extend_occurrences_nightly\s+2027-07-01 03:15", text)
    assert re.search(r"incidents\.tasks\.pseudonymise_incidents_monthly\s+2027-07-01 04:30", text)


def test_a_superuser_sees_the_jobs_in_the_admin(db, real_queue, client_for, django_user_model):
    centres_mail.deliver.defer(to=["a@example.org"], subject="s", body="b")
    root = django_user_model.objects.create_superuser("root", "root@example.org", "x")
    response = client_for(root).get(reverse("admin:procrastinate_procrastinatejob_changelist"))
    assert response.status_code == 200
    assert "centres.mail.deliver" in response.text
