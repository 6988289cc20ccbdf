"""The one pipeline of generated files (reports.documents): each is keyed by a digest of what it
shows and of every file it is drawn with, found rather than listed, so a change to a chart
builder, a template or a style after a deploy makes the document anew instead of serving an old
one; and each is served or queued the same way. Chromium and WeasyPrint stand aside
(`fake_render`)."""

import re
import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.tasks import task_backends
from django.urls import reverse
from django.utils import timezone

from reports import digests, pdf
from reports.digests import drawn_from, source_digest
from reports.models import PdfKind, PdfStatus, RenderedPdf
from reports.selectors import report_build
from reports.services import pdf_orphans_sweep

ROOT = Path(settings.BASE_DIR).resolve()
PRINT_TEMPLATES = ("reports/report_print.html", "reports/compare_print.html")


@pytest.fixture
def tree(tmp_path) -> Path:
    """A copy of everything documents are drawn from, as another machine's deploy."""
    for folder in drawn_from(ROOT):
        shutil.copytree(ROOT / folder, tmp_path / folder, ignore=shutil.ignore_patterns("*.pyc"))
    return tmp_path


def body(response) -> bytes:
    return b"".join(response.streaming_content)


# --- the code a document is drawn with ----------------------------------------------------------


def test_it_draws_documents_from_the_apps_templates_and_static_files_of_the_project():
    folders = {str(folder) for folder in drawn_from(ROOT)}
    assert {"reports", "assessment", "frameworks", "templates", "static"} <= folders
    assert not any(".venv" in folder or "site-packages" in folder for folder in folders)


def test_it_gives_the_same_tree_the_same_digest_wherever_it_is(tree):
    assert source_digest(tree, drawn_from(ROOT)) == source_digest(ROOT, drawn_from(ROOT))


@pytest.mark.parametrize(
    "changed",
    [
        "reports/charts.py",  # a chart builder
        "reports/chart_alt.py",  # a chart's message in words
        "reports/plan_sections.py",
        "assessment/results.py",  # how results are worked out, a layer below
        "templates/reports/_print_style.html",  # the print style
        "templates/reports/_gaps.html",
        "static/css/report.css",
    ],
)
def test_it_gives_a_new_digest_when_any_file_a_document_is_drawn_with_changes(tree, changed):
    before = source_digest(tree, drawn_from(ROOT))
    with (tree / changed).open("a") as source:
        source.write("\n# one more line\n")
    assert source_digest(tree, drawn_from(ROOT)) != before


def test_it_gives_a_new_digest_when_a_new_module_appears(tree):
    before = source_digest(tree, drawn_from(ROOT))
    (tree / "reports" / "heatmaps.py").write_text("def heatmap(): ...\n")
    assert source_digest(tree, drawn_from(ROOT)) != before


def test_it_covers_every_template_the_print_versions_include_however_deep():
    seen, todo = set(), list(PRINT_TEMPLATES)
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            text = (ROOT / "templates" / name).read_text()
            todo += re.findall(r'{% (?:include|extends) "([^"]+)"', text)
    folders = [ROOT / folder for folder in drawn_from(ROOT)]
    assert len(seen) > len(PRINT_TEMPLATES)
    for name in seen:
        assert any((ROOT / "templates" / name).is_relative_to(f) for f in folders), name


# --- what it means for readers ------------------------------------------------------------------


def _code_changed(monkeypatch):
    """As after a deploy that changed a chart builder: the process's code digest is new."""
    monkeypatch.setattr(digests, "code_digest", lambda: "after-a-chart-changed")


def test_it_gives_the_same_round_the_same_digest(scored_round):
    first = pdf.report_document(report_build(scored_round))
    assert pdf.report_document(report_build(scored_round)).digest == first.digest


def test_it_gives_the_same_round_a_new_digest_once_a_chart_builder_changed(
    scored_round, monkeypatch
):
    before = pdf.report_document(report_build(scored_round))
    _code_changed(monkeypatch)
    after = pdf.report_document(report_build(scored_round))
    assert (after.key, after.kind) == (before.key, before.kind)
    assert after.digest != before.digest
    assert report_build(scored_round).digest != before.digest  # the page's figures too


def test_it_makes_the_pdf_anew_after_a_chart_builder_changed(
    lead_client, scored_round, media, fake_render, monkeypatch
):
    url = reverse("reports-pdf", args=[scored_round.pk])
    assert body(lead_client.get(url)) == b"%PDF-1.7 render 1"
    _code_changed(monkeypatch)
    assert body(lead_client.get(url)) == b"%PDF-1.7 render 2"  # not the stale one
    [row] = RenderedPdf.objects.all()  # the older content's row and file are gone
    assert default_storage.exists(row.name)


# --- one table, one way of serving --------------------------------------------------------------


@pytest.fixture
def queued(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    return task_backends["default"]


def test_it_says_when_a_document_is_still_waiting_for_a_worker(lead_client, scored_round, queued):
    response = lead_client.get(reverse("reports-pdf", args=[scored_round.pk]))
    assert response.status_code == 202
    assert "It is waiting for the next free worker (asked for at " in response.text


def test_it_shows_a_clear_page_when_the_file_store_cannot_be_read(
    lead_client, scored_round, media, fake_render, monkeypatch
):
    lead_client.get(reverse("reports-pdf", args=[scored_round.pk]))

    def unreachable(*args, **kwargs):
        raise OSError("Connection refused: storage.example:9000")

    monkeypatch.setattr(default_storage, "exists", unreachable)
    response = lead_client.get(reverse("reports-pdf", args=[scored_round.pk]))
    assert response.status_code == 503
    assert "the file store could not be read" in response.text
    assert "storage.example" not in response.text


def test_it_keeps_a_board_pack_in_the_same_table_as_the_pdfs(
    client, analyst, place, media, fake_render
):
    from .compare_data import closed_round

    riverside = closed_round(place, "2026 Q2", {"Asha Patel": {"impact": (1, 3)}})
    client.force_login(analyst)
    response = client.get(reverse("reports-compare-pack"), {"assessment": riverside.pk})
    assert response["Content-Type"] == "application/zip"
    kinds = sorted(RenderedPdf.objects.values_list("kind", "status"))
    assert kinds == [(PdfKind.PACK, PdfStatus.READY), (PdfKind.REPORT, PdfStatus.READY)]


def test_it_sweeps_board_packs_that_can_no_longer_be_served(media, db):
    name = "pdf/pack/old.zip"
    default_storage.save(name, ContentFile(b"PK old"))
    RenderedPdf.objects.create(
        kind=PdfKind.PACK,
        key="k",
        digest="d",
        name=name,
        status=PdfStatus.READY,
        created_at=timezone.now() - timedelta(days=3),
    )
    pdf_orphans_sweep()
    assert not RenderedPdf.objects.exists()
    assert not default_storage.exists(name)
