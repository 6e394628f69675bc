import pytest
from django.core.management import CommandError, call_command

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
