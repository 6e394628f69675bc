"""{% submission_token %}: a fresh one-time token for a form, next to {% csrf_token %}."""

import secrets

from django import template
from django.utils.html import format_html

from centres.middleware import TOKEN_FIELD

register = template.Library()


@register.simple_tag
def submission_token():
    """A hidden input with a new random token; every render gives a new one, so a
    form shown again (e.g. the tally buttons after a tap) counts again."""
    return format_html(
        '<input type="hidden" name="{}" value="{}">', TOKEN_FIELD, secrets.token_urlsafe(24)
    )
