"""Everyone's to-do list, composed from what every app answers to
centres.signals.todo_items (see centres.todo)."""

import datetime

from centres import signals


def todo_for(user, today):
    """Return [TodoItem] due for `user` on `today` from every app: overdue first, then by
    due day, then those without a day; ties by title."""
    if not user.is_authenticated or not user.role:
        return []
    items = signals.todo_items.items(user=user, today=today)
    return sorted(items, key=lambda item: sort_key(item, today))


def sort_key(item, today):
    # Overdue items already sort first by day; the flag keeps that true if a rule ever
    # dates an item in the future but counts it overdue.
    return (
        not item.overdue(today),
        item.due_on is None,
        item.due_on or datetime.date.max,
        str(item.title),
        item.key,
    )
