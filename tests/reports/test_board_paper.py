"""The report as a board paper in Word (reports/board_paper.py, /assessments/<id>/report.docx):
what a board's officer pastes into the board's template, in Word's own styles, made and cached
through the same pipeline as the report PDF and under the same rules of who reads what.

The paper is really built and opened with python-docx; only the radar's picture is a stand-in
(`fake_png`), except in the one test marked chromium."""

import io

import docx
import pytest
from django.tasks import task_backends
from django.urls import reverse
from docx.oxml.ns import qn
from PIL import Image

from assessment.models import Sharing
from assessment.services import (
    assessment_advance,
    assessment_open,
    assessment_share,
    assessment_step_back,
)
from reports import board_paper
from reports.models import RenderedPdf
from reports.selectors import report_build

from .pages import download
from .plan_rounds import build_two_rounds

# What an outside reader's documents say where a round before is not shared with them (as
# test_since_last_round_privacy.py).
WITHHELD = "is shared with you, so this report shows no change since one"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def fake_png(monkeypatch):
    """A small real PNG in place of the radar Chromium draws; each export is counted."""
    exports = []
    buffer = io.BytesIO()
    Image.new("RGB", (70, 50), "white").save(buffer, "PNG")

    def figures_to_png(figures):
        exports.append(len(figures))
        return [buffer.getvalue() for _ in figures]

    monkeypatch.setattr(board_paper, "figures_to_png", figures_to_png)
    return exports


@pytest.fixture
def rounds(make_round, lead, respondent):
    """Riverside's 2025 Q4 (closed, with a plan) and 2026 Q4 started from it, closed too and
    shared by name; 2025 Q4 shared anonymously (tests/reports/plan_rounds.py has the levels)."""
    rounds = build_two_rounds(make_round, lead, respondent)
    assessment_advance(assessment=rounds.current)
    assessment_share(assessment=rounds.current, sharing=Sharing.NAMED)
    assessment_share(assessment=rounds.previous, sharing=Sharing.ANONYMOUS)
    return rounds


def paper_url(assessment) -> str:
    return reverse("reports-docx", args=[assessment.pk])


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def fetch(client, assessment):
    response = client.get(paper_url(assessment))
    assert response.status_code == 200, response.content[:300]
    return response, docx.Document(io.BytesIO(body(response)))


def paper_of(client, reader, assessment):
    client.force_login(reader)
    return fetch(client, assessment)[1]


def text_of(paper) -> str:
    """Every paragraph and every table cell, a line each."""
    lines = [p.text for p in paper.paragraphs]
    lines += [cell.text for table in paper.tables for row in table.rows for cell in row.cells]
    return "\n".join(lines)


def headings(paper) -> list[tuple[str, str]]:
    return [
        (p.style.name, p.text)
        for p in paper.paragraphs
        if p.style.name == "Title" or p.style.name.startswith("Heading")
    ]


def table_with(paper, caption_start: str):
    """The table just after the caption paragraph that starts so."""
    body = paper.element.body
    for table in paper.tables:
        caption = table._tbl.getprevious()
        if caption is not None and "".join(caption.itertext()).startswith(caption_start):
            assert caption.getparent() is body
            return [[cell.text for cell in row.cells] for row in table.rows]
    raise AssertionError(f"no table captioned {caption_start!r}")


# --- what it is and how it is served --------------------------------------------------------------


def test_it_serves_the_round_as_a_word_file_named_like_its_pdf(
    client, viewer, full_round, media, fake_png
):
    client.force_login(viewer)
    response, paper = fetch(client, full_round)
    assert response["Content-Type"] == DOCX
    assert download(response) == (
        "attachment",
        "riverside-borough-2026-q4-integration-maturity.docx",
    )
    assert paper.core_properties.title == "Riverside Borough: integration maturity, 2026 Q4"


def test_it_sets_its_headings_in_word_s_own_styles_in_order(
    client, viewer, rounds, media, fake_png
):
    paper = paper_of(client, viewer, rounds.current)
    assert headings(paper) == [
        ("Title", "Riverside Borough: integration maturity, 2026 Q4"),
        ("Heading 1", "Summary"),
        ("Heading 2", "The three largest gaps"),
        ("Heading 2", "Change since last round"),
        ("Heading 1", "The nine factors"),
        ("Heading 1", "Gap analysis"),
        ("Heading 1", "Agreed positions"),
        ("Heading 1", "Since last round"),
        ("Heading 2", "Where each item stood in 2025 Q4 and stands in 2026 Q4"),
        ("Heading 3", "The nine factors"),
        ("Heading 3", "The sixteen lessons"),
        ("Heading 2", "Actions completed since 2025 Q4"),
        ("Heading 1", "Improvement plan"),
        ("Heading 2", "The nine factors"),
        ("Heading 2", "The sixteen lessons"),
    ]


def test_it_marks_each_table_s_header_row_to_repeat_on_every_page(
    client, viewer, rounds, media, fake_png
):
    paper = paper_of(client, viewer, rounds.current)
    gaps = table_with(paper, "The largest gaps, and the next level up")
    assert gaps[0] == ["Factor", "Now", "Target", "Gap", "The next level"]
    assert len(paper.tables) == 8
    for table in paper.tables:
        header, *rows = table.rows
        assert header._tr.trPr.find(qn("w:tblHeader")).get(qn("w:val")) == "true"
        assert all(
            row._tr.trPr is None or row._tr.trPr.find(qn("w:tblHeader")) is None for row in rows
        )


def test_it_is_written_in_british_english(client, viewer, full_round, media, fake_png):
    paper = paper_of(client, viewer, full_round)
    styles = paper.styles.element
    defaults = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    normal = paper.styles["Normal"].element.rPr
    for properties in (defaults, normal):
        assert properties.find(qn("w:lang")).get(qn("w:val")) == "en-GB"
    assert paper.core_properties.language == "en-GB"
    assert 'w:val="en-US"' not in styles.xml


# --- what it holds --------------------------------------------------------------------------------


def test_it_holds_the_summary_with_the_largest_gaps(client, viewer, rounds, media, fake_png):
    text = text_of(paper_of(client, viewer, rounds.current))
    assert "Round 2026 Q4 · Closed · 2 of 3 responded" in text
    assert "Leadership: now 1 (Emerging), target 4: a gap of 3; no action yet" in text
    assert "Information management: now 1.5 (Emerging), target 3: a gap of 1.5" in text
    assert "Since 2025 Q4, factors: 2 up, 3 down, 4 unchanged." in text


def test_it_ranks_the_gaps_with_what_the_next_level_looks_like(
    client, viewer, rounds, media, fake_png
):
    paper = paper_of(client, viewer, rounds.current)
    header, leadership, information, *_ = table_with(paper, "The largest gaps")
    assert leadership[:4] == ["1. Leadership", "1 (Emerging)", "4", "3"]
    assert leadership[4].startswith("2 Developed: Senior leaders of the main commissioners")
    assert information[:4] == ["2. Information management", "1.5 (Emerging)", "3", "1.5"]
    assert information[4].startswith("2 Developed: ")


def test_it_gives_each_agreed_position_with_its_reason(client, viewer, rounds, media, fake_png):
    paper = paper_of(client, viewer, rounds.current)
    assert table_with(paper, "Where the team agreed a position") == [
        ["Item", "Agreed level", "Why the team agreed it"],
        ["Impact", "3 (Well developed), target 4", "Agreed at the workshop."],
    ]


def test_it_sets_out_the_plan_with_owners_due_dates_and_gaps_nobody_owns(
    client, viewer, rounds, media, fake_png
):
    paper = paper_of(client, viewer, rounds.current)
    plan = table_with(paper, "The nine factors: actions with their owner")
    assert plan[0] == ["Action", "Owner", "Due", "Status"]
    workforce = plan.index(
        ["Workforce: now 2 Developed, target 3 Well developed (team's median)"] * 4
    )
    action, owner, _, status = plan[workforce + 1]
    assert action.startswith("Joint induction for the neighbourhood teams")
    assert (owner, status) == ("Tom Hughes", "Planned")
    pooling = next(row for row in plan if row[0].startswith("Pool the community equipment"))
    assert pooling[0].endswith("\nCarried over from 2025 Q4.")
    assert pooling[3] == "In progress, overdue"
    leadership = plan.index(
        ["Leadership: now 1 Emerging, target 4 Extensive development (team's median)"] * 4
    )
    assert plan[leadership + 1] == ["No action yet", "", "", ""]


def test_it_shows_what_changed_since_last_round(client, viewer, rounds, media, fake_png):
    paper = paper_of(client, viewer, rounds.current)
    factors = table_with(paper, "The nine factors: level in 2025 Q4")
    assert factors[0] == ["Factor", "2025 Q4", "2026 Q4", "Change"]
    assert ["Impact", "1", "3", "+2"] in factors
    assert ["Governance", "3.5", "2", "−1.5"] in factors
    assert table_with(paper, "Actions completed since 2025 Q4")[1:] == [
        ["Agree a shared outcomes framework", "Impact", "1", "3", "2", "Reached"],
        ["Redesign the neighbourhood care model", "Care model", "2", "3", "4", "Not yet"],
    ]


def test_it_places_the_radar_with_its_message_as_alternative_text(
    client, viewer, rounds, media, fake_png
):
    paper = paper_of(client, viewer, rounds.current)
    [radar] = paper.inline_shapes
    described = radar._inline.docPr.get("descr")
    assert described == report_build(rounds.current).chart_alts()["radar"]
    assert described.startswith("Radar chart of the 9 factors: ")
    assert "Leadership (from 1 to 4)" in described
    assert fake_png == [1]  # one export, of the radar alone


def test_it_says_there_is_nothing_to_report_before_anyone_has_answered(
    client, viewer, place, lead, respondent, versions, media, fake_png
):
    assessment = assessment_open(
        place=place, period="2026 Q4", versions=versions, participants=[lead, respondent]
    )
    assessment_advance(assessment=assessment)  # scoring ended with no answers
    paper = paper_of(client, viewer, assessment)
    assert headings(paper)[1:] == [("Heading 1", "Nothing to report yet")]
    assert "0 of 2 respondents submitted" in text_of(paper)
    assert len(paper.inline_shapes) == 0
    assert fake_png == []  # no chart to draw


# --- who reads what -------------------------------------------------------------------------------


@pytest.mark.parametrize("member_first", [True, False])
def test_it_gives_an_outside_reader_nothing_of_a_round_not_shared_with_them(
    client, viewer, analyst, rounds, media, fake_png, member_first
):
    readers = [viewer, analyst] if member_first else [analyst, viewer]
    text = {}
    for _ in range(2):  # the second time round, each is served from storage
        for reader in readers:
            text[reader] = text_of(paper_of(client, reader, rounds.current))
    assert len(fake_png) == 2  # one paper each, each made once
    assert "2025 Q4" in text[viewer] and WITHHELD not in text[viewer]
    assert "2025 Q4" not in text[analyst] and WITHHELD in text[analyst]
    keys = set(RenderedPdf.objects.filter(kind="paper").values_list("key", flat=True))
    assert keys == {str(rounds.current.pk), f"{rounds.current.pk}-shared"}


def test_it_has_the_worker_make_an_outside_reader_s_paper_from_ids_alone(
    client, analyst, rounds, media, fake_png, settings
):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    client.force_login(analyst)
    assert client.get(paper_url(rounds.current)).status_code == 202
    [queued] = task_backends["default"].results
    assert queued.kwargs == {
        "kind": "paper",
        "assessment_id": rounds.current.pk,
        "user_id": analyst.pk,
    }
    queued.task.call(*queued.args, **queued.kwargs)  # the worker runs it
    _, paper = fetch(client, rounds.current)
    assert len(fake_png) == 1  # the page found what the worker made
    text = text_of(paper)
    assert "2025 Q4" not in text and WITHHELD in text


def test_it_serves_a_second_request_from_storage_without_making_it_again(
    client, viewer, full_round, media, fake_png, monkeypatch
):
    client.force_login(viewer)
    first = body(client.get(paper_url(full_round)))
    monkeypatch.setattr(board_paper, "paper_docx", _refuse)
    second = client.get(paper_url(full_round))
    assert second.status_code == 200
    assert body(second) == first
    assert fake_png == [1]
    [row] = RenderedPdf.objects.filter(kind="paper")
    assert row.key == str(full_round.pk)


def _refuse(blocks, pictures):
    raise AssertionError("made again although the round has not changed")


def test_it_forgets_a_round_s_papers_when_it_is_reopened(
    client, viewer, analyst, lead, rounds, media, fake_png, django_capture_on_commit_callbacks
):
    for reader in (viewer, analyst):
        paper_of(client, reader, rounds.current)
    assert RenderedPdf.objects.filter(kind="paper").count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        assessment_step_back(
            assessment=rounds.current, shown_status="closed", user=lead, reason="A late answer."
        )
    assert not RenderedPdf.objects.filter(kind="paper").exists()
    assert not list((media / "pdf").rglob("*.docx"))


def test_it_hides_a_round_s_paper_from_someone_outside_the_place(client, outsider, full_round):
    client.force_login(outsider)
    assert client.get(paper_url(full_round)).status_code == 404


def test_it_answers_404_for_a_round_that_does_not_exist(client, lead):
    client.force_login(lead)
    assert client.get(reverse("reports-docx", args=[999999])).status_code == 404


def test_it_sends_someone_signed_out_to_sign_in(client, full_round):
    url = paper_url(full_round)
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={url}"


def test_it_allows_only_get(client, viewer, full_round):
    client.force_login(viewer)
    assert client.post(paper_url(full_round)).status_code == 405


def test_it_links_to_the_paper_beside_the_pdf_on_the_report_page(django_app, viewer, full_round):
    page = django_app.get(reverse("reports-page", args=[full_round.pk]), user=viewer)
    assert page.html.find("a", href=paper_url(full_round))
    assert page.html.find("a", href=reverse("reports-pdf", args=[full_round.pk]))


# --- the radar, drawn by the chart browser --------------------------------------------------------


@pytest.mark.chromium
def test_it_draws_the_radar_as_a_picture_through_the_chart_browser(
    client, viewer, full_round, media
):
    paper = paper_of(client, viewer, full_round)
    [radar] = paper.inline_shapes
    image = paper.part.related_parts[radar._inline.graphic.graphicData.pic.blipFill.blip.embed]
    picture = Image.open(io.BytesIO(image.blob))
    drawn = report_build(full_round).figures["radar"].layout
    # Twice the chart's own size, sharp on paper.
    assert (picture.format, picture.size) == ("PNG", (drawn.width * 2, drawn.height * 2))
