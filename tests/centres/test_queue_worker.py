"""The queue's worker as it runs on a server: a process of its own (`manage.py
procrastinate worker`) on the test database, sending mail to a real SMTP server.

A password reset asked for on the page is mailed once, in Danish; a worker killed in
the middle of sending is found stalled, its job run again by another, and the mail
arrives once."""

import asyncio
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from asgiref.sync import async_to_sync
from django.conf import settings
from django.db import connection
from django.urls import reverse
from procrastinate.contrib.django import procrastinate_app
from procrastinate.contrib.django.django_connector import DjangoConnector
from procrastinate.contrib.django.models import ProcrastinateJob

from centres.tasks import retry_stalled
from tests.factories import UserFactory
from tests.process_support import database_url

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

BASE_DIR = Path(settings.BASE_DIR)
WAIT = 30  # seconds: the most anything here may take; it takes one or two
RESET = "centres.mail.deliver_password_reset"


class Mailbox:
    """What an SMTP server accepted; it can hold the first message it is sent, as a
    mail server that hangs would, until `release`."""

    def __init__(self, hold_first=False):
        self.messages = []
        self.holding = threading.Event()
        self.released = threading.Event()
        self.hold_first = hold_first

    async def handle_DATA(self, server, session, envelope):
        if self.hold_first:
            self.hold_first = False
            self.holding.set()
            while not self.released.is_set():
                await asyncio.sleep(0.05)
            return "451 Try again later"
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def release(self):
        self.released.set()


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    """Start a real SMTP server on this machine; `smtp_server(hold_first=...)`."""
    started = []

    def start(**options):
        mailbox = Mailbox(**options)
        controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
        controller.start()
        started.append((controller, mailbox))
        mailbox.port = controller.port
        return mailbox

    yield start
    for controller, mailbox in started:
        mailbox.release()
        controller.stop()


@pytest.fixture
def worker(smtp_server, tmp_path):
    """Start `manage.py procrastinate worker` as a server runs it (production settings,
    mail by SMTP), on the test database; every worker started is stopped at the end."""
    processes = []

    def start(mailbox, *options):
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_DEBUG": "",
            "DJANGO_SECRET_KEY": settings.SECRET_KEY,
            "DATABASE_URL": database_url(),
            "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "DJANGO_EMAIL_HOST": "127.0.0.1",
            "DJANGO_EMAIL_PORT": str(mailbox.port),
            # A worker without a heartbeat for a second is taken as dead.
            "VAERESTED_QUEUE_STALLED_SECONDS": "1",
        }
        log = open(tmp_path / f"worker-{len(processes)}.log", "w")  # noqa: SIM115
        process = subprocess.Popen(
            [sys.executable, "manage.py", "procrastinate", "worker", *options],
            cwd=BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        processes.append((process, log))
        return process

    yield start
    for process, log in processes:
        if process.poll() is None:
            process.kill()
        process.wait(WAIT)
        log.close()


# The queue's tables are not Django's to manage, so a transactional test's flush leaves
# them as they are: what a worker deferred (its periodic jobs) would meet the next test.
QUEUE_TABLES = (
    "procrastinate_events, procrastinate_periodic_defers, procrastinate_jobs, procrastinate_workers"
)


def empty_the_queue():
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {QUEUE_TABLES} CASCADE")


@pytest.fixture
def real_queue():
    """Jobs deferred to the test database, where the worker process finds them; the
    queue's tables empty before and after."""
    empty_the_queue()
    with procrastinate_app.current_app.replace_connector(DjangoConnector()) as app:
        yield app
    empty_the_queue()


def finish(process, tmp_path):
    """Wait for a worker started with --one-shot to stop, its log if it failed."""
    try:
        code = process.wait(WAIT)
    except subprocess.TimeoutExpired:
        code = "still running"
    logs = "\n".join(p.read_text() for p in sorted(tmp_path.glob("worker-*.log")))
    assert code == 0, logs


def jobs(task_name):
    return list(ProcrastinateJob.objects.filter(task_name=task_name))


def ask_for_a_reset(client):
    UserFactory(username="bob", email="bob@example.org")
    response = client.post(reverse("password_reset"), {"email": "bob@example.org"})
    assert response.status_code == 302
    [job] = jobs(RESET)
    return job


def test_a_worker_process_mails_a_reset_once_in_danish(
    client, real_queue, smtp_server, worker, tmp_path
):
    mailbox = smtp_server()
    ask_for_a_reset(client)
    finish(worker(mailbox, "--one-shot"), tmp_path)
    [message] = mailbox.messages
    assert message["To"] == "bob@example.org"
    assert message["Subject"] == "Ny adgangskode til Værested"
    body = message.get_content()
    assert "Dit brugernavn: bob" in body
    # The link the worker made opens the form for a new password.
    link = body.split("http://testserver", 1)[1].split()[0]
    assert client.get(link).status_code == 302
    assert jobs(RESET) == []  # sent: the job is deleted
    # Another run of a worker finds nothing more to send.
    finish(worker(mailbox, "--one-shot"), tmp_path)
    assert len(mailbox.messages) == 1


def test_a_job_of_a_killed_worker_is_run_again_and_mailed_once(
    client, real_queue, smtp_server, worker, tmp_path, settings
):
    settings.QUEUE_STALLED_SECONDS = 1
    mailbox = smtp_server(hold_first=True)
    job = ask_for_a_reset(client)
    first = worker(mailbox)
    assert mailbox.holding.wait(WAIT), "the first worker never reached the mail server"
    first.send_signal(signal.SIGKILL)
    first.wait(WAIT)
    mailbox.release()
    job.refresh_from_db()
    assert job.status == "doing"  # and nobody is doing it: the job is stalled

    # The periodic job that looks for stalled jobs, as any worker runs it.
    retried = []
    deadline = time.monotonic() + WAIT
    while not retried and time.monotonic() < deadline:
        time.sleep(0.2)
        retried = run_retry_stalled(real_queue)
    # Only the killed worker's job is ours to check: a periodic job the worker had
    # deferred may be stalled beside it, and is retried too.
    assert job.id in retried
    job.refresh_from_db()
    assert job.status == "todo"

    finish(worker(mailbox, "--one-shot"), tmp_path)
    [message] = mailbox.messages
    assert message["Subject"] == "Ny adgangskode til Værested"
    assert jobs(RESET) == []
    finish(worker(mailbox, "--one-shot"), tmp_path)
    assert len(mailbox.messages) == 1


def run_retry_stalled(app):
    """centres.tasks.retry_stalled on a connection of its own, as a worker has."""
    with app.replace_connector(app.connector.get_worker_connector()) as worker_app:

        async def run():
            async with worker_app.open_async():
                return await retry_stalled(worker_app.job_manager)

        return async_to_sync(run)()


def test_a_worker_process_mails_the_morning_digest_once_in_danish_without_aliases(
    world, real_queue, smtp_server, worker, tmp_path
):
    """A due reminder (a follow-up of an episode naming a user) reaches its owner in the
    morning digest: Danish, titles and links only, and a second run sends nothing."""
    import datetime

    from config.tasks import send_digest_daily
    from tests.config.todo_support import CPH, checked, days
    from tests.incidents.factories import FollowUpItemFactory, IncidentFactory

    checked(world)
    incident = IncidentFactory(
        centre=world.centre_a,
        involved_aliases=["Gråspurven"],
        summary="Kastede en kop mod køleskabet",
    )
    FollowUpItemFactory(incident=incident, owner=world.staff_a, due_on=days(1))
    slot = int(datetime.datetime(2026, 12, 9, 7, 0, tzinfo=CPH).timestamp())
    mailbox = smtp_server()
    send_digest_daily.defer(timestamp=slot)
    finish(worker(mailbox, "--one-shot"), tmp_path)
    to_bob = [m for m in mailbox.messages if m["To"] == world.staff_a.email]
    assert len(to_bob) == 1
    message = to_bob[0]
    assert "at gøre" in message["Subject"]
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Følg op" in text or "opfølgning" in text.lower()
    for part in (message["Subject"], text, html):
        assert "Gråspurven" not in part and "køleskabet" not in part
    sent = len(mailbox.messages)

    # The same slot again (a second server, a retry): nothing new, so nothing is sent.
    send_digest_daily.defer(timestamp=slot)
    finish(worker(mailbox, "--one-shot"), tmp_path)
    assert len(mailbox.messages) == sent
