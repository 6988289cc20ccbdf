"""What a round's report says of its agreed positions, its context factor and answers given
without names: the board sees why the team agreed, a closed round speaks of the past, Place
takes no target, and nothing lets a reader follow one person from item to item."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from assessment.models import Consensus, Respondent, Response
from assessment.services import assessment_advance, assessment_open, consensus_record
from frameworks.models import Item
from reports.selectors import report_build

from .compare_data import chosen, csv_rows
from .pages import figure, row
from .rounds import answer, respondent_of

REASON = "Admissions from the frailty hub fell for three quarters running."
MINORITY = "Some of us read the fall as seasonal, not the new model of care."
LESSON_REASON = "Pooled budgets exist on paper, but no money has moved yet."


def report_url(assessment, name="reports-page"):
    return reverse(name, args=[assessment.pk])


def agree(assessment, user, key, current, target, rationale="Agreed at the workshop.", **more):
    return consensus_record(
        assessment=assessment,
        item=Item.objects.get(version__assessments=assessment, key=key),
        current=current,
        target=target,
        rationale=rationale,
        user=user,
        revision=0,
        **more,
    )


@pytest.fixture
def agreed_round(make_round, lead):
    """Closed. Care model was split and agreed at 2 with its reasons and a minority view; Place
    agreed at 2 (no target: it is context); lesson 8 agreed at 1 with its reasons. Nothing else
    was agreed.

    Care model is split by SCIROCCO's rule: seven more people answered, so that four of nine
    say 1 (the lead among them), two levels below the median of 3 the other five give (the
    respondent among them); the rule splits an item at four answers over a level from it. The
    seven answer 2 now, 3 as target, on every other item, which splits nothing else."""
    assessment = make_round()
    for number, current in enumerate((1, 1, 1, 3, 3, 3, 3), start=1):
        person = Respondent.objects.create(assessment=assessment, name=f"Workshop {number}")
        answer(person, {"care-model": (current, 4)})
    assessment_advance(assessment=assessment)
    agree(assessment, lead, "care-model", 2, 4, REASON, minority_view=MINORITY)
    agree(assessment, lead, "place", 2, None)
    agree(assessment, lead, "lesson-08", 1, 2, LESSON_REASON)
    return assessment_advance(assessment=assessment)


def _factor_section(page, key: str) -> str:
    found = page.html.find("section", attrs={"aria-labelledby": f"factor-{key}"})
    return " ".join(found.get_text().split())


def _text(page) -> str:
    return " ".join(page.html.get_text().split())


# --- the agreed position carries its reasons ------------------------------------------------------


def test_it_gives_the_reason_and_the_minority_view_beside_the_agreed_level(
    django_app, viewer, agreed_round
):
    page = django_app.get(report_url(agreed_round), user=viewer)
    care_model = _factor_section(page, "care-model")
    assert f"Why the team agreed level 2: {REASON}" in care_model
    assert f"Minority view: {MINORITY}" in care_model


def test_it_gives_a_lessons_reason_in_the_lessons_table(django_app, viewer, agreed_round):
    page = django_app.get(report_url(agreed_round), user=viewer)
    lessons = page.html.find("h2", id="lessons-h").find_parent("section")
    assert f"Why the team agreed level 1: {LESSON_REASON}" in " ".join(lessons.get_text().split())


def test_it_prints_the_reasons_in_the_print_version(client, viewer, agreed_round):
    client.force_login(viewer)
    html = client.get(report_url(agreed_round, "reports-print")).text
    assert REASON in html and MINORITY in html and LESSON_REASON in html


@pytest.mark.chromium
def test_it_prints_the_reasons_on_the_factor_pages_of_the_pdf(client, viewer, agreed_round, media):
    client.force_login(viewer)
    response = client.get(report_url(agreed_round, "reports-pdf"))
    pdf = PdfReader(io.BytesIO(b"".join(response.streaming_content)))
    text = " ".join(" ".join(page.extract_text() for page in pdf.pages).split())
    assert "Minority view: Some of us read the fall as seasonal" in text
    assert "Why the team agreed level 2: Admissions from the frailty hub" in text


def test_it_makes_the_pdf_anew_when_a_reason_or_minority_view_changes(agreed_round):
    before = report_build(agreed_round).digest
    Consensus.objects.filter(assessment=agreed_round, item__key="care-model").update(
        minority_view="A different view."
    )
    after_minority = report_build(agreed_round).digest
    Consensus.objects.filter(assessment=agreed_round, item__key="care-model").update(
        rationale="A different reason."
    )
    assert len({before, after_minority, report_build(agreed_round).digest}) == 3


def test_it_exports_the_reasons_with_the_agreed_levels(client, lead, agreed_round):
    client.force_login(lead)
    response = client.get(reverse("reports-export-csv"), chosen(agreed_round))
    [care_model] = [r for r in csv_rows(response) if r["item_key"] == "care-model"]
    assert (care_model["rationale"], care_model["minority_view"]) == (REASON, MINORITY)


# --- a closed round speaks of the past ---------------------------------------------------------


def test_it_tells_a_closed_rounds_splits_as_history(django_app, viewer, agreed_round):
    page = django_app.get(report_url(agreed_round), user=viewer)
    summary = " ".join(page.html.find("section", class_="report-summary").get_text().split())
    assert "Care model: answers were split (1 to 3); the team agreed level 2 after discussion" in (
        summary
    )
    assert "workshop" not in summary


def test_it_lists_the_items_closed_without_an_agreed_position(django_app, viewer, agreed_round):
    page = django_app.get(report_url(agreed_round), user=viewer)
    [listed] = page.html.select(".report-summary .agreement")
    text = " ".join(listed.get_text().split())
    assert text.startswith("No agreed position was recorded for: Impact, Focus on individuals")
    assert "Care model" not in text and "lesson 8," not in text and "lesson 7" in text


def test_it_shows_a_settled_split_as_agreed_not_as_a_problem(django_app, viewer, agreed_round):
    page = django_app.get(report_url(agreed_round), user=viewer)
    assert row(page, "Care model Split, agreed at 2")[1:3] == ["2", "4"]
    assert not page.html.select("tr .split-flag")  # the only split is settled


# --- a context factor takes no target -----------------------------------------------------------


@pytest.fixture
def round_at_consensus(make_round):
    """Both have submitted; Place answered (2, 4) by both, nothing agreed yet."""
    return assessment_advance(assessment=make_round())


def test_it_gives_the_context_factor_no_target_and_no_gap(django_app, viewer, round_at_consensus):
    page = django_app.get(report_url(round_at_consensus), user=viewer)
    assert row(page, "Place (context)")[1:4] == ["2", "—", "—"]
    assert "no target: it describes the place's circumstances" in _factor_section(page, "place")


def test_it_draws_no_target_for_the_context_factor_on_the_radar(
    django_app, viewer, round_at_consensus
):
    page = django_app.get(report_url(round_at_consensus), user=viewer)
    [target] = [t for t in figure(page, "radar-data")["data"] if t["name"] == "Target"]
    assert target["r"][1] is None  # Place, the second factor
    assert target["connectgaps"] is False


def test_it_reports_a_context_factor_agreed_without_a_target(client, viewer, agreed_round):
    client.force_login(viewer)
    assert client.get(report_url(agreed_round)).status_code == 200
    assert client.get(report_url(agreed_round, "reports-print")).status_code == 200


# --- without names --------------------------------------------------------------------------------


def test_it_labels_no_excerpt_and_orders_each_items_excerpts_its_own_way(make_round):
    assessment = assessment_advance(assessment=make_round(others=8))
    for response in Response.objects.filter(respondent__assessment=assessment).select_related(
        "respondent"
    ):
        response.evidence = f"{response.respondent.name} wrote this."
        response.save(update_fields=["evidence"])
    report = report_build(assessment)
    excerpts = [report.evidence(f.key) for f in report.factors]
    assert {who for item in excerpts for who, _ in item} == {""}
    assert len({tuple(text for _, text in item) for item in excerpts}) > 1


def test_it_shows_no_respondent_number_on_the_page(django_app, viewer, round_at_consensus):
    page = django_app.get(report_url(round_at_consensus), user=viewer)
    assert "Respondent 1" not in page.text
    assert not page.html.select(".evidence .who")


@pytest.fixture
def one_person_round(place, lead, versions):
    """A round without names that only the lead answered."""
    assessment = assessment_open(
        place=place, period="2026 Q4", versions=versions, participants=[lead]
    )
    answer(respondent_of(assessment, lead))
    return assessment_advance(assessment=assessment)


def test_it_warns_that_one_persons_answers_can_be_told_apart(django_app, viewer, one_person_round):
    page = django_app.get(report_url(one_person_round), user=viewer)
    [warning] = page.html.select(".report-summary .few-respondents")
    assert "fewer than three respondents" in warning.get_text()
    assert row(page, "Impact")[-1] == "one respondent's answer"
    assert "median of 1" not in page.text


def test_it_warns_in_the_pdf_summary_too(client, viewer, one_person_round):
    client.force_login(viewer)
    html = client.get(report_url(one_person_round, "reports-print")).text
    assert "fewer than three respondents" in html
