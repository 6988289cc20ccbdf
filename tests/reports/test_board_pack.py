"""`manage.py board_pack`: a zip of every matching closed round's report PDF, with an index.

Most tests stand Chromium and WeasyPrint in with `fake_render` (each report "PDF" is a short
marked byte string) and read the real index page with pypdf; one packs a real report.
"""

import io
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult
from pypdf import PdfReader

from assessment.models import PlaceKind, Region
from reports import pack, pdf
from reports.models import PdfKind
from reports.tasks import render_pdf

from .compare_data import closed_round, make_place
from .tagged import structure_elements

INDEX = "00-index.pdf"
RIVERSIDE = "riverside-borough-2026-q2-integration-maturity.pdf"
EASTVALE = "eastvale-health-and-wellbeing-board-2026-q2-integration-maturity.pdf"
NORTHMOOR = "northmoor-integrated-care-system-2025-q4-integration-maturity.pdf"


@pytest.fixture
def rounds(place, other_place):
    """Closed rounds of three places in three regions, of three kinds; and one round still open.

    Riverside's largest gap is Impact (1 → 3); Eastvale's is Workforce (1 → 4).
    """
    eastvale = make_place("eastvale", "Eastvale Health and Wellbeing Board")
    return {
        "riverside": closed_round(place, "2026 Q2", {"Asha Patel": {"impact": (1, 3)}}),
        "eastvale": closed_round(eastvale, "2026 Q2", {"Maria Costa": {"workforce": (1, 4)}}),
        "northmoor": closed_round(other_place, "2025 Q4", {"Sam Reid": {}}),
    }


@pytest.fixture
def open_round_elsewhere(db):
    from assessment.services import assessment_open
    from frameworks.selectors import latest_published_versions

    westfield = make_place("westfield", "Westfield Borough", kind=PlaceKind.BOROUGH)
    return assessment_open(
        place=westfield, period="2026 Q2", versions=latest_published_versions(), participants=[]
    )


def board_pack(tmp_path, *args):
    """Run the command; returns the zip's files by name, what it printed and its index's text."""
    out = tmp_path / "pack.zip"
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command("board_pack", "--out", str(out), *args, stdout=stdout, stderr=stderr)
    return unpacked(out), stdout.getvalue() + stderr.getvalue()


def unpacked(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def index_text(files: dict[str, bytes]) -> str:
    reader = PdfReader(io.BytesIO(files[INDEX]))
    return " ".join(page.extract_text() for page in reader.pages)


def index_pages(files: dict[str, bytes]) -> int:
    return len(PdfReader(io.BytesIO(files[INDEX])).pages)


def failing_for(monkeypatch, place_name: str, *, times: int | None = None) -> list[str]:
    """Make the report of `place_name` fail to lay out (`times` times, or always)."""
    real = pdf.html_to_pdf  # fake_render's stand-in
    failures = []

    def html_to_pdf(html):
        if place_name in html and (times is None or len(failures) < times):
            failures.append(place_name)
            raise ValueError("WeasyPrint could not lay it out")
        return real(html)

    monkeypatch.setattr(pdf, "html_to_pdf", html_to_pdf)
    return failures


# --- what is in the pack ------------------------------------------------------------------------


def test_it_packs_the_report_of_every_closed_round_with_an_index(
    rounds, open_round_elsewhere, media, fake_render, tmp_path
):
    files, printed = board_pack(tmp_path)
    assert set(files) == {INDEX, RIVERSIDE, EASTVALE, NORTHMOOR}  # not Westfield's open round
    assert files[RIVERSIDE].startswith(b"%PDF-1.7 render")
    assert len(fake_render) == 3
    assert "3 of 3 reports (3 rendered, 0 already made) and the index" in printed


def test_it_lists_place_period_file_and_headline_gaps_on_one_index_page(
    rounds, media, fake_render, tmp_path
):
    files, _ = board_pack(tmp_path)
    text = index_text(files)
    assert index_pages(files) == 1
    for name in ("Riverside Borough", "Eastvale Health and Wellbeing Board", "2025 Q4"):
        assert name in text
    assert "riverside-borough-2026-q2-integration-maturity.pdf" in text.replace("\n", "")
    assert "Impact (1 → 3)" in text
    assert "Workforce (1 → 4)" in text
    assert "Missing" not in text


def test_it_tags_the_index_for_screen_readers_as_the_reports_are(
    rounds, media, fake_render, tmp_path
):
    files, _ = board_pack(tmp_path)
    index = PdfReader(io.BytesIO(files[INDEX]))
    root = index.trailer["/Root"]
    assert root["/Lang"] == "en-GB"
    assert b'pdfuaid:part="1"' in root["/Metadata"].get_object().get_data()
    tags = [element["/S"] for element in structure_elements(index)]
    assert "/Table" in tags and "/TH" in tags  # its rows read with their headers


def test_it_links_each_file_from_the_index_by_its_name_in_the_zip(
    rounds, media, fake_render, tmp_path
):
    files, _ = board_pack(tmp_path)
    links = {
        annotation.get_object()["/A"]["/URI"]
        for page in PdfReader(io.BytesIO(files[INDEX])).pages
        for annotation in page.get("/Annots", [])
    }
    assert links == {RIVERSIDE, EASTVALE, NORTHMOOR}


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--region", Region.LONDON], {RIVERSIDE}),
        (["--kind", PlaceKind.HWB], {EASTVALE}),
        (["--period", "2026 Q2"], {RIVERSIDE, EASTVALE}),
        (["--period", "q2 2026"], {RIVERSIDE, EASTVALE}),
        (["--period", "2025"], {NORTHMOOR}),
        (["--period", "2026 Q2", "--region", Region.EAST], {EASTVALE}),
    ],
)
def test_it_packs_only_the_rounds_of_the_region_kind_and_period_asked_for(
    rounds, media, fake_render, tmp_path, args, expected
):
    files, _ = board_pack(tmp_path, *args)
    assert set(files) == {INDEX, *expected}


def test_it_does_not_render_again_a_pdf_already_made(rounds, media, fake_render, tmp_path):
    render_pdf.enqueue(PdfKind.REPORT, assessment_id=rounds["riverside"].pk)
    made = fake_render[-1]
    files, printed = board_pack(tmp_path)
    assert len(fake_render) == 3  # the one made before, and two for the pack
    assert files[RIVERSIDE] == b"%PDF-1.7 render 1"
    assert made not in fake_render[1:]
    assert "(2 rendered, 1 already made)" in printed


# --- renders that fail --------------------------------------------------------------------------


def test_it_tries_a_failed_render_once_more(rounds, media, fake_render, tmp_path, monkeypatch):
    failures = failing_for(monkeypatch, "Eastvale", times=1)
    files, printed = board_pack(tmp_path)
    assert failures == ["Eastvale"]
    assert EASTVALE in files
    assert "Eastvale Health and Wellbeing Board, 2026 Q2: the PDF failed; trying once more" in (
        printed
    )


def test_it_names_the_places_whose_pdf_could_not_be_made(
    rounds, media, fake_render, tmp_path, monkeypatch
):
    failures = failing_for(monkeypatch, "Eastvale")
    with pytest.raises(CommandError) as refused:
        board_pack(tmp_path)
    assert failures == ["Eastvale", "Eastvale"]  # the render and its one retry
    assert "2 of 3 reports" in str(refused.value)
    assert (
        "Missing: Eastvale Health and Wellbeing Board, 2026 Q2 (the PDF could not be laid out)"
        in (str(refused.value))
    )
    files = unpacked(tmp_path / "pack.zip")  # the rest of the pack is written all the same
    assert set(files) == {INDEX, RIVERSIDE, NORTHMOOR}
    text = index_text(files)
    assert "Missing from this pack: 1 place." in text
    assert "Eastvale Health and Wellbeing Board, 2026 Q2: the PDF could not be laid out" in text


# --- on the PDF workers -------------------------------------------------------------------------


@pytest.fixture
def worker_backend(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_worker_while_waiting(monkeypatch):
    """While the command waits for its PDFs, a worker takes the queue (in this test's own
    database transaction, which it must not close as a worker process would between tasks)."""
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    monkeypatch.setattr("reports.chart_export.warm", lambda: None)
    runs = []

    def sleep(seconds):
        runs.append(seconds)
        call_command("pdf_worker", "--batch", "--no-startup-delay", "-v0", stdout=io.StringIO())

    monkeypatch.setattr(pack.time, "sleep", sleep)
    return runs


def test_it_queues_the_pdfs_for_the_workers_behind_those_readers_wait_for(
    rounds, media, fake_render, tmp_path, worker_backend, monkeypatch
):
    runs = run_worker_while_waiting(monkeypatch)
    files, printed = board_pack(tmp_path)
    assert runs  # the command waited while the worker rendered
    assert set(files) == {INDEX, RIVERSIDE, EASTVALE, NORTHMOOR}
    queued = DBTaskResult.objects.filter(task_path="reports.tasks.render_pdf")
    assert sorted(queued.values_list("priority", flat=True)) == [pack.PACK_PRIORITY] * 3
    assert "3 of 3 reports (3 rendered, 0 already made)" in printed


def test_it_queues_each_report_as_soon_as_it_is_read(
    rounds, media, fake_render, tmp_path, worker_backend, monkeypatch
):
    run_worker_while_waiting(monkeypatch)
    queued_when_read = []
    read = pack.report_build

    def reading(assessment):
        queued_when_read.append(DBTaskResult.objects.count())
        return read(assessment)

    monkeypatch.setattr(pack, "report_build", reading)
    files, _ = board_pack(tmp_path)
    assert queued_when_read == [0, 1, 2]  # the workers need not wait for the last to be read
    assert set(files) == {INDEX, RIVERSIDE, EASTVALE, NORTHMOOR}


def test_it_names_what_no_worker_rendered_in_time(
    rounds, media, fake_render, tmp_path, worker_backend, monkeypatch
):
    clock = [0.0]
    monkeypatch.setattr(pack.time, "monotonic", lambda: clock[0])
    monkeypatch.setattr(pack.time, "sleep", lambda seconds: clock.__setitem__(0, clock[0] + 5))
    with pytest.raises(CommandError) as refused:
        board_pack(tmp_path, "--wait", "60")
    assert "0 of 3 reports" in str(refused.value)
    assert "Riverside Borough, 2026 Q2 (no PDF worker rendered it in time)" in str(refused.value)
    assert "Missing from this pack: 3 places." in index_text(unpacked(tmp_path / "pack.zip"))
    assert not DBTaskResult.objects.filter(status="READY").exists()  # taken off the queue


def test_it_takes_its_pdfs_off_the_queue_when_stopped(
    rounds, media, fake_render, tmp_path, worker_backend, monkeypatch
):
    def stopped(seconds):
        raise KeyboardInterrupt  # Ctrl+C, or SIGTERM from a process manager

    monkeypatch.setattr(pack.time, "sleep", stopped)
    with pytest.raises(KeyboardInterrupt):
        board_pack(tmp_path)
    assert not DBTaskResult.objects.filter(status="READY").exists()
    assert not (tmp_path / "pack.zip").exists()


# --- what it refuses ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "choices"),
    [
        (["--region", "wessex"], "invalid choice: 'wessex' (choose from 'north-east-yorkshire'"),
        (["--kind", "county"], "invalid choice: 'county' (choose from 'ics', 'hwb', 'borough'"),
    ],
)
def test_it_refuses_an_unknown_region_or_kind_naming_the_choices(
    rounds, media, tmp_path, args, choices
):
    with pytest.raises(CommandError, match=r"invalid choice") as refused:
        board_pack(tmp_path, *args)
    assert choices in str(refused.value)
    assert not (tmp_path / "pack.zip").exists()


def test_it_refuses_a_period_no_closed_round_has_naming_those_that_do(rounds, media, tmp_path):
    with pytest.raises(CommandError) as refused:
        board_pack(tmp_path, "--period", "2031 Q1")
    assert str(refused.value) == (
        "No closed round has a period matching '2031 Q1' (a year matches its quarters, halves "
        "and months; '2026-Q2', '2026 q2' and 'Q2 2026' are one period). "
        "Periods: '2025 Q4', '2026 Q2'."
    )


def test_it_refuses_when_no_closed_round_matches(rounds, media, tmp_path):
    with pytest.raises(CommandError, match="No closed round of region 'london', period '2025 Q4'"):
        board_pack(tmp_path, "--region", "london", "--period", "2025 Q4")


def test_it_refuses_when_no_round_is_closed(open_round_elsewhere, media, tmp_path):
    with pytest.raises(CommandError, match="No round is closed yet: there is nothing to pack"):
        board_pack(tmp_path)


@pytest.mark.parametrize(
    ("out", "problem"),
    [
        ("pack.pdf", "--out must name a .zip file"),
        ("no-such-folder/pack.zip", "does not exist"),
    ],
)
def test_it_refuses_an_out_file_it_cannot_write(rounds, tmp_path, out, problem):
    with pytest.raises(CommandError, match=problem):
        call_command("board_pack", "--out", str(tmp_path / out), stdout=io.StringIO())


def test_it_refuses_a_wait_of_no_time(rounds, tmp_path):
    with pytest.raises(CommandError, match="--wait must be a positive number of seconds"):
        call_command("board_pack", "--out", str(tmp_path / "p.zip"), "--wait", "0")


# --- the real thing -----------------------------------------------------------------------------


@pytest.mark.chromium
def test_it_packs_a_real_report(place, media, tmp_path):
    closed_round(place, "2026 Q2", {"Asha Patel": {"impact": (1, 3)}})
    files, _ = board_pack(tmp_path)
    report = PdfReader(io.BytesIO(files[RIVERSIDE]))
    assert "Riverside Borough" in report.pages[0].extract_text()
    assert len(report.pages) > 5
    assert "Impact (1 → 3)" in index_text(files)
