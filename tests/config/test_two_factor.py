"""Two-factor sign-in: Alice (leader) must use it, Bob (staff) may, Zoe's device is hers."""

import re
from base64 import b32decode

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from centres.models import Role
from config.two_factor import replace_backup_codes
from tests.factories import TOTPDeviceFactory, UserFactory, code_for_key, totp_code

PASSWORD = "correct horse battery staple"


def sign_in(client, user):
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return response


def enrol(client):
    """Set up an app on the two-factor page as a person would; return its secret key."""
    html = client.get(reverse("two_factor")).content.decode()
    secret = re.search(r'id="two-factor-secret">([A-Z2-7 ]+)<', html).group(1)
    key = b32decode(secret.replace(" ", ""))
    response = client.post(reverse("two_factor"), {"code": code_for_key(key)})
    assert response.status_code == 200
    assert "Reservekoder" in response.content.decode()
    return key, re.findall(r"<code>([a-z2-7]{8})</code>", response.content.decode())


@pytest.fixture
def frozen():
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


def test_leader_is_asked_for_a_code_after_the_password(world, client):
    response = sign_in(client, world.leader)
    response = client.get(response.url)
    assert response.status_code == 302
    assert response.url == reverse("two_factor_verify") + "?next=%2F"
    html = client.get(response.url).content.decode()
    assert "Indtast kode" in html

    device = TOTPDevice.objects.get(user=world.leader)
    response = client.post(response.url, {"code": totp_code(device), "next": "/"})
    assert response.url == "/"
    assert client.get(reverse("home")).status_code == 200


def test_wrong_code_is_refused_in_danish_and_the_page_stays_closed(world, client):
    sign_in(client, world.leader)
    device = TOTPDevice.objects.get(user=world.leader)
    wrong = f"{(int(totp_code(device)) + 1) % 1_000_000:06d}"
    response = client.post(reverse("two_factor_verify"), {"code": wrong})
    assert response.status_code == 200
    assert "Koden er ikke rigtig" in response.content.decode()
    assert client.get(reverse("incidents:list")).status_code == 302


def test_a_code_works_only_once(world, client, frozen):
    device = TOTPDevice.objects.get(user=world.leader)
    code = totp_code(device)
    sign_in(client, world.leader)
    assert client.post(reverse("two_factor_verify"), {"code": code}).status_code == 302
    client.post(reverse("logout"))

    frozen.shift(5)  # past the pause, within the same 30-second step
    sign_in(client, world.leader)
    response = client.post(reverse("two_factor_verify"), {"code": code})
    assert response.status_code == 200
    assert "Koden er ikke rigtig" in response.content.decode()


def test_wrong_codes_make_even_the_right_code_wait(world, client, frozen):
    device = TOTPDevice.objects.get(user=world.leader)
    sign_in(client, world.leader)
    client.post(reverse("two_factor_verify"), {"code": "000000"})
    response = client.post(reverse("two_factor_verify"), {"code": totp_code(device)})
    assert "For mange forkerte koder" in response.content.decode()
    frozen.shift(2)  # one wrong code: a one-second pause
    client.post(reverse("two_factor_verify"), {"code": "000000"})
    frozen.shift(1.5)  # two in a row: two seconds
    response = client.post(reverse("two_factor_verify"), {"code": totp_code(device)})
    assert "For mange forkerte koder" in response.content.decode()
    frozen.shift(1)
    response = client.post(reverse("two_factor_verify"), {"code": totp_code(device)})
    assert response.status_code == 302


def test_backup_code_signs_in_once_and_an_app_code_does_not_slow_it_down(world, client, frozen):
    codes = replace_backup_codes(world.leader)
    device = TOTPDevice.objects.get(user=world.leader)
    sign_in(client, world.leader)
    assert client.post(reverse("two_factor_verify"), {"code": totp_code(device)}).status_code == 302
    client.post(reverse("logout"))
    sign_in(client, world.leader)
    response = client.post(reverse("two_factor_verify"), {"code": codes[0].upper()}, follow=True)
    assert "Reservekode brugt: 9 tilbage" in response.content.decode()
    client.post(reverse("logout"))
    frozen.shift(5)
    sign_in(client, world.leader)
    assert client.post(reverse("two_factor_verify"), {"code": codes[0]}).status_code == 200


def test_leader_without_a_device_reaches_nothing_but_the_set_up(world, client):
    from tests.test_permissions import TABLE, build_url, extend_world

    extend_world(world)
    newcomer = UserFactory(organisation=world.org_a, role=Role.LEADER)
    sign_in(client, newcomer)
    open_views = {"two_factor", "two_factor_qr", "two_factor_verify", "healthz", "set_language"}
    setup = reverse("two_factor")
    for name, (kwargs, _statuses) in TABLE.items():
        if name in open_views or name == "logout":
            continue
        url = build_url(world, name, kwargs)
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code == 302, f"{method} {url}"
            assert response.url.startswith(setup), f"{method} {url} -> {response.url}"
    assert client.get(reverse("two_factor_verify")).url == setup
    assert client.get(reverse("two_factor")).status_code == 200


def test_safety_representative_must_set_up_two_factor_too(world, client):
    world.staff_b.is_safety_representative = True
    world.staff_b.save()
    sign_in(client, world.staff_b)
    assert client.get(reverse("home")).url.startswith(reverse("two_factor"))
    enrol(client)
    assert client.get(reverse("home")).status_code == 200


def test_staff_may_opt_in_and_are_then_asked_for_a_code(world, client, frozen):
    sign_in(client, world.staff_a)
    assert client.get(reverse("home")).status_code == 200
    key, backup = enrol(client)
    assert len(backup) == 10
    assert client.get(reverse("home")).status_code == 200  # verified by setting it up
    client.post(reverse("logout"))

    sign_in(client, world.staff_a)
    assert client.get(reverse("home")).url.startswith(reverse("two_factor_verify"))
    frozen.shift(30)
    client.post(reverse("two_factor_verify"), {"code": code_for_key(key)})
    assert client.get(reverse("home")).status_code == 200


def test_the_qr_code_is_an_svg_of_the_app_set_up(world, client_for):
    response = client_for(world.staff_a).get(reverse("two_factor_qr"))
    assert response["Content-Type"] == "image/svg+xml"
    assert response.content.startswith(b"<svg")
    assert "no-store" in response["Cache-Control"]
    device = TOTPDevice.objects.get(user=world.staff_a, confirmed=False)
    page = client_for(world.staff_a).get(reverse("two_factor")).content.decode()
    assert b32decode(re.search(r'secret">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")) == (
        device.bin_key
    )
    assert f'src="{reverse("two_factor_qr")}"' in page


def test_a_password_alone_cannot_add_a_second_phone(world, client):
    """With Alice's password but not her phone, an attacker may not set up his own app."""
    TOTPDevice.objects.filter(user=world.leader).delete()
    replace_backup_codes(world.leader)
    sign_in(client, world.leader)
    assert client.get(reverse("two_factor")).url == reverse("two_factor_verify")
    assert client.get(reverse("two_factor_qr")).status_code == 404
    assert client.post(reverse("two_factor"), {"code": "123456"}).status_code == 302
    assert not TOTPDevice.objects.filter(user=world.leader).exists()


def test_turning_off_needs_the_password(world, client_for):
    replace_backup_codes(world.staff_a)
    TOTPDeviceFactory(user=world.staff_a)
    client = client_for(world.staff_a)
    session = client.session
    session["otp_device_id"] = TOTPDevice.objects.get(user=world.staff_a).persistent_id
    session.save()
    page = client.get(reverse("two_factor")).content.decode()
    assert "Du har 10 ubrugte reservekoder tilbage" in page

    response = client.post(reverse("two_factor_remove"), {"password": "wrong"})
    assert "Adgangskoden er ikke rigtig" in response.content.decode()
    assert TOTPDevice.objects.filter(user=world.staff_a).exists()

    response = client.post(reverse("two_factor_remove"), {"password": PASSWORD})
    assert response.url == reverse("two_factor")
    assert not TOTPDevice.objects.filter(user=world.staff_a).exists()
    assert not StaticToken.objects.filter(device__user=world.staff_a).exists()
    assert client.get(reverse("home")).status_code == 200


def test_leader_who_turns_it_off_must_set_up_a_new_phone(world, client_for):
    client = client_for(world.leader)
    client.post(reverse("two_factor_remove"), {"password": PASSWORD})
    assert client.get(reverse("home")).url.startswith(reverse("two_factor"))
    assert "Sæt en ny app op" in client.get(reverse("two_factor")).content.decode()


def test_new_backup_codes_replace_the_old(world, client_for):
    old = replace_backup_codes(world.leader)
    response = client_for(world.leader).post(reverse("two_factor_backup_codes"))
    new = re.findall(r"<code>([a-z2-7]{8})</code>", response.content.decode())
    assert len(new) == 10 and not set(old) & set(new)
    assert set(StaticToken.objects.values_list("token", flat=True)) == set(new)


def test_an_outside_next_address_is_ignored(world, client):
    device = TOTPDevice.objects.get(user=world.leader)
    sign_in(client, world.leader)
    response = client.post(
        reverse("two_factor_verify") + "?next=https://evil.example/",
        {"code": totp_code(device)},
    )
    assert response.url == reverse("home")
