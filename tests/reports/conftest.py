"""Rounds with submitted answers for the report tests, and a private folder for cached PDFs."""

import pytest


@pytest.fixture
def media(settings, tmp_path):
    """A media folder of this test's own, so cached PDFs never leak between tests."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def make_round(place, lead, respondent, versions):
    """A round in which the lead, the respondent and `others` people without accounts have
    all submitted their answers (see tests/reports/rounds.py); `scoring_ended` moves it to
    consensus, from when the board viewer, too, reads the team's figures."""
    from assessment.models import Respondent
    from assessment.services import assessment_advance, assessment_open

    from .rounds import LEAD_ANSWERS, RESPONDENT_ANSWERS, answer, respondent_of

    def make(*, others=0, period="2026 Q4", scoring_ended=False):
        assessment = assessment_open(
            place=place, period=period, versions=versions, participants=[lead, respondent]
        )
        answer(respondent_of(assessment, lead), LEAD_ANSWERS)
        answer(respondent_of(assessment, respondent), RESPONDENT_ANSWERS)
        for number in range(1, others + 1):
            answer(Respondent.objects.create(assessment=assessment, name=f"Workshop {number}"))
        if scoring_ended:
            assessment_advance(assessment=assessment)
        return assessment

    return make


@pytest.fixture
def full_round(make_round, lead):
    """A round at consensus with an agreed level and an action: every part of its answers."""
    from assessment.services.actions import action_create
    from tests.reports.rounds import record_consensus

    assessment = make_round(scoring_ended=True)
    record_consensus(assessment, lead)
    impact = assessment.framework_versions.get(framework__kind="maturity-matrix").items.get(
        key="impact"
    )
    action_create(assessment=assessment, user=lead, title="Joint induction", items=[impact])
    return assessment


@pytest.fixture
def scored_round(make_round):
    """The lead and the respondent have both submitted; scoring is still open."""
    return make_round()


@pytest.fixture
def ended_round(make_round):
    """As scored_round, with scoring ended: every member of the place reads the report."""
    return make_round(scoring_ended=True)


@pytest.fixture
def fake_render(monkeypatch):
    """Stand-ins for Chromium and WeasyPrint, for tests of the cache around them.

    Each render returns a distinct small "PDF", so a test can tell a cached file from a new one.
    The real pipeline is tested in test_views.py and test_compare_pdf.py.
    """
    from reports import pdf

    renders = []

    def html_to_pdf(html):
        renders.append(html)
        return f"%PDF-1.7 render {len(renders)}".encode()

    monkeypatch.setattr(pdf, "report_svgs", lambda report: {"radar": "", "lessons": ""})
    monkeypatch.setattr(pdf, "comparison_svgs", lambda c: {"overlay": "", "distribution": ""})
    monkeypatch.setattr(pdf, "html_to_pdf", html_to_pdf)
    return renders


@pytest.fixture
def rounds_to_export(place, other_place, lead):
    """Closed rounds of Riverside and Northmoor with answers to export (compare_data)."""
    from .compare_data import export_rounds

    return export_rounds(place, other_place, lead)


@pytest.fixture
def shared_places(place, other_place):
    """Four places' closed rounds, shared three ways (compare_data.four_places)."""
    from .compare_data import four_places

    return four_places(place, other_place)


@pytest.fixture
def anonymous_northmoor(shared_places):
    """How an analyst sees Northmoor's round, shared anonymously."""
    from reports.compare import anonymous_label

    return f"{anonymous_label(shared_places['northmoor'].pk)}, 2026 Q2"
