"""The history of a round, for its lead: who changed what, from what to what, by name."""

from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse

from assessment.imports import check_rows, read_table
from assessment.models import Assessment, RoundStatus
from assessment.services import (
    Answer,
    assessment_advance,
    assessment_edit,
    consensus_record,
    responses_save,
    scores_import,
)
from tests.assessment.scoring import items_by_key, respondent_of

pytestmark = pytest.mark.django_db


def _rows(django_app, lead, assessment):
    page = django_app.get(reverse("assessment-history", args=[assessment.pk]), user=lead)
    return [
        [cell.get_text(" ", strip=True) for cell in row.select("td")]
        for row in page.html.select("tbody tr")
    ]


def _save_impact(django_app, user, assessment, level):
    page = django_app.get(reverse("assessment-respond", args=[assessment.pk]), user=user)
    form = next(f for f in page.forms.values() if "revision" in f.fields)
    form[f"i{items_by_key(assessment)['impact'].pk}_current"] = level
    form.submit("action", value="save", user=user)


def test_it_shows_each_change_to_an_answer_by_name_from_old_to_new(
    django_app, respondent, lead, open_round
):
    _save_impact(django_app, respondent, open_round, "1")
    _save_impact(django_app, respondent, open_round, "3")
    answers = [r for r in _rows(django_app, lead, open_round) if "answer on Impact" in r[2]]
    assert [r[1:] for r in answers] == [
        ["Tom Hughes", "Tom Hughes’s answer on Impact changed", "Current: 1 → 3"],
        ["Tom Hughes", "Tom Hughes’s answer on Impact added", "Current: 1"],
    ]


def test_it_shows_evidence_and_rationale_changes_in_full(lead, respondent, open_round, django_app):
    me = respondent_of(open_round, respondent)
    impact = items_by_key(open_round)["impact"]
    responses_save(respondent=me, answers={impact: Answer(2, 3, "Board papers, March.")})
    responses_save(respondent=me, answers={impact: Answer(2, 3, "Board papers, June.")})
    assessment_advance(assessment=open_round)
    consensus_record(
        assessment=open_round,
        item=impact,
        current=2,
        target=3,
        rationale="First view.",
        user=lead,
        revision=0,
    )
    consensus_record(
        assessment=open_round,
        item=impact,
        current=3,
        target=3,
        rationale="Second view.",
        user=lead,
        revision=1,
    )
    changes = [" | ".join(r[2:]) for r in _rows(django_app, lead, open_round)]
    assert (
        "Tom Hughes’s answer on Impact changed | Evidence: Board papers, March. → "
        "Board papers, June." in changes
    )
    assert (
        "Agreed position on Impact changed | Current: 2 → 3 Rationale: First view. → "
        "Second view." in changes
    )


def test_it_shows_status_deadline_and_participant_changes(django_app, lead, respondent, open_round):
    soon = date.today() + timedelta(days=10)
    assessment_edit(assessment=open_round, deadline=soon, participants=[lead])
    assessment_advance(assessment=open_round)
    changes = [" | ".join(r[2:]) for r in _rows(django_app, lead, open_round)]
    assert "The round changed | Status: Open for scoring → Consensus" in changes
    assert f"The round changed | Deadline: — → {soon:%-d %b %Y}" in changes
    assert "Tom Hughes takes part removed | Name: Tom Hughes" in changes
    assert "Tom Hughes takes part added | Name: Tom Hughes" in changes


def test_it_marks_imported_answers_as_saved_by_an_import(django_app, lead, open_round):
    csv = b"respondent,framework,item,current\nGrace Okafor,lga-maturity-matrix,impact,2\n"
    rows = check_rows(read_table("s.csv", csv), list(open_round.framework_versions.all()))
    scores_import(assessment=open_round, rows=rows, add_respondents=True)
    answers = [r for r in _rows(django_app, lead, open_round) if "answer on Impact" in r[2]]
    assert answers[0][1:] == [
        "Import or system",
        "Grace Okafor’s answer on Impact added",
        "Current: 2",
    ]


def test_it_reads_the_history_in_the_same_queries_however_long(
    django_app, lead, respondent, open_round, django_assert_num_queries
):
    for level in "1234":
        _save_impact(django_app, respondent, open_round, level)
    url = reverse("assessment-history", args=[open_round.pk])
    django_app.get(url, user=lead)
    # session, user, round with place, my role; then the round's, participants', current
    # respondents', answers' and agreed positions' history
    with django_assert_num_queries(9):
        django_app.get(url)


def test_it_shows_the_history_of_the_demo_s_rounds(django_app):
    call_command("seed_demo", verbosity=0)
    closed = Assessment.objects.get(place__code="riverside", status=RoundStatus.CLOSED)
    lead = closed.place.memberships.get(role="lead").user
    changes = [" | ".join(r[2:]) for r in _rows(django_app, lead, closed)]
    assert any(c.startswith("Agreed position on Impact added") for c in changes)
    assert any("answer on Impact added" in c for c in changes)


def test_it_is_for_the_lead_only(client, respondent, open_round):
    client.force_login(respondent)
    assert client.get(reverse("assessment-history", args=[open_round.pk])).status_code == 403
