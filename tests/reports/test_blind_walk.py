"""Blind until you have answered: every surface that shows a round's team figures, walked as
every kind of reader at each stage of a round (as assessment/disclosure.py sets out).

A peer has submitted answers whose evidence carries a marker. While the round is open, a person
taking part who has not submitted, and a member not taking part, meet a page that says why
(403) on every surface; after submitting, a respondent sees the team's figures; a lead who does
not take part prepares from them; once scoring ends every member sees them.
"""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from assessment.models import Membership, Respondent, Role
from assessment.services import (
    Answer,
    assessment_advance,
    assessment_edit,
    assessment_open,
    responses_save,
)
from tests.assessment.scoring import items_by_key, respondent_of, score

pytestmark = pytest.mark.django_db

MARKER = "Peer-only evidence: the pooled budget covers 40% of spend"
SHOWN, WITHHELD, REFUSED, HIDDEN = "shown", "withheld", "refused", "hidden"
SURFACES = (
    "reports-page",
    "reports-print",
    "reports-pdf",
    "assessment-api",
    "assessment-consensus",
    "assessment-consensus-item",
    "assessment-history",
    "assessment-actions",
    "assessment-actions-csv",
    "assessment-actions-xlsx",
    "assessment-actions-api",
    "assessment-action-new",
)
READERS = ("respondent", "lead taking part", "lead not taking part", "viewer", "analyst", "staff")
LEAD_ONLY = {"assessment-history", "assessment-action-new"}


def _everywhere(outcome: str, **exceptions) -> dict:
    return {surface: exceptions.get(surface.replace("-", "_"), outcome) for surface in SURFACES}


def _member_rules(outcome: str) -> dict:
    """What a respondent or a board viewer meets: lead-only pages refuse them outright."""
    return _everywhere(outcome, assessment_history=REFUSED, assessment_action_new=REFUSED)


@pytest.fixture
def readers(lead, respondent, viewer, analyst, staff, make_person, place):
    facilitator = make_person("fay.cole@riverside.example.org", "Fay", "Cole")
    Membership.objects.create(user=facilitator, place=place, role=Role.LEAD)
    return {
        "respondent": respondent,
        "lead taking part": lead,
        "lead not taking part": facilitator,
        "viewer": viewer,
        "analyst": analyst,
        "staff": staff,
    }


@pytest.fixture
def round_(place, lead, respondent, versions, readers):
    """Open, with the lead and the respondent taking part; a workshop peer has submitted."""
    assessment = assessment_open(
        place=place, period="2026 Q4", versions=versions, participants=[lead, respondent]
    )
    peer = Respondent.objects.create(assessment=assessment, name="Grace Okafor")
    answers = {item: Answer(3, 4, evidence=MARKER) for item in items_by_key(assessment).values()}
    responses_save(respondent=peer, answers=answers, submit=True)
    return assessment


def _url(name: str, assessment) -> str:
    if name == "assessment-consensus-item":
        item = items_by_key(assessment)["impact"]
        return reverse(name, args=[assessment.pk, item.pk])
    return reverse(name, args=[assessment.pk])


def _body(response) -> bytes:
    if response.streaming:  # a PDF or workbook
        return b"".join(response.streaming_content)
    return response.content


def _outcome(response) -> str:
    body = _body(response).decode(errors="replace")
    if response.status_code == 404:
        return HIDDEN
    if response.status_code == 403:
        return WITHHELD if "The team's answers are shown once" in body else REFUSED
    if response.status_code == 200:
        return SHOWN
    return str(response.status_code)


def _walk(client, readers, assessment) -> dict:
    met = {}
    for reader, user in readers.items():
        client.force_login(user)
        met[reader] = {}
        for surface in SURFACES:
            response = client.get(_url(surface, assessment))
            met[reader][surface] = _outcome(response)
            if met[reader][surface] != SHOWN:
                assert MARKER.encode() not in _body(response), (reader, surface)
    return met


@pytest.fixture
def pdfs(fake_render, media):
    return fake_render


def test_it_shows_no_team_figure_to_anyone_taking_part_before_they_submit(
    client, readers, round_, pdfs
):
    assert _walk(client, readers, round_) == {
        "respondent": _member_rules(WITHHELD),
        "lead taking part": _everywhere(WITHHELD),
        "lead not taking part": _everywhere(SHOWN),
        "viewer": _member_rules(WITHHELD),
        "analyst": _everywhere(HIDDEN),
        "staff": _everywhere(SHOWN),
    }


def test_it_reveals_the_team_s_answers_to_a_respondent_once_they_have_submitted(
    client, readers, round_, respondent, pdfs
):
    score(respondent_of(round_, respondent))
    met = _walk(client, readers, round_)
    # The consensus pages are the facilitator's while scoring is open.
    assert met["respondent"] == _member_rules(SHOWN) | {
        "assessment-consensus": REFUSED,
        "assessment-consensus-item": REFUSED,
    }
    assert met["lead taking part"] == _everywhere(WITHHELD)
    assert met["viewer"] == _member_rules(WITHHELD)


def test_it_holds_a_lead_who_takes_part_to_the_same_rule(client, readers, round_, lead, pdfs):
    score(respondent_of(round_, lead))
    assert _walk(client, readers, round_)["lead taking part"] == _everywhere(SHOWN)


def test_it_shows_every_member_the_team_s_figures_once_scoring_has_ended(
    client, readers, round_, pdfs
):
    assessment_advance(assessment=round_)
    assert _walk(client, readers, round_) == {
        "respondent": _member_rules(SHOWN),
        "lead taking part": _everywhere(SHOWN),
        "lead not taking part": _everywhere(SHOWN),
        "viewer": _member_rules(SHOWN),
        "analyst": _everywhere(HIDDEN),
        "staff": _everywhere(SHOWN),
    }


def test_it_shows_the_peer_s_evidence_once_revealed(client, readers, round_):
    assessment_advance(assessment=round_)
    client.force_login(readers["respondent"])
    response = client.get(_url("assessment-consensus-item", round_))
    assert MARKER in response.content.decode()


def test_it_lets_only_leads_record_an_agreed_position(client, readers, round_):
    assessment_advance(assessment=round_)
    client.force_login(readers["respondent"])
    url = _url("assessment-consensus-item", round_)
    response = client.post(url, {"current": 2, "target": 3, "rationale": "We agree", "revision": 0})
    assert response.status_code == 403
    assert not round_.consensus.exists()


def test_it_tells_someone_waiting_how_many_have_submitted_and_how_to_score(
    client, round_, respondent
):
    client.force_login(respondent)
    page = client.get(reverse("reports-page", args=[round_.pk])).content.decode()
    assert "once you have submitted your own" in page
    assert "So far 1 of 3 taking part has submitted" in page
    assert reverse("assessment-respond", args=[round_.pk]) in page


def test_it_keeps_the_round_page_and_home_to_progress_while_open(client, readers, round_):
    for user in readers.values():
        client.force_login(user)
        for url in (reverse("home"), reverse("assessment-detail", args=[round_.pk])):
            assert MARKER.encode() not in client.get(url).content


def test_it_tells_a_lead_who_does_not_take_part_that_they_see_answers_to_prepare(
    client, readers, round_
):
    for name in ("Dan Reilly", "Sam Ahmed"):  # enough answers that none can be told apart
        crowd = Respondent.objects.create(assessment=round_, name=name)
        answers = {item: Answer(2, 3) for item in items_by_key(round_).values()}
        responses_save(respondent=crowd, answers=answers, submit=True)
    client.force_login(readers["lead not taking part"])
    for page in ("assessment-consensus", "assessment-consensus-item"):
        assert "You are not taking part in this round" in client.get(_url(page, round_)).text
    client.force_login(readers["staff"])
    page = client.get(reverse("assessment-consensus", args=[round_.pk])).content.decode()
    assert "You are not taking part in this round" not in page


def test_it_lets_no_lead_who_has_seen_the_answers_join_the_scoring(client, readers, round_):
    facilitator = readers["lead not taking part"]
    client.force_login(facilitator)
    impact = items_by_key(round_)["impact"]
    url = reverse("assessment-respond", args=[round_.pk]) + "?item=1"
    response = client.post(url, {f"i{impact.pk}_current": "3", "revision": "0"}, follow=True)
    assert "cannot take part now" in response.text
    assert not round_.respondents.filter(user=facilitator).exists()


def test_it_lets_no_lead_step_out_to_look_and_back_in_to_score(client, lead, respondent, round_):
    assessment_edit(assessment=round_, deadline=None, participants=[respondent])
    client.force_login(lead)
    assert client.get(reverse("reports-page", args=[round_.pk])).status_code == 200  # preparing
    with pytest.raises(ValidationError, match="cannot take part now"):
        assessment_edit(assessment=round_, deadline=None, participants=[respondent, lead])
    assert not round_.respondents.filter(user=lead).exists()


def test_it_never_puts_an_open_round_in_a_comparison_or_its_exports(client, readers, round_):
    chosen = f"?assessment={round_.pk}"
    for user in readers.values():
        client.force_login(user)
        page = client.get(reverse("reports-compare") + chosen).text
        assert MARKER not in page and "distribution-data" not in page
        rows = _body(client.get(reverse("reports-export-csv") + chosen)).decode().splitlines()
        assert len(rows) == 1  # the header alone: scoring has not ended, so nothing to compare
