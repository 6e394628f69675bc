import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from centres.validators import looks_like_cpr, reject_cpr_numbers


@pytest.mark.parametrize(
    "text",
    ["010203-1234", "0102031234", "Født 311299 1234, ringede", "cpr:150575-4321."],
)
def test_cpr_like_numbers_are_found(text):
    assert looks_like_cpr(text)
    with pytest.raises(ValidationError, match="CPR"):
        reject_cpr_numbers(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Tlf. 12 34 56 78",
        "Præstøvej 76F, 4640 Faxe",
        "2023-10-01",
        "321299-1234",
        "0113991234",
        "12345678901",
    ],
)
def test_ordinary_text_passes(text):
    assert not looks_like_cpr(text)
    reject_cpr_numbers(text)


@given(
    day=st.integers(1, 31),
    month=st.integers(1, 12),
    year=st.integers(0, 99),
    serial=st.integers(0, 9999),
    dash=st.sampled_from(["-", "", " "]),
    before=st.text(alphabet=st.characters(blacklist_categories=["Nd"]), max_size=20),
    after=st.text(alphabet=st.characters(blacklist_categories=["Nd"]), max_size=20),
)
def test_every_cpr_shape_is_found_wherever_it_stands(day, month, year, serial, dash, before, after):
    cpr = f"{day:02d}{month:02d}{year:02d}{dash}{serial:04d}"
    assert looks_like_cpr(before + cpr + after)


# The disguises that got through before: other dashes, separators, digits and invisibles.
DISGUISED_CPR = [
    "010190\u20131234",  # en dash
    "010190\u20111234",  # non-breaking hyphen
    "010190\u22121234",  # minus sign
    "\uff10\uff11\uff10\uff11\uff19\uff10\uff11\uff12\uff13\uff14",  # full-width digits
    "0101\u200b90-1234",  # zero-width space
    "01.01.90-1234",
    "01 01 90 1234",
    "010190--1234",
    "010190/1234",
    "O1O19O-1234",  # letter O for zero
    "01019o1234",
    "01\u00a001\u00a090\u00a01234",  # non-breaking spaces
    "0101\u00ad901234",  # soft hyphen
    "010190\ufeff1234",  # byte-order mark
    "01_01_90_12_34",
    "010190 - 1234",
    "Ring 12345678 om 010190--1234",
    "\u0660\u0661\u0660\u0661\u0669\u0660\u0661\u0662\u0663\u0664",  # Arabic-Indic digits
]


@pytest.mark.parametrize("text", DISGUISED_CPR)
def test_disguised_cpr_numbers_are_found(text):
    with pytest.raises(ValidationError, match="CPR"):
        reject_cpr_numbers(text)


@pytest.mark.parametrize(
    "text",
    [
        "Vi ses kl. 10.30-12.00 i salen.",
        "Ring på +45 12 34 56 78 eller 0045 87 65 43 21.",
        "Tlf. 12 34 56 78 / 87 65 43 21",
        "Mødet er den 01.01.2024 kl. 10.30.",
        "01.01.2024 10.30",
        "Lukket 01.02.24-03.04.25 pga. ombygning.",
        "Åbent 24/12 fra 10-14, og 31/12 fra 10-13.",
        "Ole og Oskar kom kl. 10 og gik kl. 12.",
        "Budget: 1.250.000 kr., heraf 250.000 kr. til husleje.",
        "Reg.nr. 1234 kontonr. 12345678",
        "Journalnr. 2024/0112-33",
        "Han sagde, at det var O.K. kl. 9.00 - 9.30.",
        "Bussen 1A kører kl. 10.05, 10.35 og 11.05.",
    ],
)
def test_ordinary_danish_text_passes(text):
    assert not looks_like_cpr(text)


SEPARATORS = ["", "-", "\u2013", "\u2011", "\u2212", " ", "\u00a0", ".", "/", "_", "--", " - "]
INVISIBLES = ["", "\u200b", "\ufeff", "\u00ad", "\u2060"]


@st.composite
def disguised_cpr(draw):
    day, month = draw(st.integers(1, 31)), draw(st.integers(1, 12))
    digits = f"{day:02d}{month:02d}{draw(st.integers(0, 99)):02d}{draw(st.integers(0, 9999)):04d}"
    full_width = draw(st.booleans())
    letter_o = draw(st.sampled_from(["0", "O", "o"]))
    parts, after_year = [], ""
    for i, digit in enumerate(digits):
        if digit == "0" and draw(st.booleans()):
            digit = letter_o
        elif full_width:
            digit = chr(ord("\uff10") + int(digit))
        parts.append(digit)
        parts.append(draw(st.sampled_from(INVISIBLES)))
        if i in (1, 3, 5):  # after the day, the month and the year
            separator = draw(st.sampled_from(SEPARATORS))
            after_year = separator if i == 5 else after_year
            parts.append(separator)
        elif i == 7 and after_year:
            # The serial is split in the middle only when it is split from the year too.
            parts.append(draw(st.sampled_from(SEPARATORS)))
    return "".join(parts)


@given(
    cpr=disguised_cpr(),
    before=st.text(alphabet=st.characters(blacklist_categories=["Nd", "No"]), max_size=20),
    after=st.text(alphabet=st.characters(blacklist_categories=["Nd", "No"]), max_size=20),
)
def test_every_disguised_cpr_number_is_found(cpr, before, after):
    assert looks_like_cpr(f"{before} {cpr} {after}")
