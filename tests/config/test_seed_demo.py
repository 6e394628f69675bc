import re

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from centres.models import Centre, Organisation, Role, User


def test_seed_demo_refuses_without_debug(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DJANGO_DEBUG"):
        call_command("seed_demo")
    assert not Organisation.objects.exists()


def test_seed_demo_is_idempotent_and_has_one_person_per_role(db, settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")
    assert Organisation.objects.count() == 1
    assert sorted(Centre.objects.values_list("address", flat=True)) == [
        "Frederiksgade 6, 4690 Haslev",
        "Præstøvej 76F, 4640 Faxe",
        "Slagterivej 17, 4690 Haslev",
    ]
    assert set(User.objects.values_list("role", flat=True)) == set(Role)
    output = capsys.readouterr().out
    assert "vaerested-demo" in output and "personale76f" in output


def test_seed_demo_logins_work(db, client):
    call_command("seed_demo", force=True)
    response = client.post("/account/login/", {"username": "leder", "password": "vaerested-demo"})
    assert response.status_code == 302


def test_demo_leader_signs_in_with_a_printed_backup_code_new_on_every_run(db, client, capsys):
    call_command("seed_demo", force=True)
    first = re.search(r"one-time codes: ([a-z2-7 ]+)", capsys.readouterr().out).group(1).split()
    call_command("seed_demo", force=True)
    codes = re.search(r"one-time codes: ([a-z2-7 ]+)", capsys.readouterr().out).group(1).split()
    assert len(codes) == 10 and not set(first) & set(codes)

    client.post("/account/login/", {"username": "leder", "password": "vaerested-demo"})
    assert client.get(reverse("home")).url.startswith(reverse("two_factor_verify"))
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client.post(reverse("two_factor_verify"), {"code": first[0]})
        assert client.get(reverse("home")).status_code == 302  # old codes are void
        traveller.shift(2)  # the pause after one wrong code
        response = client.post(reverse("two_factor_verify"), {"code": codes[0]})
    assert response.url == reverse("home")
    assert client.get(reverse("home")).status_code == 200


def test_seed_demo_prints_every_login_the_apps_made(db, capsys):
    call_command("seed_demo", force=True)
    out = capsys.readouterr().out
    for username in ("leder", "mette", "kasper"):
        assert f"  {username} " in out, out
