"""The dashboard's and report pack's rows of the permission table (see
tests/test_permissions.py). Statuses in PERSONAS order: anonymous, staff_a, staff_b,
leader, outreach, association, other_leader."""

R, F, OK = 302, 403, 200

ROWS = {
    # Staff see their own centres' figures; the pack is the leader's.
    "dashboard:index": ({}, (R, OK, OK, OK, F, F, OK)),
    "dashboard:pack": ({}, (R, F, F, OK, F, F, OK)),
    "dashboard:pack_xlsx": ({}, (R, F, F, OK, F, F, OK)),
    # Everyone's own reminder settings.
    "reminders": ({}, (R, OK, OK, OK, OK, OK, OK)),
    # The navigation's count of one's own to-do items.
    "todo_count": ({}, (R, OK, OK, OK, OK, OK, OK)),
}


def extend_world(world):
    return world
