from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(
    [
        ROOT / "locale" / "da" / "LC_MESSAGES" / "django.po",
        *ROOT.glob("*/locale/da/LC_MESSAGES/django.po"),
    ]
)


def test_every_app_has_a_danish_catalogue():
    assert {p.relative_to(ROOT).parts[0] for p in CATALOGUES} >= {
        "locale",
        "centres",
        "activities",
        "advice",
        "incidents",
    }


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_string_has_a_danish_translation(catalogue):
    with catalogue.open("rb") as f:
        catalog = read_po(f)
    missing = [
        m.id
        for m in catalog
        if m.id and (m.fuzzy or not (all(m.string) if isinstance(m.string, tuple) else m.string))
    ]
    assert not missing


def test_no_string_is_translated_two_ways():
    # Django merges the apps' catalogues and the first app wins, so a string translated
    # differently in two apps would show one app's word on the other's pages. Where the
    # meaning really differs, the code gives the string a context (pgettext).
    translations = {}
    clashes = []
    for catalogue in CATALOGUES:
        with catalogue.open("rb") as f:
            for m in read_po(f):
                if not m.id or m.context:
                    continue
                key = m.id if isinstance(m.id, str) else m.id[0]
                string = m.string if isinstance(m.string, str) else m.string[0]
                seen = translations.setdefault(key, (string, catalogue))
                if seen[0] != string:
                    clashes.append(
                        f"{key!r}: {seen[0]!r} ({seen[1].parent.parent.parent.parent.name}) "
                        f"vs {string!r} ({catalogue.parent.parent.parent.parent.name})"
                    )
    assert not clashes, "\n".join(clashes)


def test_user_run_openings_have_one_word_in_every_catalogue():
    # "Brugeråbent" / "brugeråbning" everywhere; "brugerstyret åbning" was a second word for
    # the same thing.
    odd = []
    for catalogue in CATALOGUES:
        with catalogue.open("rb") as f:
            for m in read_po(f):
                ids = m.id if isinstance(m.id, tuple) else (m.id,)
                strings = m.string if isinstance(m.string, tuple) else (m.string,)
                text = " ".join(strings).lower()
                about_user_run = any("user-run" in i.lower() for i in ids if i)
                other_word = "brugerstyre" in text or "brugerdrev" in text
                if (about_user_run and "brugeråb" not in text) or other_word:
                    odd.append(f"{ids[0]!r}: {text!r}")
    assert not odd, "\n".join(odd)
