"""The one way apps add to shared pages (centres.signals): answers come in INSTALLED_APPS
order whatever the order of connection, a receiver that raises is an error, and the apps
keep to their boundaries."""

import ast
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from centres import signals

APPS = ["centres", "activities", "advice", "incidents"]


def receiver_in(module, answer):
    def answer_from(sender, **kwargs):
        return [answer]

    answer_from.__module__ = module
    return answer_from


def test_answers_come_in_installed_apps_order_not_connection_order():
    signal = signals.AppSignal()
    # Connected backwards, and one from outside every app (a test's) first of all.
    outside = receiver_in("tests.somewhere", "outside")
    receivers = [outside] + [receiver_in(f"{app}.ui", app) for app in reversed(APPS)]
    for receiver in receivers:
        signal.connect(receiver)
    assert signal.items() == [*APPS, "outside"]
    assert [receiver for receiver, _answer in signal.send(None)][:4] == receivers[:0:-1]


def test_the_apps_own_receivers_answer_in_installed_apps_order(world):
    installed = [name for name in settings.INSTALLED_APPS if name in APPS]
    assert installed == APPS
    request = RequestFactory().get("/")
    request.user = world.leader
    for signal, named in [
        (signals.nav_items, {"request": request}),
        (signals.home_panels, {"request": request}),
        (signals.todo_items, {"user": world.leader, "today": timezone.localdate()}),
    ]:
        modules = [receiver.__module__ for receiver, _answer in signal.send(None, **named)]
        assert modules == [f"{app}.ui" for app in APPS]
    now = timezone.now()
    week = signals.week_plan_entries.send(None, centre=world.centre_a, start=now, end=now)
    assert [receiver.__module__ for receiver, _answer in week] == [
        "activities.week_plan",
        "advice.week_plan",
    ]


def test_a_receiver_that_raises_is_not_swallowed(world, client_for):
    def broken(sender, request, **kwargs):
        raise RuntimeError("a broken panel")

    signals.home_panels.connect(broken)
    try:
        with pytest.raises(RuntimeError, match="a broken panel"):
            client_for(world.leader).get(reverse("home"))
    finally:
        signals.home_panels.disconnect(broken)


def imported_apps(path):
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("app", APPS)
def test_centres_imports_no_other_app_and_the_others_only_centres(app):
    others = {*APPS, "config"} - {app, "centres"}
    root = Path(apps.get_app_config(app).path)
    wrong = {
        str(path.relative_to(root)): imported_apps(path) & others
        for path in root.rglob("*.py")
        if imported_apps(path) & others
    }
    assert wrong == {}
