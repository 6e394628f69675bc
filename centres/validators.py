import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# ddmmyy-nnnn, with or without the dash (or a space), not inside a longer number.
CPR_LIKE = re.compile(r"(?<!\d)(0[1-9]|[12]\d|3[01])(0[1-9]|1[0-2])\d{2}[-\s]?\d{4}(?!\d)")


def looks_like_cpr(text):
    """True if `text` contains something shaped like a CPR number."""
    return bool(text) and CPR_LIKE.search(str(text)) is not None


def reject_cpr_numbers(value):
    """Validator for every free-text field: a CPR number must never be stored."""
    if looks_like_cpr(value):
        raise ValidationError(
            _(
                "This looks like a CPR number. Remove it: Værested must never store "
                "civil registration numbers."
            ),
            code="cpr_number",
        )
