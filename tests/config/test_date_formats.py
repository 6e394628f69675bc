"""One way to write a date: templates and code use the named formats of
config/formats/<language>/formats.py, never a numeric day-month-year spelled out, which
is how "2.12.2026" came to stand beside "02.12.2026"."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("centres", "activities", "advice", "incidents", "config", "templates")
# A day, a month and a year in digits, in a template's date filter or Python's strftime.
SPELLED_OUT = re.compile(
    r"""\|date:["'][dj][./ -][mn][./ -][Yy]["']"""
    r"""|%-?d[./ -]%-?m[./ -]%[Yy]"""
)


def test_no_template_or_module_spells_a_numeric_date_out():
    found = []
    for folder in SOURCES:
        for path in (ROOT / folder).rglob("*"):
            if path.suffix not in (".html", ".py", ".txt") or "migrations" in path.parts:
                continue
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if SPELLED_OUT.search(line):
                    found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not found, "\n".join(found)


def test_the_check_finds_what_it_looks_for():
    assert SPELLED_OUT.search('{{ day|date:"j.n.Y" }}')
    assert SPELLED_OUT.search("day.strftime('%d.%m.%Y')")
    assert not SPELLED_OUT.search('{{ day|date:"SHORT_DATE_FORMAT" }}')
    assert not SPELLED_OUT.search('<input value="{% now "Y-m-d" %}">')
