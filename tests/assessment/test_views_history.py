"""The history of a round, for its lead: who changed what, from what to what. An answer's
changes name who made them only to that person."""

from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse

from assessment.history import VALUES_NOT_SHOWN, round_history
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


@pytest.fixture
def led_round(place, lead, respondent, versions):
    """Open for scoring, with Tom taking part; Priya leads it without taking part."""
    from assessment.services import assessment_open

    return assessment_open(
        place=place, period="2026 Q4", versions=versions, participants=[respondent], user=lead
    )


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


def test_it_shows_the_lead_that_an_answer_changed_but_not_whose_or_to_what_without_names(
    django_app, respondent, lead, led_round
):
    _save_impact(django_app, respondent, led_round, "1")
    _save_impact(django_app, respondent, led_round, "3")
    answers = [r for r in _rows(django_app, lead, led_round) if "answer on Impact" in r[2]]
    assert [r[1:] for r in answers] == [
        ["Not shown", "An answer on Impact changed", VALUES_NOT_SHOWN],
        ["Not shown", "An answer on Impact added", VALUES_NOT_SHOWN],
    ]


def test_it_shows_a_person_their_own_answer_s_changes_by_name(
    django_app, respondent, lead, open_round
):
    _save_impact(django_app, respondent, open_round, "1")
    _save_impact(django_app, respondent, open_round, "3")
    mine = round_history(open_round, reader=respondent)
    assert [(c.who, c.subject, c.action, c.fields) for c in mine if "Impact" in c.subject] == [
        ("Tom Hughes", "Your answer on Impact", "changed", [("Current", "1", "3")]),
        ("Tom Hughes", "Your answer on Impact", "added", [("Current", "", "1")]),
    ]
    theirs = round_history(open_round, reader=lead)
    assert "Tom Hughes" not in {c.who for c in theirs if "Impact" in c.subject}


def test_it_shows_evidence_and_rationale_changes_in_full(lead, respondent, open_round, django_app):
    # A round with names: the values of an answer's change are shown, but not whose it was.
    Assessment.objects.filter(pk=open_round.pk).update(show_names=True)
    open_round.refresh_from_db()
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
        minority_view="Two of us would say 2.",
        user=lead,
        revision=1,
    )
    rows = _rows(django_app, lead, open_round)
    changes = [" | ".join(r[2:]) for r in rows]
    assert (
        "An answer on Impact changed | Evidence: Board papers, March. → Board papers, June."
        in changes
    )
    assert not [r for r in rows if "Tom Hughes" in " ".join(r) and "takes part" not in r[2]]
    assert (
        "Agreed position on Impact changed | Current: 2 → 3 Rationale: First view. → "
        "Second view. Minority view: — → Two of us would say 2." in changes
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


def test_it_marks_imported_answers_as_saved_by_an_import(django_app, lead, led_round):
    csv = b"respondent,framework,item,current\nGrace Okafor,lga-maturity-matrix,impact,2\n"
    rows = check_rows(read_table("s.csv", csv), list(led_round.framework_versions.all()))
    scores_import(assessment=led_round, rows=rows, add_respondents=True)
    answers = [r for r in _rows(django_app, lead, led_round) if "answer on Impact" in r[2]]
    assert answers[0][1:] == ["Import or system", "An answer on Impact added", VALUES_NOT_SHOWN]


def test_it_reads_the_history_in_the_same_queries_however_long(
    django_app, lead, respondent, led_round, django_assert_num_queries
):
    for level in "1234":
        _save_impact(django_app, respondent, led_round, level)
    url = reverse("assessment-history", args=[led_round.pk])
    django_app.get(url, user=lead)
    # session, user, round with place, my role, whether I take part (the round is open); then
    # the round's, participants', current respondents', answers' and agreed positions' history
    with django_assert_num_queries(10):
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
