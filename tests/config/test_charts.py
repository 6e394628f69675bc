"""Numbers in the charts and figures are written as the template's localize and floatformat
would write them."""

import datetime

import pytest
from django.template import Context, Template
from django.template.defaultfilters import floatformat
from django.utils import translation
from django.utils.formats import date_format, localize
from hypothesis import given
from hypothesis import strategies as st

from config.dashboard.charts import (
    heat_map,
    number_cells,
    number_text,
    stacked_bars,
    table_rows,
)
from config.dashboard.figures import Figure, Section, labels_for

LABELS = st.text(alphabet=st.sampled_from("ab <>&\"'{}æ%"))
NUMBERS = st.one_of(
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e9, max_value=1e9),
    st.none(),
)


@pytest.mark.parametrize("language", ["da", "en"])
@given(value=NUMBERS)
def test_a_number_is_written_as_localize_writes_it(language, value):
    with translation.override(language):
        assert number_text()(value) == localize(value)


@pytest.mark.parametrize("language", ["da", "en"])
@given(days=st.lists(st.dates(datetime.date(2000, 1, 1), datetime.date(2100, 12, 31))))
def test_a_day_is_labelled_with_its_weekday_and_short_date(language, days):
    with translation.override(language):
        assert labels_for([(day, {}) for day in days], "day") == [
            f"{date_format(day, 'D')} {date_format(day, 'SHORT_DATE_FORMAT')}" for day in days
        ]


def test_a_week_is_labelled_with_its_number():
    with translation.override("da"):
        assert labels_for([(datetime.date(2026, 12, 28), {})], "week") == ["Uge 53"]


def test_thousands_are_grouped_in_each_language():
    with translation.override("da"):
        assert (
            str(number_cells([1234567, 12]))
            == '<td class="num">1.234.567</td><td class="num">12</td>'
        )
    with translation.override("en"):
        assert number_text()(-1234) == "-1,234"


def test_labels_are_escaped_in_the_shapes():
    chart = stacked_bars([("<b>&", {"staffed": 3})], [("staffed", "Bemandet")])
    assert "<title>&lt;b&gt;&amp;: Bemandet 3</title>" in chart["svg"]
    assert chart["rows"][0] == {"label": "<b>&", "values": [3], "total": 3}


def test_the_heat_map_shades_by_share_of_the_busiest_hour():
    rows = heat_map({(0, 9): 10, (0, 10): 1})["rows"]
    assert '<td class="num heat-5">10</td><td class="num heat-1">1</td>' in rows[0]["html"]


@pytest.mark.parametrize("language", ["da", "en"])
@given(
    value=st.one_of(st.integers(-(10**9), 10**9), st.floats(-1e6, 1e6), st.none()),
    decimals=st.sampled_from([0, 1]),
)
def test_a_figure_is_written_as_floatformat_writes_it(language, value, decimals):
    with translation.override(language):
        expected = "\u2013" if value is None else floatformat(value, decimals)
        assert Figure("x", value, None, decimals).texts[0] == expected


# The rows as the template wrote them before Section.rows.
TEMPLATE_ROWS = Template(
    "{% for figure in section.figures %}"
    '<tr><th scope="row" class="fw-normal">{{ figure.label }}</th>{{ figure.cells }}</tr>'
    "{% endfor %}"
)


@pytest.mark.parametrize("language", ["da", "en"])
@given(
    figures=st.lists(
        st.builds(
            Figure,
            label=LABELS,
            current=NUMBERS,
            previous=NUMBERS,
            decimals=st.sampled_from([0, 1]),
            compared=st.booleans(),
        ),
        max_size=5,
    )
)
def test_a_section_writes_its_rows_as_the_template_did(language, figures):
    section = Section("key", "Titel", figures)
    with translation.override(language):
        assert section.rows == TEMPLATE_ROWS.render(Context({"section": section}))


# A table's rows as the template wrote them before table_rows.
TEMPLATE_TABLE_ROWS = Template(
    "{% for label, values in rows %}"
    '<tr><th scope="row" class="fw-normal">{{ label }}</th>'
    '{% for value in values %}<td class="num">{{ value }}</td>{% endfor %}</tr>'
    "{% endfor %}"
)


@pytest.mark.parametrize("language", ["da", "en"])
@given(
    rows=st.lists(
        st.tuples(
            LABELS,
            st.lists(st.one_of(st.integers(-(10**7), 10**7), st.none()), max_size=4),
        ),
        max_size=5,
    )
)
def test_table_rows_are_written_as_the_template_did(language, rows):
    with translation.override(language):
        assert table_rows(rows) == TEMPLATE_TABLE_ROWS.render(Context({"rows": rows}))
