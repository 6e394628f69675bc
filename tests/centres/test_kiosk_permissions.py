"""Every URL of the permission table, opened by a paired tablet of centre A.

The tablet is not a column of the table (it is no person's role): this walks the same
URLs and objects and expects 200 only where centres.kiosk's allowlist lets a tablet in,
and only for its own centre. Everything else is sent to the tablet's home, or is a 403
or 404: never a page, never a server error.
"""

import pytest
from django.urls import reverse

from centres.kiosk import COOKIE_NAME, kiosk_may_open
from tests.centres.factories import KioskDeviceFactory, pair_kiosk
from tests.test_permissions import build_url, expected_statuses, extend_world

# What a tablet of centre A gets from each allowlisted URL of the table (with the
# table's kwargs, which name centre A or no centre).
KIOSK_ANSWERS = {
    "centres:kiosk_home": 200,
    "centres:kiosk_pair": 200,
    "centres:tally": 200,
    "centres:tally_tap": 405,
    "centres:tally_undo": 405,
    # The installed counter's start page sends the tablet to its own counter.
    "centres:tally_start": 302,
    "service_worker": 200,
    "advice:record": 200,
    "advice:record_undo": 405,
    "incidents:quick": 200,
    "healthz": 200,
    "csp_report": 405,
    "set_language": 302,
}


def tablet_client(client, centre):
    client.cookies[COOKIE_NAME] = pair_kiosk(KioskDeviceFactory(centre=centre))
    return client


def test_a_tablet_gets_only_its_allowlisted_pages(world, client):
    extend_world(world)
    tablet = tablet_client(client, world.centre_a)
    home = reverse("centres:kiosk_home")
    wrong, allowed = [], set()
    for name, kwargs, _statuses in expected_statuses():
        url = build_url(world, name, kwargs)
        response = tablet.get(url)
        status = response.status_code
        if kiosk_may_open(name) and name in KIOSK_ANSWERS:
            allowed.add(name)
            if status != KIOSK_ANSWERS[name]:
                wrong.append(f"{name} {url}: expected {KIOSK_ANSWERS[name]}, got {status}")
        elif kiosk_may_open(name):
            # A view added to the allowlist by prefix (the counter's sync): never an error.
            if status >= 500 or status in (302, 403):
                wrong.append(f"{name} {url}: allowlisted but answered {status}")
        elif status == 302:
            if response.url != home:
                wrong.append(f"{name} {url}: sent to {response.url}, not the tablet's home")
        elif status not in (403, 404):
            wrong.append(f"{name} {url}: a tablet got {status}")
    assert not wrong, "\n".join(wrong)
    assert allowed == set(KIOSK_ANSWERS), "KIOSK_ANSWERS names a URL that is not in the table"


@pytest.mark.parametrize(
    "name", ["centres:tally", "centres:tally_tap", "centres:tally_undo", "centres:safety_card"]
)
def test_a_tablet_of_centre_b_finds_nothing_of_centre_a(world, client, name):
    tablet = tablet_client(client, world.centre_b)
    url = reverse(name, args=[world.centre_a.pk])
    assert tablet.get(url).status_code in (404, 405, 302)
    assert tablet.post(url).status_code in (404, 302)


def test_a_tablet_never_sees_another_organisations_centre(world, client):
    tablet = tablet_client(client, world.centre_a)
    assert tablet.get(reverse("centres:tally", args=[world.centre_z.pk])).status_code == 404
