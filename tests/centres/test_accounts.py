"""The leader's accounts: invitations, changes, deactivation, the second-step reset and
the record of every change."""

import datetime
import re
import smtplib

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from centres import accounts
from centres import mail as centres_mail
from centres.models import AccountChange, AccountChangeKind, Invitation, Qualification, Role, User
from tests.factories import TOTPDeviceFactory, UserFactory
from tests.queue_support import run_due_jobs

PASSWORD = "lang nok adgangskode 42"


def invite_data(world, **changes):
    return {
        "first_name": "Sara",
        "last_name": "Studerende",
        "username": "sara",
        "email": "sara@example.org",
        "role": Role.STAFF,
        "centres": [world.centre_a.pk],
        "qualification": Qualification.STUDENT,
        **changes,
    }


def invitation_path():
    """The link of the last invitation mailed, as a path."""
    return re.search(r"http://testserver(/\S+)", mail.outbox[-1].body).group(1)


@pytest.fixture
def leader(world, client_for):
    return client_for(world.leader)


def invite(client, world, **changes):
    response = client.post(reverse("centres:person_invite"), invite_data(world, **changes))
    run_due_jobs()  # the worker sends the invitation
    return response


# --- Inviting ----------------------------------------------------------------------------


def test_leader_invites_a_student_who_is_mailed_a_single_use_link(world, leader):
    response = invite(leader, world)
    person = User.objects.get(username="sara")
    assert response.status_code == 302
    assert response.url == reverse("centres:person", args=[person.pk])
    assert person.organisation == world.org_a
    assert person.role == Role.STAFF and person.qualification == Qualification.STUDENT
    assert list(person.centres.all()) == [world.centre_a]
    assert not person.has_usable_password()
    assert not person.is_superuser and not person.is_staff
    [message] = mail.outbox
    assert message.to == ["sara@example.org"]
    assert message.subject == "Din konto i Værested, Banebryderne"
    assert "Vælg din adgangskode her" in message.body and "sara" in message.body
    token = invitation_path().rstrip("/").rsplit("/", 1)[1]
    # Only the token's hash is kept.
    invitation = Invitation.objects.get(person=person)
    assert token not in invitation.token_hash
    assert invitation.token_hash == accounts.hash_token(token)
    change = AccountChange.objects.get(person=person)
    assert change.kind == AccountChangeKind.INVITED and change.changed_by == world.leader
    assert change.changes["qualification"] == ["", "student"]


def test_the_invitee_chooses_a_password_and_is_signed_in(world, leader, client):
    invite(leader, world)
    client.logout()
    path = invitation_path()
    page = client.get(path)
    assert page.status_code == 200
    assert "Vælg din adgangskode" in page.content.decode()
    response = client.post(path, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert response.status_code == 302 and response.url == reverse("home")
    person = User.objects.get(username="sara")
    assert person.check_password(PASSWORD)
    assert client.get(reverse("home")).context["user"] == person
    assert Invitation.objects.get(person=person).used_at is not None
    assert person.account_changes.first().kind == AccountChangeKind.SIGNED_UP
    # Single use: the same link again is the Danish page for links that cannot be used.
    client.logout()
    again = client.get(path)
    assert again.status_code == 404
    assert "Linket kan ikke bruges" in again.content.decode()
    assert (
        client.post(
            path, {"new_password1": "x" + PASSWORD, "new_password2": "x" + PASSWORD}
        ).status_code
        == 404
    )
    person.refresh_from_db()
    assert person.check_password(PASSWORD)


def test_the_password_must_pass_djangos_validators(world, leader, client):
    invite(leader, world)
    client.logout()
    path = invitation_path()
    response = client.post(path, {"new_password1": "sara", "new_password2": "sara"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "for kort" in html
    assert not User.objects.get(username="sara").has_usable_password()
    assert Invitation.objects.get().used_at is None


def test_an_invited_leader_sets_up_the_second_step_before_anything_else(world, leader, client):
    invite(leader, world, username="lone", email="lone@example.org", role=Role.LEADER)
    client.logout()
    path = invitation_path()
    client.post(path, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    response = client.get(reverse("centres:people"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("two_factor"))
    assert User.objects.get(username="lone").centres.count() == 0


def test_an_invitation_expires_after_seven_days(world, leader, client):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        invite(leader, world)
    client.logout()
    path = invitation_path()
    with time_machine.travel(start + datetime.timedelta(days=7, seconds=-1), tick=False):
        assert client.get(path).status_code == 200
    with time_machine.travel(start + datetime.timedelta(days=7), tick=False):
        response = client.post(path, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert response.status_code == 404
    assert "Linket kan ikke bruges" in response.content.decode()
    assert not User.objects.get(username="sara").has_usable_password()


@pytest.mark.parametrize(
    "tamper",
    [lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"), lambda t: t[:10], lambda t: t + "x" * 200],
)
def test_a_tampered_link_gets_the_danish_page(world, leader, client, tamper):
    invite(leader, world)
    client.logout()
    token = invitation_path().rstrip("/").rsplit("/", 1)[1]
    response = client.get(reverse("centres:invitation", args=[tamper(token)]))
    assert response.status_code == 404
    html = response.content.decode()
    assert "Linket kan ikke bruges" in html and "sara" not in html


def test_inviting_again_ends_the_earlier_link(world, leader, client):
    invite(leader, world)
    first = invitation_path()
    person = User.objects.get(username="sara")
    response = leader.post(reverse("centres:person_invite_again", args=[person.pk]))
    assert response.status_code == 302
    run_due_jobs()
    second = invitation_path()
    assert first != second
    client.logout()
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200
    assert person.account_changes.first().kind == AccountChangeKind.INVITED_AGAIN


def test_a_deactivated_invitee_cannot_use_the_link(world, leader, client):
    invite(leader, world)
    path = invitation_path()
    person = User.objects.get(username="sara")
    leader.post(reverse("centres:person_deactivate", args=[person.pk]))
    client.logout()
    assert client.get(path).status_code == 404


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"email": "ikke en adresse"}, "email", "Indtast en gyldig e-mail-adresse."),
        ({"email": "BOB@example.org"}, "email", "En anden i din organisation har allerede"),
        ({"username": "Bob"}, "username", "Brugernavnet er optaget. Vælg et andet."),
        ({"username": "sara med mellemrum"}, "username", "Indtast et gyldigt brugernavn"),
        (
            {"centres": []},
            "centres",
            "Personale og fremskudte medarbejdere skal have mindst ét sted.",
        ),
        ({"centres": ["centre_z"]}, "centres", "Marker en gyldig valgmulighed."),
        ({"role": "superuser"}, "role", "Marker en gyldig valgmulighed."),
        ({"first_name": ""}, "first_name", "Dette felt er påkrævet."),
    ],
)
def test_bad_invitations_are_refused_in_danish_and_nothing_is_saved(
    world, leader, changes, field, message
):
    if changes.get("centres") == ["centre_z"]:
        changes = {"centres": [world.centre_z.pk]}
    users = User.objects.count()
    response = invite(leader, world, **changes)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert User.objects.count() == users
    assert mail.outbox == [] and not Invitation.objects.exists()


def test_an_email_of_another_organisation_is_not_given_away(world, leader):
    response = invite(leader, world, email="zoe@example.org")
    assert response.status_code == 302
    assert User.objects.filter(email="zoe@example.org").count() == 2


def test_leader_cannot_make_a_superuser_or_staff_of_the_admin(world, leader):
    invite(leader, world, is_superuser="on", is_staff="on", organisation=world.org_z.pk)
    person = User.objects.get(username="sara")
    assert not person.is_superuser and not person.is_staff
    assert person.organisation == world.org_a


def test_a_mail_server_that_is_down_delays_the_invitation(world, leader, queue, monkeypatch):
    real_send_mail = centres_mail.send_mail

    def refuse(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("down")

    with time_machine.travel(timezone.now(), tick=False) as traveller:
        monkeypatch.setattr(centres_mail, "send_mail", refuse)
        response = invite(leader, world)
        # The invitation stands; its mail waits to be tried again.
        assert response.status_code == 302
        assert Invitation.objects.filter(person__username="sara").exists()
        [job] = queue.connector.jobs.values()
        assert (job["status"], job["attempts"]) == ("todo", 1)
        assert mail.outbox == []
        monkeypatch.setattr(centres_mail, "send_mail", real_send_mail)
        traveller.shift(datetime.timedelta(seconds=10))
        run_due_jobs()
    [message] = mail.outbox
    assert message.to == ["sara@example.org"]
    assert queue.connector.jobs == {}  # sent: the job, and the link in it, are gone


# --- Changes -----------------------------------------------------------------------------


def test_leader_changes_role_centres_and_qualification_and_it_is_recorded(world, leader):
    response = leader.post(
        reverse("centres:person_edit", args=[world.staff_a.pk]),
        {
            "role": Role.STAFF,
            "centres": [world.centre_a.pk, world.centre_b.pk],
            "qualification": Qualification.VOLUNTEER,
        },
    )
    assert response.status_code == 302
    world.staff_a.refresh_from_db()
    assert world.staff_a.qualification == Qualification.VOLUNTEER
    assert set(world.staff_a.centres.all()) == {world.centre_a, world.centre_b}
    change = AccountChange.objects.get(person=world.staff_a)
    assert change.changed_by == world.leader
    assert change.changes == {
        "centres": [["Værestedet 76F"], ["Værestedet 76F", "Værestedet Frederiksgade"]],
        "qualification": ["trained", "volunteer"],
    }
    html = leader.get(reverse("centres:person", args=[world.staff_a.pk])).content.decode()
    assert "Kvalifikation: Uddannet personale → Frivillig" in html
    assert "Alice" in html


def test_nothing_changed_records_nothing(world, leader):
    leader.post(
        reverse("centres:person_edit", args=[world.staff_a.pk]),
        {"role": Role.STAFF, "centres": [world.centre_a.pk], "qualification": "trained"},
    )
    assert not AccountChange.objects.exists()


def test_the_last_leader_cannot_be_demoted(world, leader):
    response = leader.post(
        reverse("centres:person_edit", args=[world.leader.pk]),
        {"role": Role.STAFF, "centres": [world.centre_a.pk], "qualification": "trained"},
    )
    assert response.status_code == 200
    assert "eneste leder" in response.content.decode()
    world.leader.refresh_from_db()
    assert world.leader.role == Role.LEADER and not AccountChange.objects.exists()


def test_a_second_leader_lets_the_first_step_down(world, leader):
    UserFactory(organisation=world.org_a, role=Role.LEADER)
    response = leader.post(
        reverse("centres:person_edit", args=[world.leader.pk]),
        {"role": Role.STAFF, "centres": [world.centre_a.pk], "qualification": "trained"},
    )
    assert response.status_code == 302 and response.url == reverse("home")
    world.leader.refresh_from_db()
    assert world.leader.role == Role.STAFF


def test_a_deactivated_leader_does_not_count_as_another(world):
    UserFactory(organisation=world.org_a, role=Role.LEADER, is_active=False)
    with pytest.raises(accounts.AccountRefused):
        accounts.change_account(
            world.leader,
            world.leader,
            role=Role.STAFF,
            centres=[world.centre_a],
            qualification="trained",
        )


def test_leader_cannot_deactivate_themselves(world, leader):
    response = leader.post(reverse("centres:person_deactivate", args=[world.leader.pk]))
    assert response.status_code == 200
    assert "Du kan ikke deaktivere dig selv." in response.content.decode()
    world.leader.refresh_from_db()
    assert world.leader.is_active


# --- Deactivation --------------------------------------------------------------------------


def test_a_deactivated_persons_sessions_end_at_once(world, client, leader_client_pair):
    staff, boss = leader_client_pair
    assert staff.get(reverse("centres:detail", args=[world.centre_a.pk])).status_code == 200
    assert Session.objects.count() == 2
    response = boss.post(reverse("centres:person_deactivate", args=[world.staff_a.pk]))
    assert response.status_code == 302
    world.staff_a.refresh_from_db()
    assert not world.staff_a.is_active
    # The session row is gone; the leader's own stays.
    assert Session.objects.count() == 1
    refused = staff.get(reverse("centres:detail", args=[world.centre_a.pk]))
    assert refused.status_code == 302 and refused.url.startswith(reverse("login"))
    change = AccountChange.objects.get(person=world.staff_a)
    assert change.kind == AccountChangeKind.DEACTIVATED


def test_an_inactive_persons_session_is_refused_even_if_it_was_not_found(world, client):
    """Django's ModelBackend refuses inactive users when it reads the session: the session
    rows are deleted as well, but a request needs neither to be refused."""
    client.force_login(world.staff_a)
    User.objects.filter(pk=world.staff_a.pk).update(is_active=False)
    response = client.get(reverse("centres:detail", args=[world.centre_a.pk]))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_reactivated_person_signs_in_with_the_old_password(world, leader, client):
    accounts.deactivate(world.leader, world.staff_a)
    response = leader.post(reverse("centres:person_reactivate", args=[world.staff_a.pk]))
    assert response.status_code == 302
    client.logout()
    signed_in = client.post(
        reverse("login"), {"username": "bob", "password": "correct horse battery staple"}
    )
    assert signed_in.status_code == 302
    kinds = list(world.staff_a.account_changes.values_list("kind", flat=True))
    assert kinds == [AccountChangeKind.REACTIVATED, AccountChangeKind.DEACTIVATED]


def test_the_deactivation_page_asks_first(world, leader):
    response = leader.get(reverse("centres:person_deactivate", args=[world.staff_a.pk]))
    assert response.status_code == 200
    assert "Deaktivér Bob?" in response.content.decode()
    world.staff_a.refresh_from_db()
    assert world.staff_a.is_active


def test_ending_sessions_reads_only_live_sessions(world, client, django_assert_num_queries):
    from importlib import import_module

    from django.conf import settings

    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    for user in (world.staff_a, world.staff_b, world.staff_a):
        store = store_class()
        store["_auth_user_id"] = str(user.pk)
        store.create()
    Session.objects.update(expire_date=timezone.now() + datetime.timedelta(minutes=5))
    old = store_class()
    old["_auth_user_id"] = str(world.staff_a.pk)
    old.create()
    Session.objects.filter(pk=old.session_key).update(
        expire_date=timezone.now() - datetime.timedelta(minutes=1)
    )
    with django_assert_num_queries(2):
        assert accounts.end_sessions(world.staff_a) == 2
    assert Session.objects.count() == 2  # Carol's, and the expired one for the purge


# --- Second step ----------------------------------------------------------------------------


def test_reset_second_step_forces_a_new_app_at_next_sign_in(world, leader, client):
    other = UserFactory(username="lis", organisation=world.org_a, role=Role.LEADER)
    device = TOTPDeviceFactory(user=other)
    StaticDevice.objects.create(user=other, name="backup")
    response = leader.post(reverse("centres:person_reset_second_step", args=[other.pk]))
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    assert not StaticDevice.objects.filter(user=other).exists()
    assert other.account_changes.get().kind == AccountChangeKind.SECOND_STEP_RESET
    client.logout()
    client.post(reverse("login"), {"username": "lis", "password": "correct horse battery staple"})
    held = client.get(reverse("home"))
    assert held.status_code == 302 and held.url.startswith(reverse("two_factor"))
    assert "totrinslogin" in client.get(reverse("two_factor")).content.decode().lower()


def test_resetting_without_a_device_is_refused(world, leader):
    response = leader.post(reverse("centres:person_reset_second_step", args=[world.staff_a.pk]))
    assert response.status_code == 200
    assert "bruger ikke totrinslogin" in response.content.decode()
    assert not AccountChange.objects.exists()


# --- Access ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "centres:person",
        "centres:person_edit",
        "centres:person_deactivate",
        "centres:person_reset_second_step",
    ],
)
def test_another_organisations_people_do_not_exist(world, client_for, name):
    client = client_for(world.other_leader)
    assert client.get(reverse(name, args=[world.staff_a.pk])).status_code == 404
    assert client.post(reverse(name, args=[world.staff_a.pk])).status_code == 404
    world.staff_a.refresh_from_db()
    assert world.staff_a.is_active


def test_staff_may_not_change_accounts(world, client_for):
    client = client_for(world.staff_a)
    response = client.post(reverse("centres:person_deactivate", args=[world.staff_b.pk]))
    assert response.status_code == 403
    assert client.post(reverse("centres:person_invite"), invite_data(world)).status_code == 403
    world.staff_b.refresh_from_db()
    assert world.staff_b.is_active and not User.objects.filter(username="sara").exists()


def test_a_superuser_is_not_a_person_of_the_organisation(world, leader, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.org", "pw")
    assert leader.get(reverse("centres:person", args=[admin.pk])).status_code == 404
    assert leader.post(reverse("centres:person_deactivate", args=[admin.pk])).status_code == 404


def test_people_page_shows_the_invited_and_the_deactivated(world, leader):
    invite(leader, world)
    accounts.deactivate(world.leader, world.staff_b)
    html = leader.get(reverse("centres:people")).content.decode()
    assert "Inviteret" in html and "Deaktiveret" in html
    assert reverse("centres:person_invite") in html


def test_person_page_in_constant_queries(world, leader, django_assert_num_queries):
    for role in (Role.OUTREACH, Role.LEADER, Role.STAFF):
        accounts.change_account(
            world.leader,
            world.staff_a,
            role=role,
            centres=[world.centre_a],
            qualification="trained",
        )
    url = reverse("centres:person", args=[world.staff_a.pk])
    leader.get(url)
    # session, user, device; person, centres, changes (with who), invitation, device
    # check; session save.
    with django_assert_num_queries(9):
        html = leader.get(url).content.decode()
    assert html.count("Rolle:") == 3


@pytest.fixture
def leader_client_pair(world, client_for):
    """Two clients at once: Bob signed in, and Alice past her second step."""
    from django.test import Client

    from tests.factories import app_device_for

    staff = Client()
    staff.force_login(world.staff_a)
    boss = Client()
    boss.force_login(world.leader)
    session = boss.session
    session["otp_device_id"] = app_device_for(world.leader).persistent_id
    session.save()
    return staff, boss
