"""The shape of the main navigation's entries, shared by every app's ui.nav_items.

An entry is a label and a URL, and optionally the group (a menu heading, e.g. the app's
name) it is listed under; config.context_processors puts the entries of one group in one
menu and shows a group of one entry as a plain link.
"""

from typing import NamedTuple


class NavItem(NamedTuple):
    label: str
    url: str
    group: str | None = None
