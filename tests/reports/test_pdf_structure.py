"""Every kind of PDF the app makes (a round's report, a comparison, a board pack's index) walked
with pikepdf against the Matterhorn Protocol's conditions a machine can check:

- 01-005: no content is neither in the structure tree nor an artifact: every mark on a page
  (text shown, a path painted, an image drawn) is inside marked content, and every marked
  content with an id is owned by a structure element;
- 06-002 / 07-001: the metadata says PDF/UA (pdfuaid:part), and the viewer shows the title;
- 11-001: the document's language is given (/Lang);
- 15-003: every table header cell (TH) has a /Scope;
- 28-011: every link annotation is owned by a structure element (/StructParent);
- 28-012 (alternate description): every link annotation has /Contents made of words, not the
  id of the element it points at;
- a section or table that runs on to another page is one structure element, not one a page:
  every section starts with its heading, and no table has a second head;
- and no dotted leader is text: the contents page's page numbers stand at the margin with no
  row of "." characters a screen reader would read out.

Chromium stands aside (charts are a placeholder SVG); WeasyPrint and pikepdf are real.
"""

import io
import re

import pikepdf
import pytest
from django.urls import reverse
from pypdf import PdfReader

from reports import pdf

from .compare_data import chosen
from .test_compare_board_pack import INDEX, unpacked

pytestmark = pytest.mark.django_db

PAINTING = {"Tj", "TJ", "'", '"', "Do", "sh", "BI", "f", "F", "f*", "S", "s", "B", "B*", "b", "b*"}
CHART = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
    '<rect width="10" height="10"/></svg>'
)


@pytest.fixture(autouse=True)
def _placeholder_charts(monkeypatch):
    monkeypatch.setattr(pdf, "figures_to_svg", lambda figures: [CHART] * len(figures))


def _elements(document):
    stack = [document.Root.StructTreeRoot]
    while stack:
        element = stack.pop()
        if element.get("/S") is not None:
            yield element
        kids = element.get("/K")
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
            if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") != "/MCR":
                stack.append(kid)


def _owned(document) -> set[tuple]:
    owned = set()
    for element in _elements(document):
        kids = element.get("/K")
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
            if isinstance(kid, int):
                owned.add((element.Pg.objgen, kid))
            elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
                owned.add((kid.get("/Pg", element.get("/Pg")).objgen, int(kid.MCID)))
    return owned


def problems(body: bytes, ids: set[str]) -> list[str]:
    """Every Matterhorn condition above that the PDF fails, one line each."""
    found = []
    with pikepdf.open(io.BytesIO(body)) as document:
        root = document.Root
        if "pdfuaid:part" not in bytes(root.Metadata.read_bytes()).decode():
            found.append("06-002: no PDF/UA identifier in the metadata")
        if not root.get("/ViewerPreferences", {}).get("/DisplayDocTitle"):
            found.append("07-001: the viewer is not told to show the title")
        if not str(root.get("/Lang", "")):
            found.append("11-001: no document language")
        owned = _owned(document)
        for number, page in enumerate(document.pages, start=1):
            depth, loose, stray = 0, 0, 0
            for operands, operator in pikepdf.parse_content_stream(page):
                name = str(operator)
                if name in ("BDC", "BMC"):
                    depth += 1
                    props = operands[1] if name == "BDC" else None
                    if isinstance(props, pikepdf.Dictionary) and "/MCID" in props:
                        stray += (page.obj.objgen, int(props.MCID)) not in owned
                elif name == "EMC":
                    depth -= 1
                elif depth == 0 and name in PAINTING:
                    loose += 1
            if loose or stray:
                found.append(f"01-005: page {number}: {loose} marks untagged, {stray} unowned")
            for annotation in page.obj.get("/Annots") or []:
                if annotation.get("/Subtype") != "/Link":
                    continue
                words = str(annotation.get("/Contents", ""))
                if not words.strip() or words in ids:
                    found.append(f"28-012: page {number}: a link says {words!r}")
                if "/StructParent" not in annotation:
                    found.append(f"28-011: page {number}: a link outside the structure tree")
        for element in _elements(document):
            kids = element.get("/K")
            inside = [
                kid.get("/S")
                for kid in (kids if isinstance(kids, pikepdf.Array) else [kids])
                if isinstance(kid, pikepdf.Dictionary) and kid.get("/S") is not None
            ]
            if element.get("/S") == "/Sect" and (not inside or not str(inside[0]).startswith("/H")):
                found.append("continued: a section without its heading")
            if element.get("/S") == "/Table" and inside.count("/THead") > 1:
                found.append("continued: a table with two heads")
            if element.get("/S") == "/TH":
                attributes = element.get("/A")
                listed = attributes if isinstance(attributes, pikepdf.Array) else [attributes]
                if not any(isinstance(a, pikepdf.Dictionary) and "/Scope" in a for a in listed):
                    found.append("15-003: a table header cell without a scope")
    return sorted(set(found))


def _ids(html: str) -> set[str]:
    return set(re.findall(r'id="([^"]+)"', html))


def _body(response) -> bytes:
    assert response.status_code == 200, response
    return b"".join(response.streaming_content)


def test_a_rounds_report_meets_every_condition(client, viewer, full_round, media):
    from reports.pdf import report_print_html
    from reports.selectors import report_build

    client.force_login(viewer)
    body = _body(client.get(reverse("reports-pdf", args=[full_round.pk])))
    html = report_print_html(report_build(full_round))
    assert problems(body, _ids(html)) == []
    contents = next(p for p in PdfReader(io.BytesIO(body)).pages if "Contents" in p.extract_text())
    assert ".." not in contents.extract_text()  # no dotted leader read out as full stops


def test_a_comparison_meets_every_condition(client, analyst, shared_places, media):
    client.force_login(analyst)
    rounds = [shared_places[k] for k in ("riverside", "northmoor", "westfield")]
    body = _body(client.get(reverse("reports-compare-pdf"), chosen(*rounds)))
    assert problems(body, set()) == []


def test_a_board_packs_index_meets_every_condition(
    client, analyst, shared_places, media, fake_render
):
    client.force_login(analyst)
    files = unpacked(
        client.get(reverse("reports-compare-pack"), chosen(shared_places["riverside"]))
    )
    assert problems(files[INDEX], set()) == []


def test_the_checks_find_what_weasyprint_leaves_undone(full_round):
    """Without reports.pdf_tags, WeasyPrint's own PDF fails the checks above (so they can)."""
    from weasyprint import HTML

    from reports.pdf import PDF_VARIANT, report_print_html
    from reports.selectors import report_build

    html = report_print_html(report_build(full_round))
    laid_out = HTML(string=html, base_url=".").write_pdf(pdf_variant=PDF_VARIANT)
    found = " ".join(problems(laid_out, _ids(html)))
    assert "01-005" in found and "15-003" in found and "28-012" in found
    assert "a section without its heading" in found
