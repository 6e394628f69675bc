import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = [
    p for p in ROOT.glob("**/templates/**/*.html") if ".venv" not in p.parts and p.is_file()
]
# With USE_THOUSAND_SEPARATOR, {{ obj.pk }} renders 7675 as "7.675": ids and URLs built by
# hand must say |unlocalize (or use {% url %}, which never localises).
RAW_PK = re.compile(r"\{\{\s*[\w.]+\.(pk|id)\s*\}\}")


def test_no_template_prints_a_localised_primary_key():
    offenders = [
        f"{p.relative_to(ROOT)}:{n}"
        for p in TEMPLATES
        for n, line in enumerate(p.read_text().splitlines(), 1)
        if RAW_PK.search(line)
    ]
    assert not offenders
