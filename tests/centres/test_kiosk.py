"""The tablet by the door: pairing codes, the kiosk session, what a tablet reaches, the
safety card and the leader's list of tablets.

Alice (leader) registers a tablet for Værestedet 76F; the tablet counts and registers
episodes without anyone signing in, names no one but the key holder responsible now,
and is out at its next request once Alice revokes it.
"""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from advice.models import Contact
from centres import kiosk as kiosk_module
from centres import signals
from centres.kiosk import COOKIE_NAME, KIOSK_VIEWS, kiosk_may_open
from centres.models import (
    PAIRING_CODE_ALPHABET,
    PAIRING_CODE_LENGTH,
    AccessLogEntry,
    KioskDevice,
    OpeningKind,
    VisitCount,
    kiosk_secret_hash,
)
from incidents.models import Incident
from tests.centres.factories import (
    KeyHolderFactory,
    KioskDeviceFactory,
    OpeningHoursFactory,
    UserRunOpeningFactory,
    pair_kiosk,
)
from tests.clock_support import CPH

# A Saturday at noon, and a Tuesday at ten.
SATURDAY_NOON = datetime.datetime(2026, 6, 6, 12, 0, tzinfo=CPH)
TUESDAY_TEN = datetime.datetime(2026, 6, 9, 10, 0, tzinfo=CPH)


@pytest.fixture
def device(world):
    return KioskDeviceFactory(centre=world.centre_a, created_by=world.leader, name="Ved kaffen")


@pytest.fixture
def tablet(client, device):
    """A client that is the paired tablet of centre A, and nobody."""
    client.cookies[COOKIE_NAME] = pair_kiosk(device)
    return client


# --- The model ---------------------------------------------------------------------------


def test_a_code_is_eight_unambiguous_characters_stored_only_hashed(device):
    code = device.new_code()
    assert len(code) == PAIRING_CODE_LENGTH
    assert set(code) <= set(PAIRING_CODE_ALPHABET)
    assert not set("01OIL5S2Z") & set(PAIRING_CODE_ALPHABET)
    device.refresh_from_db()
    assert device.code_hash == kiosk_secret_hash(code) != code
    assert code not in str(KioskDevice.objects.filter(pk=device.pk).values().get())


def test_a_code_pairs_once_typed_loosely(device):
    code = device.new_code()
    typed = f" {code[:4].lower()}-{code[4:]} "
    paired = KioskDevice.pair(typed)
    assert paired is not None
    found, token = paired
    assert found == device and len(token) >= 40
    found.refresh_from_db()
    assert found.token_hash == kiosk_secret_hash(token) and found.code_hash == ""
    assert found.paired_at is not None
    assert KioskDevice.pair(code) is None  # single use


def test_a_code_expires_after_fifteen_minutes(device):
    with time_machine.travel(TUESDAY_TEN, tick=False):
        code = device.new_code()
    with time_machine.travel(TUESDAY_TEN + datetime.timedelta(minutes=15, seconds=1), tick=False):
        assert KioskDevice.pair(code) is None
    with time_machine.travel(TUESDAY_TEN + datetime.timedelta(minutes=14), tick=False):
        assert KioskDevice.pair(code) is not None


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    issued=st.datetimes(
        min_value=datetime.datetime(2026, 1, 1), max_value=datetime.datetime(2028, 12, 31)
    ),
    seconds=st.integers(min_value=0, max_value=40 * 60),
)
# The nights the clocks change: a code's 15 minutes are real minutes, not the wall clock's.
@example(issued=datetime.datetime(2027, 3, 28, 1, 55), seconds=14 * 60)
@example(issued=datetime.datetime(2027, 10, 31, 2, 50), seconds=15 * 60)
def test_a_code_pairs_exactly_within_its_fifteen_minutes(device, issued, seconds):
    issued = issued.replace(tzinfo=CPH)
    device.revoked_at = None
    with time_machine.travel(issued, tick=False):
        code = device.new_code()
    with time_machine.travel(issued + datetime.timedelta(seconds=seconds), tick=False):
        paired = KioskDevice.pair(code)
    assert (paired is not None) == (seconds < 15 * 60)


def test_a_wrong_or_short_code_pairs_nothing(device):
    device.new_code()
    assert KioskDevice.pair("ABCDEFGH") is None
    assert KioskDevice.pair("") is None
    assert KioskDevice.pair("A" * 200) is None


def test_a_revoked_device_holds_no_secret_and_its_token_opens_nothing(device):
    token = pair_kiosk(device)
    assert KioskDevice.objects.paired_by(token) == device
    device.revoke()
    device.refresh_from_db()
    assert device.token_hash == device.code_hash == "" and device.is_revoked
    assert KioskDevice.objects.paired_by(token) is None


def test_the_token_lookup_is_one_query(device, django_assert_num_queries):
    token = pair_kiosk(device)
    with django_assert_num_queries(1):
        assert KioskDevice.objects.paired_by(token).centre.name == "Værestedet 76F"


def test_every_change_is_in_the_history_without_the_secrets(device):
    pair_kiosk(device)
    device.name = "Ved døren"
    device.save()
    device.revoke()
    versions = list(device.history.order_by("history_date"))
    assert [v.history_type for v in versions][:1] == ["+"] and len(versions) >= 4
    assert not hasattr(versions[-1], "token_hash") and not hasattr(versions[-1], "code_hash")
    assert versions[-1].revoked_at is not None


def test_leaders_see_the_devices_of_their_organisation_only(world, device):
    assert list(KioskDevice.objects.for_user(world.leader)) == [device]
    assert not KioskDevice.objects.for_user(world.other_leader).exists()
    assert not KioskDevice.objects.for_user(world.staff_a).exists()


# --- The middleware ------------------------------------------------------------------------


def test_the_cookie_makes_the_request_the_tablet_and_no_person(tablet, device):
    response = tablet.get(reverse("centres:kiosk_home"))
    assert response.status_code == 200
    assert response.wsgi_request.kiosk == device
    assert not response.wsgi_request.user.is_authenticated
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert "Værestedet 76F" in html and 'id="main-nav"' not in html
    device.refresh_from_db()
    assert device.last_seen is not None


def test_revoking_ends_the_session_at_the_next_request(tablet, device):
    assert tablet.get(reverse("centres:tally", args=[device.centre_id])).status_code == 200
    KioskDevice.objects.get(pk=device.pk).revoke()
    response = tablet.get(reverse("centres:tally", args=[device.centre_id]))
    assert response.status_code == 302 and response.url == reverse("centres:kiosk_pair")
    assert tablet.cookies[COOKIE_NAME].value == ""  # the cookie is deleted
    # An htmx tap is sent to the pairing page too, and counts nothing.
    tablet.cookies[COOKIE_NAME] = "the-old-token"
    response = tablet.post(
        reverse("centres:tally_tap", args=[device.centre_id]), {"new": "0"}, HTTP_HX_REQUEST="true"
    )
    assert response["HX-Redirect"] == reverse("centres:kiosk_pair")
    assert not VisitCount.objects.exists()


def test_a_person_signed_in_on_the_same_browser_is_the_person(world, client_for, device):
    client = client_for(world.staff_a)
    client.cookies[COOKIE_NAME] = pair_kiosk(device)
    response = client.get(reverse("centres:shifts", args=[world.centre_a.pk]))
    assert response.status_code == 200 and response.wsgi_request.kiosk is None


def test_a_tablet_is_sent_home_from_anything_off_its_list(tablet, world):
    for url in (reverse("centres:keys"), reverse("incidents:list"), reverse("home")):
        response = tablet.get(url)
        assert response.status_code == 302 and response.url == reverse("centres:kiosk_home")
    response = tablet.get(reverse("incidents:list"), HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"] == reverse("centres:kiosk_home")


def test_the_allowlist_is_one_constant_and_takes_the_sync_views():
    assert "centres:tally" in KIOSK_VIEWS
    assert kiosk_may_open("centres:tally_sync")
    assert kiosk_may_open("centres:tally_sync_batch")
    assert not kiosk_may_open("centres:tally_day")
    assert not kiosk_may_open("incidents:list")


# --- What a tablet does --------------------------------------------------------------------


def test_a_tablet_counts_and_undoes_at_its_centre(tablet, world):
    tap = reverse("centres:tally_tap", args=[world.centre_a.pk])
    tablet.post(tap, {"new": "1"})
    tablet.post(tap, {"new": "0"})
    tablet.post(reverse("centres:tally_undo", args=[world.centre_a.pk]))
    assert sum(VisitCount.objects.values_list("visits", flat=True)) == 1
    page = tablet.get(reverse("centres:tally", args=[world.centre_a.pk])).content.decode()
    assert reverse("centres:tally_day", args=[world.centre_a.pk]) not in page


def test_a_tablet_cannot_reach_another_centre(tablet, world):
    assert tablet.get(reverse("centres:tally", args=[world.centre_b.pk])).status_code == 404
    response = tablet.post(reverse("centres:tally_tap", args=[world.centre_z.pk]), {"new": "0"})
    assert response.status_code == 404
    assert not VisitCount.objects.exists()


def episode(centre):
    """The quick episode form, filled in for `centre`."""
    return {
        "centre": centre.pk,
        "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "kind": "verbal_abuse",
        "affected_role": "user",
        "summary": "Råben ved kaffen",
    }


def test_an_episode_from_the_tablet_names_the_tablet_as_source(tablet, world, device):
    page = tablet.get(reverse("incidents:quick")).content.decode()
    assert world.centre_b.name not in page
    assert reverse("incidents:create") not in page
    response = tablet.post(reverse("incidents:quick"), episode(world.centre_a))
    assert response.status_code == 302 and response.url == reverse("incidents:quick")
    incident = Incident.objects.get()
    assert incident.reported_by is None and incident.reported_by_kiosk == device
    entry = AccessLogEntry.objects.get()
    assert entry.user is None and entry.kiosk == device and "Ved kaffen" in entry.username


def test_a_tablet_cannot_register_an_episode_at_another_centre(tablet, world):
    response = tablet.post(reverse("incidents:quick"), episode(world.centre_b))
    assert response.status_code == 200 and not Incident.objects.exists()


def test_advice_from_the_tablet_is_recorded_at_its_centre(tablet, world):
    page = tablet.get(reverse("advice:record"))
    assert page.status_code == 200
    form = page.context["form"]
    assert list(form.fields["centre"].queryset) == [world.centre_a]
    topic = form.fields["topics"].queryset.first()
    response = tablet.post(
        reverse("advice:record"),
        {
            "centre": world.centre_a.pk,
            "date": timezone.localdate().isoformat(),
            "topics": [topic.pk],
            "channel": "drop_in",
            "helper_role": "staff",
            "duration": "under_15",
            "outcome": "answered",
        },
    )
    assert response.status_code == 302
    assert Contact.objects.get().centre == world.centre_a


# --- The kiosk home and the safety card ----------------------------------------------------


@time_machine.travel(SATURDAY_NOON, tick=False)
def test_in_user_run_hours_the_home_shows_the_safety_card_and_the_key_holder(tablet, world):
    centre = world.centre_a
    centre.safety_instructions = "Ring til lederen, hvis nogen bliver syg."
    centre.safety_phone_numbers = "Vagttelefon 55 55 55 55\n\n"
    centre.save()
    holder = KeyHolderFactory(organisation=world.org_a, alias="Ravn")
    UserRunOpeningFactory(
        centre=centre,
        key_holder=holder,
        starts=SATURDAY_NOON - datetime.timedelta(hours=2),
        ends=SATURDAY_NOON + datetime.timedelta(hours=2),
    )
    OpeningHoursFactory(centre=centre, weekday=1, kind=OpeningKind.STAFFED)
    html = tablet.get(reverse("centres:kiosk_home")).content.decode()
    assert "Ravn" in html and "112" in html
    assert "Ring til lederen" in html and "Vagttelefon 55 55 55 55" in html
    assert "tirsdag 9. juni" in html.lower()  # when staff are next there
    entry = AccessLogEntry.objects.get()
    assert entry.kiosk is not None and entry.user is None and entry.aliases == ["ravn"]


@time_machine.travel(TUESDAY_TEN, tick=False)
def test_outside_user_run_hours_the_home_shows_the_day_and_names_no_one(tablet, world):
    OpeningHoursFactory(centre=world.centre_a, weekday=1, kind=OpeningKind.STAFFED)
    holder = KeyHolderFactory(organisation=world.org_a, alias="Krage")
    UserRunOpeningFactory(
        centre=world.centre_a,
        key_holder=holder,
        starts=TUESDAY_TEN + datetime.timedelta(hours=8),
        ends=TUESDAY_TEN + datetime.timedelta(hours=10),
    )
    noon = TUESDAY_TEN + datetime.timedelta(hours=2)

    def brunch(sender, centre, start, end, **kwargs):
        return [(noon, noon + datetime.timedelta(hours=1), "Fælles brunch", "activity")]

    signals.week_plan_entries.connect(brunch)
    try:
        html = tablet.get(reverse("centres:kiosk_home")).content.decode()
    finally:
        signals.week_plan_entries.disconnect(brunch)
    assert "Fælles brunch" in html and "112" in html
    assert "Krage" not in html
    assert not AccessLogEntry.objects.exists()


def test_the_kiosk_home_is_the_tablets_only(client_for, world):
    assert client_for(None).get(reverse("centres:kiosk_home")).url == reverse("centres:kiosk_pair")
    assert client_for(world.staff_a).get(reverse("centres:kiosk_home")).url == reverse("home")


def test_the_printed_card_has_112_the_instructions_and_the_hours(client_for, world):
    world.centre_a.safety_instructions = "Lås køkkenet, hvis du går."
    world.centre_a.save()
    OpeningHoursFactory(centre=world.centre_a, weekday=1)
    response = client_for(world.staff_a).get(
        reverse("centres:safety_card", args=[world.centre_a.pk])
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "112" in html and "Lås køkkenet" in html and "tirsdag" in html.lower()
    assert "data-print" in html and "<script>" not in html


# --- Pairing and the leader's pages ----------------------------------------------------------


def test_the_leader_registers_a_tablet_and_sees_the_code_once(client_for, world):
    client = client_for(world.leader)
    response = client.post(
        reverse("centres:kiosks"), {"centre": world.centre_a.pk, "name": "Ved kaffen"}
    )
    device = KioskDevice.objects.get()
    assert response.url == reverse("centres:kiosk_code", args=[device.pk])
    assert device.created_by == world.leader and device.code_hash
    page = client.get(response.url)
    code = page.context["code"].replace("-", "")
    assert device.code_hash == kiosk_secret_hash(code)
    again = client.get(response.url)
    assert again.context["code"] is None
    assert code not in again.content.decode()


def test_the_register_form_refuses_other_organisations_centres_and_no_name(client_for, world):
    client = client_for(world.leader)
    response = client.post(reverse("centres:kiosks"), {"centre": world.centre_z.pk, "name": ""})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Giv tabletten et navn." in html and "Vælg et af dine væresteder." in html
    assert not KioskDevice.objects.exists()


def test_pairing_sets_a_long_lived_httponly_lax_cookie(client, device):
    code = device.new_code()
    response = client.post(reverse("centres:kiosk_pair"), {"code": code.lower()})
    assert response.status_code == 302 and response.url == reverse("centres:kiosk_home")
    cookie = response.cookies[COOKIE_NAME]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) == kiosk_module.COOKIE_MAX_AGE
    device.refresh_from_db()
    assert device.token_hash == kiosk_secret_hash(cookie.value)


def test_a_wrong_code_says_so_in_danish(client, device):
    device.new_code()
    response = client.post(reverse("centres:kiosk_pair"), {"code": "AAAA-AAAA"})
    assert response.status_code == 200
    assert "Koden er forkert" in response.content.decode()
    assert COOKIE_NAME not in response.cookies


def test_pairing_while_signed_in_signs_the_person_out(client_for, world, device):
    client = client_for(world.staff_a)
    response = client.post(reverse("centres:kiosk_pair"), {"code": device.new_code()})
    assert response.status_code == 302
    home = client.get(reverse("centres:kiosk_home"))
    assert not home.wsgi_request.user.is_authenticated and home.wsgi_request.kiosk == device


def test_the_leader_renames_and_revokes(client_for, world, device):
    client = client_for(world.leader)
    client.post(reverse("centres:kiosk_rename", args=[device.pk]), {"name": "Ved døren"})
    device.refresh_from_db()
    assert device.name == "Ved døren" and device.centre == world.centre_a
    confirm = client.get(reverse("centres:kiosk_revoke", args=[device.pk]))
    assert confirm.status_code == 200 and not KioskDevice.objects.get().is_revoked
    client.post(reverse("centres:kiosk_revoke", args=[device.pk]))
    assert KioskDevice.objects.get().is_revoked


def test_a_new_code_replaces_the_old(client_for, world, device):
    old = device.new_code()
    client = client_for(world.leader)
    response = client.post(reverse("centres:kiosk_new_code", args=[device.pk]))
    new = client.get(response.url).context["code"].replace("-", "")
    assert KioskDevice.pair(old) is None
    assert KioskDevice.pair(new) is not None


def test_the_list_of_tablets_is_a_fixed_number_of_queries(
    client_for, world, django_assert_max_num_queries
):
    for n in range(5):
        pair_kiosk(KioskDeviceFactory(centre=world.centre_a if n % 2 else world.centre_b))
    client = client_for(world.leader)
    client.get(reverse("centres:kiosks"))
    with django_assert_max_num_queries(12):
        response = client.get(reverse("centres:kiosks"))
    assert response.content.decode().count("<td>Tablet ved kaffen") == 5


def test_a_tablet_counts_offline_through_the_queue_and_starts_at_its_counter(tablet, world, device):
    """The counter's queue works on a tablet as on a phone: a batch sent twice counts
    once; the installed app opens the tablet's own counter; another centre's is not
    found."""
    import json
    import uuid

    now = int(timezone.now().timestamp() * 1000)
    batch = json.dumps(
        {"sent_at": now, "events": [{"id": str(uuid.uuid4()), "action": "tap", "at": now}]}
    )
    for _ in range(2):
        answer = tablet.post(
            reverse("centres:tally_sync", args=[world.centre_a.pk]),
            batch,
            content_type="application/json",
        )
        assert answer.status_code == 200
        assert answer.json()["visits"] == 1
    other = tablet.post(
        reverse("centres:tally_sync", args=[world.centre_b.pk]),
        batch,
        content_type="application/json",
    )
    assert other.status_code in (302, 404)
    start = tablet.get(reverse("centres:tally_start"))
    assert start.url == reverse("centres:tally", args=[world.centre_a.pk])
    assert tablet.get(reverse("service_worker")).status_code == 200
