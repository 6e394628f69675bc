"""This app's rows of the permission table (see tests/test_permissions.py).

ROWS maps a URL name to (kwargs, statuses). A kwargs value naming an attribute of the
world (e.g. "centre_a") stands for that object's pk. Statuses are in PERSONAS order:
anonymous, staff_a, staff_b, leader, outreach, association, other_leader.
"""

R, F, N, OK = 302, 403, 404, 200
POST_ONLY = (405,) * 7
WORKERS_AT_A = (R, OK, N, OK, F, F, N)
LEADER_AT_A = (R, F, N, OK, F, F, N)
KEY_KEEPERS = (R, OK, OK, OK, F, F, OK)
# A fob of centre A: its keepers there and the leader; to others it does not exist.
FOB_KEEPERS_AT_A = (R, OK, N, OK, F, F, N)
A = {"pk": "centre_a"}
LEADER_OF_A = (R, F, F, OK, F, F, N)
# Shift feeds are public by token (see the shift_feed row).
FEED_TOKEN = "feed-token-a"

ROWS = {
    "centres:detail": (A, WORKERS_AT_A),
    "centres:people": ({}, (R, F, F, OK, F, F, OK)),
    # The alias comes by POST; the GET is the empty form.
    "centres:access_log": ({}, (R, F, F, OK, F, F, OK)),
    "centres:profile": (A, LEADER_AT_A),
    "centres:hours": (A, WORKERS_AT_A),
    "centres:hours_add": (A, LEADER_AT_A),
    "centres:hours_edit": ({**A, "hours_pk": "hours_a"}, LEADER_AT_A),
    # Removing asks first: the GET is the confirmation page.
    "centres:hours_delete": ({**A, "hours_pk": "hours_a"}, LEADER_AT_A),
    "centres:closure_add": (A, LEADER_AT_A),
    "centres:closure_delete": ({**A, "closure_pk": "closure_a"}, LEADER_AT_A),
    "centres:open_day_add": (A, LEADER_AT_A),
    # The installed app starts here: on to the one centre's counter, else home.
    "centres:tally_start": ({}, (R,) * 7),
    "centres:tally": (A, WORKERS_AT_A),
    "centres:tally_tap": (A, POST_ONLY),
    "centres:tally_undo": (A, POST_ONLY),
    "centres:tally_day": (A, WORKERS_AT_A),
    "centres:tally_sync": (A, POST_ONLY),
    # Taps that wait (a late queue, a wrong clock): the leader decides.
    "centres:tally_flagged": (A, LEADER_AT_A),
    "centres:tally_flagged_decide": ({**A, "event_pk": "flagged_tap_a"}, POST_ONLY),
    "centres:census": (A, WORKERS_AT_A),
    "centres:shifts": (A, WORKERS_AT_A),
    "centres:shift_delete": ({**A, "shift_pk": "shift_a"}, WORKERS_AT_A),
    "centres:user_run_add": (A, WORKERS_AT_A),
    "centres:user_run_record": ({**A, "run_pk": "run_a"}, WORKERS_AT_A),
    # The week plan is for everyone who may see the centre, as on the notice board.
    "centres:week_plan": (A, (R, OK, N, OK, OK, OK, N)),
    # From the navigation: the one centre's plan, or a choice of several.
    "centres:week_plans": ({}, (R, R, R, OK, R, OK, R)),
    "centres:keys": ({}, KEY_KEEPERS),
    "centres:key_holder_add": ({}, KEY_KEEPERS),
    "centres:key_holder_edit": ({"holder_pk": "holder_a"}, (R, OK, OK, OK, F, F, N)),
    "centres:key_fob_add": ({}, KEY_KEEPERS),
    "centres:key_lend": ({}, KEY_KEEPERS),
    "centres:key_return": ({"loan_pk": "loan_a"}, FOB_KEEPERS_AT_A),
    "centres:key_fob_lost": ({"fob_pk": "fob_a"}, FOB_KEEPERS_AT_A),
    "centres:key_fob_retire": ({"fob_pk": "fob_a"}, FOB_KEEPERS_AT_A),
    "centres:key_fob_found": ({"fob_pk": "lost_fob_a"}, FOB_KEEPERS_AT_A),
    # Accounts: each leader for their own organisation; a person of another is a 404.
    "centres:person_invite": ({}, (R, F, F, OK, F, F, OK)),
    "centres:person": ({"pk": "staff_a"}, LEADER_OF_A),
    "centres:person_edit": ({"pk": "staff_a"}, LEADER_OF_A),
    # Deactivating, reactivating, resetting and inviting again ask first: the GET is the
    # confirmation page.
    "centres:person_deactivate": ({"pk": "staff_a"}, LEADER_OF_A),
    "centres:person_reactivate": ({"pk": "former_a"}, LEADER_OF_A),
    "centres:person_reset_second_step": ({"pk": "staff_a"}, LEADER_OF_A),
    "centres:person_invite_again": ({"pk": "invited_a"}, LEADER_OF_A),
    # Public: a link that is not a live invitation gets the same page for everyone.
    "centres:invitation": ({"token": "not-an-invitation-token"}, (N,) * 7),
    "centres:rota": (A, WORKERS_AT_A),
    "centres:rota_add": (A, LEADER_AT_A),
    "centres:rota_edit": ({**A, "rota_pk": "rota_a"}, LEADER_AT_A),
    "centres:rota_delete": ({**A, "rota_pk": "rota_a"}, LEADER_AT_A),
    "centres:absences": ({}, (R, F, F, OK, F, F, OK)),
    # Another organisation's absence does not exist for its leader.
    "centres:absence_delete": ({"absence_pk": "absence_a"}, (R, F, F, OK, F, F, N)),
    "centres:at_risk": ({}, (R, F, F, OK, F, F, OK)),
    "centres:at_risk_act": (A, POST_ONLY),
    "centres:my_shifts": ({}, (R, OK, OK, OK, F, F, OK)),
    "centres:my_shifts_feed": ({}, POST_ONLY),
    # The token is the key: no sign-in, the same answer for everyone.
    "centres:shift_feed": ({"token": FEED_TOKEN}, (OK,) * 7),
    # The tablet by the door (tests/centres/test_kiosk_permissions.py walks the same table
    # as a paired tablet). Its home is the tablet's only: a person is sent on.
    "centres:kiosk_home": ({}, (R,) * 7),
    # Public: the page where a tablet takes its code.
    "centres:kiosk_pair": ({}, (OK,) * 7),
    "centres:kiosks": ({}, (R, F, F, OK, F, F, OK)),
    "centres:kiosk_code": ({"pk": "kiosk_a"}, LEADER_OF_A),
    "centres:kiosk_new_code": ({"pk": "kiosk_a"}, POST_ONLY),
    "centres:kiosk_rename": ({"pk": "kiosk_a"}, LEADER_OF_A),
    # Revoking asks first: the GET is the confirmation page.
    "centres:kiosk_revoke": ({"pk": "kiosk_a"}, LEADER_OF_A),
    "centres:safety_card": (A, WORKERS_AT_A),
}


def extend_world(world):
    """Create the objects this app's URLs need (all of organisation A, at centre A)."""
    from centres.models import ShiftFeed
    from tests.centres.factories import (
        ClosureFactory,
        FlaggedTapFactory,
        KeyFobFactory,
        KeyHolderFactory,
        KeyLoanFactory,
        KioskDeviceFactory,
        OpeningHoursFactory,
        RotaShiftFactory,
        ShiftFactory,
        StaffAbsenceFactory,
        UserRunOpeningFactory,
    )
    from tests.factories import UserFactory

    world.hours_a = OpeningHoursFactory(centre=world.centre_a)
    world.closure_a = ClosureFactory(centre=world.centre_a)
    world.shift_a = ShiftFactory(centre=world.centre_a, worker=world.staff_a)
    world.holder_a = KeyHolderFactory(organisation=world.org_a, alias="Ravn")
    world.run_a = UserRunOpeningFactory(centre=world.centre_a, key_holder=world.holder_a)
    world.fob_a = KeyFobFactory(organisation=world.org_a, centres=[world.centre_a])
    world.loan_a = KeyLoanFactory(fob=world.fob_a, holder=world.holder_a)
    world.lost_fob_a = KeyFobFactory(
        organisation=world.org_a, centres=[world.centre_a], status="lost"
    )
    world.former_a = UserFactory(first_name="Frida", organisation=world.org_a, is_active=False)
    world.invited_a = UserFactory(first_name="Ivan", organisation=world.org_a)
    world.invited_a.set_unusable_password()
    world.invited_a.save()
    world.rota_a = RotaShiftFactory(centre=world.centre_a, worker=world.staff_a)
    world.absence_a = StaffAbsenceFactory(worker=world.staff_a)
    ShiftFeed.objects.create(worker=world.staff_a, token=FEED_TOKEN)
    world.flagged_tap_a = FlaggedTapFactory(centre=world.centre_a)
    world.kiosk_a = KioskDeviceFactory(centre=world.centre_a, created_by=world.leader)
    return world
