"""What is due for one person: the items of their to-do list.

Each app answers centres.signals.todo_items (user, today) with a list of TodoItem for what
`user` must do, by role and centre; config/ composes them for the home page, the count in
the navigation and the daily digest. An item names no person and holds no narrative:
only a title, where it is done and when it is due, so it can go into an e-mail.
"""

import datetime
from dataclasses import dataclass


@dataclass(frozen=True)
class TodoItem:
    # Stable across days while the item is open, e.g. "incidents:follow-up:42"; the digest
    # uses it to tell a new item from one already sent.
    key: str
    title: str
    url: str
    # The day it is due (overdue before today), or None for "as soon as you can".
    due_on: datetime.date | None = None
    # The centre it concerns, for grouping; None for the whole organisation.
    centre_name: str = ""

    def overdue(self, today):
        return self.due_on is not None and self.due_on < today
