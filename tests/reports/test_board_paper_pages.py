"""The board paper as printed: the demo's Riverside 2026 Q2 paper (the one with every part: the
radar, gaps that run over pages, agreed positions, since last round, the plan), made through the
page as its board viewer downloads it, then converted to PDF with LibreOffice Writer (as an
officer without Word opens it) and read back with poppler: what a reader of the printed paper
would notice is checked on the pages themselves.

Marked chromium: the radar is drawn by the chart browser, as in production. LibreOffice gets a
profile folder of its own, so test processes running side by side never share one.
"""

import io
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import docx
import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse
from docx.document import Document
from docx.table import Table
from docx.text.paragraph import Paragraph

from assessment.models import Assessment
from frameworks.models import FrameworkVersion
from reports.paper_docx import CHART_WIDTH_MM

pytestmark = pytest.mark.chromium

VIEWER = "board@riverside.example.org"
CONVERT_SECONDS = 120
XHTML = {"x": "http://www.w3.org/1999/xhtml"}
MM = 72 / 25.4  # points
A4 = (210 * MM, 297 * MM)
# The paper's margins (reports/paper_docx.py: 20 mm at the sides; python-docx's 1 inch above and
# below), and how far a box may stray from them before a reader would see it.
SIDE, TOP = 20 * MM, 72
SLACK = 1


@dataclass(frozen=True)
class Word:
    text: str
    left: float
    top: float
    right: float


@dataclass(frozen=True)
class Page:
    width: float
    height: float
    words: list[Word]

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    def top_line(self) -> list[str]:
        """The words on the page's first line, left to right."""
        first = min(w.top for w in self.words)
        return [w.text for w in sorted(self.words, key=lambda w: w.left) if w.top - first < 3]


@dataclass(frozen=True)
class Printed:
    paper: Document
    pages: list[Page]
    images: list[dict[str, float]]  # each picture's box in points, and its page


@pytest.fixture(scope="module")
def printed(django_db_setup, django_db_blocker, tmp_path_factory) -> Printed:
    """The demo paper, downloaded and converted once for the module; the demo is rolled back."""
    folder = tmp_path_factory.mktemp("paper")
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=folder / "media"),
        transaction.atomic(),
    ):
        # A transactional test run before this module in the same process empties every table,
        # the frameworks with them (tests/conftest.py): load them again, rolled back with the demo.
        if not FrameworkVersion.objects.exists():
            call_command("load_frameworks", verbosity=0)
        call_command("seed_demo", stdout=io.StringIO())
        paper = _download(folder / "paper.docx")
        transaction.set_rollback(True)
    pdf = _convert(paper, folder)
    return Printed(docx.Document(str(paper)), _pages(pdf), _images(pdf, folder))


def _download(out: Path) -> Path:
    from django.contrib.auth import get_user_model

    demo_round = Assessment.objects.get(place__code="riverside", period="2026 Q2")
    client = Client()
    client.force_login(get_user_model().objects.get(email=VIEWER))
    response = client.get(reverse("reports-docx", args=[demo_round.pk]))
    assert response.status_code == 200, response.content[:300]
    out.write_bytes(b"".join(response.streaming_content))
    return out


def _convert(paper: Path, folder: Path) -> Path:
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice Writer is missing: `make system-deps` installs it"
    profile = (folder / "lo-profile").as_uri()
    command = [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf"]
    subprocess.run(
        [*command, "--outdir", str(folder), str(paper)],
        check=True,
        capture_output=True,
        timeout=CONVERT_SECONDS,
    )
    return paper.with_suffix(".pdf")


def _pages(pdf: Path) -> list[Page]:
    """Every page's size and words with their boxes (pdftotext -bbox), in points."""
    xhtml = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True
    ).stdout
    pages = []
    for page in ET.fromstring(xhtml).iterfind(".//x:page", XHTML):
        words = [
            Word(w.text, float(w.get("xMin")), float(w.get("yMin")), float(w.get("xMax")))
            for w in page.iterfind("x:word", XHTML)
        ]
        pages.append(Page(float(page.get("width")), float(page.get("height")), words))
    return pages


def _images(pdf: Path, folder: Path) -> list[dict[str, float]]:
    """Each picture's box as drawn on its page (pdftohtml -xml at 1:1 is in points)."""
    out = folder / "layout"
    subprocess.run(["pdftohtml", "-xml", "-zoom", "1", "-q", str(pdf), str(out)], check=True)
    images = []
    for page in ET.parse(out.with_suffix(".xml")).iterfind("page"):
        for image in page.iterfind("image"):
            box = {k: float(image.get(k)) for k in ("top", "left", "width", "height")}
            images.append({**box, "page": int(page.get("number"))})
    return images


def squeezed(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def landmarks(paper: Document) -> list[tuple[str, Table | None]]:
    """The paper's title, headings and captions in order, each with the table it captions."""
    found: list[tuple[str, Table | None]] = []
    for element in paper.element.body.iterchildren():
        if element.tag.endswith("}tbl"):
            text, _ = found[-1]
            found[-1] = (text, Table(element, paper))
        elif element.tag.endswith("}p"):
            paragraph = Paragraph(element, paper)
            style = paragraph.style.name
            if style in ("Title", "Caption") or style.startswith("Heading"):
                found.append((squeezed(paragraph.text), None))
    return found


@dataclass(frozen=True)
class Placed:
    text: str
    table: Table | None
    page: int  # from 0
    ends: int  # the page its table's last row is on (its own page if it has no table)


def placed(printed: Printed) -> list[Placed]:
    """Where each landmark is printed, found in order in the pages' text."""
    texts = [p.text for p in printed.pages]
    starts = [sum(len(t) + 1 for t in texts[:n]) for n in range(len(texts))]
    whole = " ".join(texts)

    def page_at(at: int) -> int:
        return max(n for n, start in enumerate(starts) if start <= at)

    shown, cursor = [], 0
    for text, table in landmarks(printed.paper):
        at = whole.find(text, cursor)
        assert at >= 0, f"{text!r} is not printed (after character {cursor})"
        shown.append((text, table, at))
        cursor = at + len(text)
    found = []
    for n, (text, table, at) in enumerate(shown):
        ends = page_at(at)
        if table is not None:
            # Cells are printed column by column, but a page's text never runs onto the page
            # before: the last row's first cell, last found before the next landmark, is on the
            # page where the table ends.
            last = squeezed(table.rows[-1].cells[0].text)
            before = shown[n + 1][2] if n + 1 < len(shown) else len(whole)
            found_at = whole.rfind(last, at, before)
            assert found_at >= 0, f"{text!r}: its last row's {last!r} is not printed whole"
            ends = page_at(found_at)
        found.append(Placed(text, table, page_at(at), ends))
    return found


# --- the pages ------------------------------------------------------------------------------------


def test_it_prints_on_a4_portrait_pages(printed):
    assert len(printed.pages) > 3
    for page in printed.pages:
        assert page.width == pytest.approx(A4[0], abs=1)
        assert page.height == pytest.approx(A4[1], abs=1)


def test_it_prints_every_heading_and_every_table_s_caption_and_header(printed):
    shown = placed(printed)  # fails on any heading or caption not printed, in order
    printed_text = squeezed(" ".join(p.text for p in printed.pages))
    assert [s.text for s in shown][:3] == [
        "Riverside Borough: integration maturity, 2026 Q2",
        "Summary",
        "The three largest gaps",
    ]
    tables = [s.table for s in shown if s.table is not None]
    assert len(tables) == len(printed.paper.tables) >= 7
    for table in tables:
        for cell in table.rows[0].cells:
            assert squeezed(cell.text) in printed_text


def test_it_repeats_a_table_s_header_row_on_each_page_it_runs_onto(printed):
    continued = []
    for shown in placed(printed):
        if shown.table is None:
            continue
        # Each header cell's first word: a cell's text wraps, but starts on the row's first line.
        header = [squeezed(cell.text).split()[0] for cell in shown.table.rows[0].cells]
        for onto in range(shown.page + 1, shown.ends + 1):
            top = printed.pages[onto].top_line()
            assert _in_order(header, top), f"{shown.text!r} on page {onto + 1} starts {top}"
            continued.append(shown.text)
    # The gaps table's descriptors, at least, are too long for one page.
    assert "The largest gaps, and the next level up." in continued


def _in_order(wanted: list[str], line: list[str]) -> bool:
    words = iter(line)
    return all(word in words for word in wanted)


def test_it_prints_the_radar_whole_inside_the_margins(printed):
    [radar] = printed.images
    page = printed.pages[radar["page"] - 1]
    assert radar["left"] >= SIDE - SLACK
    assert radar["left"] + radar["width"] <= page.width - SIDE + SLACK
    assert radar["top"] >= TOP - SLACK
    assert radar["top"] + radar["height"] <= page.height - TOP + SLACK
    assert radar["width"] == pytest.approx(CHART_WIDTH_MM * MM, abs=2)  # not shrunk to fit
    assert "Radar chart of the nine factors" in page.text  # its caption beside it


def test_it_keeps_every_word_inside_the_side_margins(printed):
    outside = [
        (n, w.text, round(w.left), round(w.right))
        for n, page in enumerate(printed.pages, start=1)
        for w in page.words
        if w.left < SIDE - SLACK or w.right > page.width - SIDE + SLACK
    ]
    assert not outside, f"words past the margins (page, word, left, right): {outside[:10]}"
