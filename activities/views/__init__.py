"""The activities app's pages, one module per group of pages."""

from activities.views.activities import *  # noqa: F403
