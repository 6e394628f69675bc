"""The report pack printed as Socialtilsynet would: the XLSX workbook converted to PDF by
LibreOffice (headless), then read back with poppler's pdftotext.

Slow (LibreOffice starts for it: a few seconds) and it needs Debian's
libreoffice-calc-nogui and poppler-utils, which .ci/run installs. Without them the test
fails and says what to install: a print test that skips silently proves nothing."""

import datetime
import re
import shutil
import subprocess
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from tests.config.pack_support import YEAR, reference_case

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

CPH = ZoneInfo("Europe/Copenhagen")

# One page each for the cover, users and visits, the changes of opening hours (six rows),
# activities, advice (the total and 14 topics) and incidents (13 rows); two for the 53
# weeks of week by week: A4 landscape holds about 41 rows of Arial 10 (12.75 pt) between
# the margins, and the first page also carries the sheet's title, notes and two rows of
# column heads (29 weeks), the second the repeated heads (the other 24).
EXPECTED_PAGES = 1 + 1 + 2 + 1 + 1 + 1 + 1


def tool(name, package):
    path = shutil.which(name)
    if path is None:
        pytest.fail(
            f"Printing the report pack needs {name} from Debian's {package}: "
            f"apt-get install {package} (.ci/run installs it).",
            pytrace=False,
        )
    return path


def printed(xlsx, folder):
    """The workbook as LibreOffice prints it: one whitespace-normalised text per page."""
    soffice = tool("soffice", "libreoffice-calc-nogui")
    pdftotext = tool("pdftotext", "poppler-utils")
    pdfinfo = tool("pdfinfo", "poppler-utils")
    source = folder / "pack.xlsx"
    source.write_bytes(xlsx)
    # A profile of its own, so runs at the same time (or a desktop LibreOffice) do not meet.
    profile = (folder / "profile").as_uri()
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    pdf = folder / "pack.pdf"
    assert pdf.exists(), "LibreOffice wrote no PDF"
    info = subprocess.run([pdfinfo, str(pdf)], check=True, capture_output=True, text=True)
    pages = int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.MULTILINE).group(1))
    text = subprocess.run(
        [pdftotext, "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    texts = [" ".join(page.split()) for page in text.split("\f")[:pages]]
    assert len(texts) == pages
    return texts


def test_the_printed_pack_names_its_centres_on_every_page(world, client_for, tmp_path):
    centres = reference_case(world)
    with time_machine.travel(datetime.datetime(2026, 3, 2, 14, 5, tzinfo=CPH), tick=False):
        response = client_for(world.leader).get(reverse("dashboard:pack_xlsx"), {"year": YEAR})
    assert response.status_code == 200

    pages = printed(response.content, tmp_path)

    assert len(pages) == EXPECTED_PAGES, [page[:80] for page in pages]
    names = [c.name for c in centres]
    for number, page in enumerate(pages, start=1):
        assert any(name in page for name in names), f"page {number} names no centre: {page}"
        # Its header and footer: the organisation, the period, who it is for, the page.
        assert "Banebryderne" in page, number
        assert "01.01.2025\N{EN DASH}31.12.2025" in page, number
        assert "Kun til brug i organisationen" in page, number
        assert f"Side {number} af {EXPECTED_PAGES}" in page, number
    # The pages whose header names the sheet of weeks (the cover names it too, lower down).
    weeks = [page for page in pages if "Besøg og bemandede timer uge for uge" in page[:80]]
    assert len(weeks) == 2
    for page in weeks:
        assert all(name in page for name in names), page
    assert "Rapport til Socialtilsynet 2025" in pages[0]
    assert "Udarbejdet" in pages[0] and "02.03.2026 14:05" in pages[0]
    # Danish numbers and dates: 76F's 1,234 visits, 23.7 a week, the census-free cells.
    users = pages[1]
    assert "1.234" in users and "23,7" in users
    assert "29.12.2025" in weeks[1] and "31.12.2025" in weeks[1]
    # Heads wrap within their columns instead of being cut at the edge ("Lejlighedsvise b"):
    # every word of every head is there whole (the lines of wrapped heads interleave).
    heads = ["Optællingsdato", "Ugentlige brugere", "Lejlighedsvise brugere", "Faste brugere i alt"]
    for word in {w for head in [*heads, "Bemandede timer pr. uge"] for w in head.split()}:
        assert re.search(rf"(?<!\S){re.escape(word)}(?!\S)", users), word
