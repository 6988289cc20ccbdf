"""The writes: people, rounds, answers, consensus and workshop imports."""

from io import StringIO

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command

from assessment import services
from assessment.imports import ScoresFileError, check_rows, read_table
from assessment.models import (
    Assessment,
    Consensus,
    Membership,
    Respondent,
    Response,
    Role,
    RoundStatus,
    Sharing,
)
from frameworks.models import FrameworkVersion
from tests.assessment.scoring import items_by_key, named_respondent, respondent_of, score
from tests.frameworks.files import as_draft, matrix_data, write_framework

pytestmark = pytest.mark.django_db

BASE_URL = "https://maturity.example.org"


def _at_consensus(assessment):
    return services.assessment_advance(assessment=assessment)


def _rows(assessment, csv_text):
    versions = list(assessment.framework_versions.all())
    return check_rows(read_table("scores.csv", csv_text.encode()), versions)


# member_add


def test_it_adds_a_new_person_and_emails_them_a_link_to_set_a_password(place):
    added = services.member_add(
        place=place, email=" Grace.Okafor@Riverside.example.org ", name="Grace Okafor",
        role=Role.RESPONDENT, base_url=BASE_URL,
    )  # fmt: skip
    person = added.membership.user
    assert added.invited.sent == ["grace.okafor@riverside.example.org"]
    assert (person.email, person.first_name, person.last_name) == (
        "grace.okafor@riverside.example.org", "Grace", "Okafor",
    )  # fmt: skip
    assert not person.has_usable_password()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["grace.okafor@riverside.example.org"]
    assert "Riverside Borough" in message.subject
    assert f"{BASE_URL}/accounts/reset/" in message.body


def test_it_adds_someone_who_already_has_an_account_and_emails_them(place, outsider):
    added = services.member_add(
        place=place,
        email=outsider.email.upper(),
        name="Ian Walker",
        role=Role.VIEWER,
        base_url=BASE_URL,
    )
    assert added.membership.user == outsider
    assert outsider.memberships.count() == 2
    # Told as anyone new is, so the lead cannot learn whether the address had an account.
    assert added.invited.sent == [outsider.email]
    assert [m.to for m in mail.outbox] == [[outsider.email]]


def test_it_refuses_to_add_a_member_twice(place, respondent):
    with pytest.raises(ValidationError, match="already a member of Riverside Borough"):
        services.member_add(
            place=place, email=respondent.email, name="Tom Hughes", role=Role.LEAD,
            base_url=BASE_URL,
        )  # fmt: skip
    assert Membership.objects.get(place=place, user=respondent).role == Role.RESPONDENT
    assert mail.outbox == []


def test_it_takes_leads_and_respondents_but_not_viewers_as_default_participants(
    place, lead, respondent, viewer
):
    assert set(services.participants_default(place)) == {lead, respondent}


# assessment_open


def test_it_opens_a_round_pinned_to_the_versions_with_a_respondent_per_participant(
    place, lead, respondent, versions
):
    assessment = services.assessment_open(
        place=place, period="2026 Q4", versions=versions, participants=[lead, respondent],
        show_names=True, user=lead,
    )  # fmt: skip
    assert assessment.status == RoundStatus.OPEN
    assert set(assessment.framework_versions.all()) == set(versions)
    assert sorted(assessment.respondents.values_list("name", flat=True)) == [
        "Priya Shah", "Tom Hughes",
    ]  # fmt: skip
    assert assessment.show_names and assessment.created_by == lead


def test_it_refuses_a_round_scored_against_a_draft_version(place, versions, tmp_path):
    draft = write_framework(tmp_path, as_draft(matrix_data(), "2.0"))
    call_command("load_frameworks", str(draft), stdout=StringIO())
    draft_version = FrameworkVersion.objects.get(version="2.0")
    with pytest.raises(ValidationError, match="published framework versions"):
        services.assessment_open(
            place=place, period="2026 Q4", versions=[draft_version, versions[1]], participants=[]
        )
    assert not Assessment.objects.filter(place=place).exists()


def test_it_refuses_a_second_round_with_the_same_period_in_a_place(open_round, versions):
    with pytest.raises(ValidationError, match="already has a round called '2026 Q4'"):
        services.assessment_open(
            place=open_round.place, period="2026 Q4", versions=versions, participants=[]
        )


def test_it_allows_the_same_period_in_another_place(open_round, other_place, versions):
    other = services.assessment_open(
        place=other_place, period="2026 Q4", versions=versions, participants=[]
    )
    assert other.pk != open_round.pk


# assessment_advance and assessment_share


def test_it_moves_a_round_from_open_to_consensus_to_closed(open_round):
    services.assessment_advance(assessment=open_round)
    assert open_round.status == RoundStatus.CONSENSUS
    services.assessment_advance(assessment=open_round)
    open_round.refresh_from_db()
    assert open_round.status == RoundStatus.CLOSED


def test_it_keeps_a_closed_round_closed(open_round):
    Assessment.objects.filter(pk=open_round.pk).update(status=RoundStatus.CLOSED)
    open_round.refresh_from_db()
    with pytest.raises(ValidationError, match="closed"):
        services.assessment_advance(assessment=open_round)


def test_it_refuses_to_advance_from_a_status_someone_else_has_already_moved_on(open_round):
    stale = Assessment.objects.get(pk=open_round.pk)
    services.assessment_advance(assessment=open_round)
    with pytest.raises(ValidationError, match="already moved on: it is now consensus"):
        services.assessment_advance(assessment=stale)
    open_round.refresh_from_db()
    assert open_round.status == RoundStatus.CONSENSUS


def test_it_shares_only_a_closed_round(open_round):
    with pytest.raises(ValidationError, match="Only a closed round"):
        services.assessment_share(assessment=open_round, sharing=Sharing.NAMED)
    Assessment.objects.filter(pk=open_round.pk).update(status=RoundStatus.CLOSED)
    open_round.refresh_from_db()
    services.assessment_share(assessment=open_round, sharing=Sharing.ANONYMOUS)
    open_round.refresh_from_db()
    assert open_round.sharing == Sharing.ANONYMOUS


# responses_save, response_reopen, respondent_for_user


def test_it_saves_a_draft_and_counts_only_the_items_that_changed(open_round, respondent):
    me = respondent_of(open_round, respondent)
    items = items_by_key(open_round)
    draft = {items["impact"]: services.Answer(2, 3, "Admissions fell 6%.", "high")}
    assert services.responses_save(respondent=me, answers=draft) == 1
    assert services.responses_save(respondent=me, answers=draft) == 0
    saved = Response.objects.get(respondent=me)
    assert (saved.current, saved.target, saved.evidence, saved.confidence) == (
        2, 3, "Admissions fell 6%.", "high",
    )  # fmt: skip
    me.refresh_from_db()
    assert not me.is_submitted


def test_it_submits_when_every_item_has_a_current_level(open_round, respondent):
    me = score(respondent_of(open_round, respondent), submit=True)
    assert me.is_submitted
    assert Response.objects.filter(respondent=me).count() == 25


def test_it_refuses_an_incomplete_submission_naming_how_many_are_left(open_round, respondent):
    me = respondent_of(open_round, respondent)
    keys = list(items_by_key(open_round))
    with pytest.raises(ValidationError, match="3 still to do"):
        score(me, only=keys[:22], submit=True)
    me.refresh_from_db()
    assert not me.is_submitted


def test_it_refuses_changes_to_submitted_answers_until_they_are_reopened(open_round, respondent):
    me = score(respondent_of(open_round, respondent), current=2)
    with pytest.raises(ValidationError, match="reopen them"):
        score(me, current=3, submit=False)
    services.response_reopen(respondent=me)
    score(me, current=3, submit=False)
    assert set(Response.objects.filter(respondent=me).values_list("current", flat=True)) == {3}


def test_it_refuses_answers_once_scoring_has_ended(open_round, respondent):
    me = respondent_of(open_round, respondent)
    _at_consensus(open_round)
    me.refresh_from_db()
    with pytest.raises(ValidationError, match="Scoring has ended"):
        score(me, submit=False)
    assert not Response.objects.filter(respondent=me).exists()


def test_it_refuses_to_reopen_answers_once_scoring_has_ended(open_round, respondent):
    me = score(respondent_of(open_round, respondent))
    _at_consensus(open_round)
    me.refresh_from_db()
    with pytest.raises(ValidationError, match="Scoring has ended"):
        services.response_reopen(respondent=me)
    me.refresh_from_db()
    assert me.is_submitted


def test_it_keeps_a_history_of_every_change_to_an_answer(open_round, respondent):
    me = respondent_of(open_round, respondent)
    score(me, only=["impact"], current=1, submit=False)
    score(me, only=["impact"], current=2, submit=False)
    history = Response.history.filter(respondent=me).order_by("history_date")
    assert [(h.history_type, h.current) for h in history] == [("+", 1), ("~", 2)]


def test_it_lets_a_member_who_was_not_listed_join_the_round(open_round, make_person, place):
    newcomer = make_person("asha.patel@riverside.example.org", "Asha", "Patel")
    Membership.objects.create(user=newcomer, place=place, role=Role.RESPONDENT)
    joined = services.respondent_for_user(assessment=open_round, user=newcomer)
    assert joined.name == "Asha Patel"
    assert services.respondent_for_user(assessment=open_round, user=newcomer) == joined


def test_it_tells_apart_two_people_with_the_same_name(open_round, make_person):
    named_respondent(open_round, "Asha Patel")
    namesake = make_person("asha.patel2@riverside.example.org", "Asha", "Patel")
    joined = services.respondent_for_user(assessment=open_round, user=namesake)
    assert joined.name == "Asha Patel (asha.patel2@riverside.example.org)"


# consensus_record


def test_it_records_consensus_only_while_the_round_is_at_consensus(open_round, lead):
    impact = items_by_key(open_round)["impact"]
    with pytest.raises(ValidationError, match="only while the round is at consensus"):
        services.consensus_record(
            assessment=open_round, item=impact, current=2, target=3, rationale="Agreed.",
            user=lead, revision=0,
        )  # fmt: skip
    assert not Consensus.objects.exists()


def test_it_records_and_then_revises_the_agreed_position(open_round, lead):
    _at_consensus(open_round)
    impact = items_by_key(open_round)["impact"]
    first = services.consensus_record(
        assessment=open_round, item=impact, current=2, target=3, rationale="Agreed.",
        user=lead, revision=0,
    )  # fmt: skip
    assert first.revision == 1
    again = services.consensus_record(
        assessment=open_round, item=impact, current=3, target=4, rationale="On reflection.",
        user=lead, revision=1,
    )  # fmt: skip
    again.refresh_from_db()
    assert (again.current, again.target, again.rationale, again.revision) == (
        3, 4, "On reflection.", 2,
    )  # fmt: skip
    assert Consensus.history.filter(item=impact).count() == 2


def test_it_refuses_a_save_drawn_from_an_older_revision_and_keeps_the_other_one(
    open_round, lead, staff
):
    _at_consensus(open_round)
    impact = items_by_key(open_round)["impact"]
    services.consensus_record(
        assessment=open_round, item=impact, current=2, target=3, rationale="Priya's view.",
        user=lead, revision=0,
    )  # fmt: skip
    with pytest.raises(services.ConsensusConflict) as clash:
        services.consensus_record(
            assessment=open_round, item=impact, current=4, target=4, rationale="Alex's view.",
            user=staff, revision=0,
        )  # fmt: skip
    assert (clash.value.current.current, clash.value.current.recorded_by) == (2, lead)
    kept = Consensus.objects.get(assessment=open_round, item=impact)
    assert (kept.current, kept.rationale, kept.revision) == (2, "Priya's view.", 1)


def test_it_refuses_to_revise_a_consensus_that_has_gone(open_round, lead):
    _at_consensus(open_round)
    with pytest.raises(ValidationError, match="has gone"):
        services.consensus_record(
            assessment=open_round, item=items_by_key(open_round)["impact"], current=2, target=3,
            rationale="Agreed.", user=lead, revision=4,
        )  # fmt: skip
    assert not Consensus.objects.exists()


# scores_import

WORKSHOP = """respondent,framework,item,current,target,evidence
Grace Okafor,lga-maturity-matrix,impact,2,3,Admissions fell.
Grace Okafor,kingsfund-16-lessons,lesson-01,1,2,
Dan Reilly,lga-maturity-matrix,impact,3,4,
"""


def test_it_imports_workshop_rows_as_answers_of_new_respondents(open_round):
    summary = services.scores_import(
        assessment=open_round,
        rows=_rows(open_round, WORKSHOP),
        add_respondents=True,
        mark_submitted=["grace okafor"],
    )
    assert str(summary) == (
        "3 scores from 2 respondents (2 new); not marked as submitted, as their answers "
        "leave items out: Dan Reilly"
    )
    grace = Respondent.objects.get(assessment=open_round, name="Grace Okafor")
    assert grace.imported and grace.is_submitted
    assert sorted(grace.responses.values_list("item__key", "current", "target")) == [
        ("impact", 2, 3), ("lesson-01", 1, 2),
    ]  # fmt: skip


def test_it_imports_into_the_existing_respondent_matched_by_name_or_email(open_round, respondent):
    named_respondent(open_round, "Dana Reilly")
    rows = _rows(
        open_round,
        "respondent,framework,item,current\n"
        f"{respondent.email.upper()},lga-maturity-matrix,impact,2\n"
        f"{respondent.email},kingsfund-16-lessons,lesson-01,1\n"
        "dana reilly,lga-maturity-matrix,impact,3\n",
    )
    summary = services.scores_import(
        assessment=open_round, rows=rows, mark_submitted=[respondent.email]
    )
    assert summary.created_respondents == 0
    me = respondent_of(open_round, respondent)
    assert me.responses.count() == 2 and me.is_submitted
    assert Respondent.objects.filter(assessment=open_round).count() == 3


def test_it_refuses_names_the_round_lacks_unless_asked_to_add_them(open_round):
    with pytest.raises(ScoresFileError) as refused:
        services.scores_import(assessment=open_round, rows=_rows(open_round, WORKSHOP))
    assert [str(e) for e in refused.value.errors] == [
        "line 2: Grace Okafor is not taking part in this round",
        "line 4: Dan Reilly is not taking part in this round",
    ]
    assert not Response.objects.exists()


def test_it_replaces_earlier_imported_scores_rather_than_adding_to_them(open_round):
    services.scores_import(
        assessment=open_round, rows=_rows(open_round, WORKSHOP), add_respondents=True
    )
    summary = services.scores_import(
        assessment=open_round, rows=_rows(open_round, WORKSHOP.replace(",2,3,", ",4,4,"))
    )
    assert summary.created_respondents == 0
    grace = Respondent.objects.get(assessment=open_round, name="Grace Okafor")
    assert grace.responses.get(item__key="impact").current == 4
    assert Response.objects.filter(respondent__assessment=open_round).count() == 3
    assert Response.history.filter(respondent=grace, item__key="impact").count() == 2


def test_it_refuses_to_import_into_a_closed_round(open_round):
    Assessment.objects.filter(pk=open_round.pk).update(status=RoundStatus.CLOSED)
    open_round.refresh_from_db()
    with pytest.raises(ValidationError, match="closed"):
        services.scores_import(assessment=open_round, rows=_rows(open_round, WORKSHOP))
    assert not Response.objects.exists()
