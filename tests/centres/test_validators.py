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
