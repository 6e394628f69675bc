import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# ddmmyy-nnnn, with or without the dash (or a space), not inside a longer number.
CPR_LIKE = re.compile(r"(?<!\d)(0[1-9]|[12]\d|3[01])(0[1-9]|1[0-2])\d{2}[-\s]?\d{4}(?!\d)")
# The same after normalise(): a run of separators between the birth date and the serial.
CPR_SPACED_SERIAL = re.compile(
    r"(?<!\d)(0[1-9]|[12]\d|3[01])(0[1-9]|1[0-2])\d{2}[-\s./_]{0,3}\d{4}(?!\d)"
)
# Digits joined by separators, e.g. "01.01.90-1234" or "01 01 90 12 34", taken whole.
DIGIT_RUN = re.compile(r"\d+(?:[-\s./_]{1,3}\d+)*")
BIRTH_DATE_AND_SERIAL = re.compile(r"(0[1-9]|[12]\d|3[01])(0[1-9]|1[0-2])\d{6}")
# Where a CPR number is written with separators: after the day, the month, the year, and
# in the middle of the serial (only after the year is split off, or "01.01.2024 10.30",
# a date and a time, would be taken for one).
CPR_SPLITS = {2, 4, 6, 8}
MAX_GROUPS = len(CPR_SPLITS) + 1

# Dashes and minus signs that are not in Unicode's dash category (Pd).
OTHER_DASHES = "\u2212\u2043\u02d7\u2796\ufe63"
INVISIBLE = {"Cf", "Mn", "Me"}  # format characters (zero-width space, soft hyphen), marks
LETTERS_O = re.compile(r"[Oo]+")
RUN_WITH_O = re.compile(r"[0-9Oo]+(?:[-\s./_]{1,3}[0-9Oo]+)*")
SEPARATOR = re.compile(r"[-\s./_]+")


def _normal_char(char):
    category = unicodedata.category(char)
    if category in INVISIBLE:
        return ""
    if category == "Nd":
        return str(unicodedata.decimal(char))
    if category == "Pd" or char in OTHER_DASHES:
        return "-"
    if char.isspace():
        return " "
    return char


def normalise(text):
    """`text` as a check for CPR numbers reads it: compatibility forms folded (NFKC:
    full-width digits, non-breaking spaces), invisible characters dropped, every digit
    and every dash and space written the plain way."""
    return "".join(_normal_char(c) for c in unicodedata.normalize("NFKC", text))


def _spaced_cpr(groups):
    digits = "".join(groups)
    if len(digits) != 10 or not BIRTH_DATE_AND_SERIAL.fullmatch(digits):
        return False
    splits, at = set(), 0
    for group in groups[:-1]:
        at += len(group)
        splits.add(at)
    return splits <= CPR_SPLITS and (8 not in splits or 6 in splits)


def _zeros_touching_digits(match):
    """Letters O right next to a digit read as zeros: "O1O19O-1234"."""
    text, start, end = match.string, match.start(), match.end()
    touching = text[start - 1 : start].isdigit() or text[end : end + 1].isdigit()
    return "0" * (end - start) if touching else match.group()


def _run_has_cpr(run):
    """Whether the groups of a run, but for words of only O's at either end (perhaps
    "o" of a sentence), are a CPR number with the letter O for some zeros."""
    groups = SEPARATOR.split(run)
    numbers = [i for i, group in enumerate(groups) if any(c.isdigit() for c in group)]
    # A CPR number has at most five groups: never look further.
    if not numbers or numbers[-1] - numbers[0] >= MAX_GROUPS:
        return False
    return any(
        _spaced_cpr([g.replace("O", "0").replace("o", "0") for g in groups[i:j]])
        for i in range(max(0, numbers[-1] - MAX_GROUPS + 1), numbers[0] + 1)
        for j in range(numbers[-1] + 1, min(len(groups), numbers[0] + MAX_GROUPS) + 1)
    )


def _has_cpr(text):
    zeros = LETTERS_O.sub(_zeros_touching_digits, text)
    return bool(
        CPR_SPACED_SERIAL.search(text)
        or CPR_SPACED_SERIAL.search(zeros)
        or any(_spaced_cpr(SEPARATOR.split(run)) for run in DIGIT_RUN.findall(text))
        or any(_run_has_cpr(run) for run in RUN_WITH_O.findall(text))
    )


def looks_like_cpr(text):
    """True if `text` contains something shaped like a CPR number, however disguised:
    other dashes, spaces, dots or slashes between the groups, full-width or other digits,
    invisible characters, or the letter O for a zero."""
    if not text:
        return False
    text = str(text)
    if CPR_LIKE.search(text):
        return True
    return _has_cpr(normalise(text))


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
