"""The task queue in tests: jobs deferred to memory (the `queue` fixture of
tests/conftest.py), run here by procrastinate's own worker."""

import asyncio
import threading
from unittest import mock

from asgiref.sync import async_to_sync, sync_to_async
from django.db import connections
from procrastinate import periodic, utils
from procrastinate.contrib.django import procrastinate_app


async def in_the_callers_thread(func, *args, **kwargs):
    return await sync_to_async(func, thread_sensitive=True)(*args, **kwargs)


def run_due_jobs():
    """Run the jobs due until none is left, as a worker does, with two differences: each
    job runs in this thread (a worker runs it in a thread of its own, with a connection
    of its own that would not see the test's data), and no periodic job is deferred.

    A browser test's thread runs Playwright's event loop: there the jobs run in a thread
    of their own, and see what the live server committed."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        work()
        return
    thread = threading.Thread(target=work_and_close)
    thread.start()
    thread.join()


def work():
    app = procrastinate_app.current_app
    with (
        mock.patch.object(utils, "sync_to_async", in_the_callers_thread),
        mock.patch.object(app, "periodic_registry", periodic.PeriodicRegistry()),
    ):
        # No connection clean-up around each job: it would close the test's transaction.
        async_to_sync(app.run_worker_async)(
            wait=False, install_signal_handlers=False, listen_notify=False, task_middleware=[]
        )


def work_and_close():
    try:
        work()
    finally:
        connections.close_all()
