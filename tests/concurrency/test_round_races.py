"""A facilitator can trust the round's state: racing requests never skip a step, never fail,
and never land anything in a round that has moved on."""

import pytest
import simple_history.utils
from django.db.models import Sum
from django.test import Client
from django.urls import reverse

from assessment import services
from assessment.imports import check_rows, read_table
from assessment.models import (
    Assessment,
    Consensus,
    Membership,
    Respondent,
    Response,
    Role,
    RoundStatus,
)
from frameworks.models import Item
from reports.models import RoundItemResult, RoundReliability
from reports.reliability_kept import round_reliability_keep
from tests.assessment.scoring import items_by_key, respondent_of, score
from tests.concurrency.conftest import race, slowed

pytestmark = pytest.mark.django_db(transaction=True)

CLOSE_AFTER = 0.3  # seconds: the close starts while the slowed write is still in progress


def _signed_in(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def _results_match_the_answers(round_: Assessment) -> None:
    """What a closed round keeps for comparisons counts every answer it holds."""
    stored = RoundItemResult.objects.filter(assessment=round_).aggregate(n=Sum("responses"))["n"]
    held = Response.objects.filter(
        respondent__assessment=round_, respondent__submitted_at__isnull=False
    ).count()
    assert stored == held


def test_it_moves_a_round_one_step_when_two_leads_advance_at_once(lead, staff, open_round):
    url = reverse("assessment-advance", args=[open_round.pk])
    clients = [_signed_in(lead), _signed_in(staff), _signed_in(lead)]
    confirmed = {"status": RoundStatus.OPEN, "confirm": "True"}  # as the confirmation page posts
    outcomes = race(*[lambda c=c: c.post(url, confirmed) for c in clients])
    assert [o.error for o in outcomes] == [None] * 3
    assert [o.value.status_code for o in outcomes] == [302] * 3
    open_round.refresh_from_db()
    assert open_round.status == RoundStatus.CONSENSUS
    assert open_round.history.filter(status=RoundStatus.CONSENSUS).count() == 1


def test_it_saves_ten_simultaneous_first_drafts_without_an_error(make_person, place, open_round):
    # Someone who joins the round on their first save: their respondent record does not exist.
    newcomer = make_person("noor@riverside.example.org", "Noor", "Ali")
    Membership.objects.create(user=newcomer, place=place, role=Role.RESPONDENT)
    impact = items_by_key(open_round)["impact"]
    url = reverse("assessment-respond", args=[open_round.pk])
    tabs = [(_signed_in(newcomer), level) for level in [1, 2, 3, 4] * 2 + [1, 2]]
    posts = [
        lambda c=client, level=level: c.post(
            url, {f"i{impact.pk}_current": str(level), "action": "save", "revision": "0"}
        )
        for client, level in tabs
    ]
    outcomes = race(*posts)
    assert [o.error for o in outcomes] == [None] * 10
    codes = sorted(o.value.status_code for o in outcomes)
    assert set(codes) <= {302, 409}, codes  # saved, or shown the clash: never a 500
    assert 302 in codes
    assert Respondent.objects.filter(assessment=open_round, user=newcomer).count() == 1
    assert Response.objects.filter(respondent__user=newcomer).count() == 1


def test_it_refuses_a_draft_that_races_the_end_of_scoring(
    monkeypatch, lead, respondent, open_round
):
    slowed(simple_history.utils, "bulk_create_with_history", 1.0, monkeypatch)
    me = respondent_of(open_round, respondent)
    impact = items_by_key(open_round)["impact"]
    outcomes = race(
        lambda: services.responses_save(
            respondent=me, answers={impact: services.Answer(current=2, target=3)}
        ),
        lambda: services.assessment_advance(assessment=Assessment.objects.get(pk=open_round.pk)),
        stagger=CLOSE_AFTER,
    )
    assert [o.error for o in outcomes] == [None, None], "the save went first and the end waited"
    ended = open_round.history.get(status=RoundStatus.CONSENSUS).history_date
    saved = Response.history.filter(respondent=me).latest("history_date").history_date
    assert saved < ended, "no answer may be written after scoring has ended"


def test_it_keeps_a_consensus_saved_while_the_round_closes(
    monkeypatch, lead, respondent, open_round
):
    score(respondent_of(open_round, respondent))
    services.assessment_advance(assessment=open_round)
    impact = items_by_key(open_round)["impact"]
    slowed(Consensus.objects, "create", 1.0, monkeypatch)
    outcomes = race(
        lambda: services.consensus_record(
            assessment=open_round,
            item=impact,
            current=4,
            target=4,
            rationale="Agreed.",
            user=lead,
            revision=0,
        ),
        lambda: services.assessment_advance(assessment=Assessment.objects.get(pk=open_round.pk)),
        stagger=CLOSE_AFTER,
    )
    assert [o.error for o in outcomes] == [None, None]
    kept = RoundItemResult.objects.get(assessment=open_round, item=impact)
    assert (kept.agreed_current, kept.current) == (4, 4), "the closed round keeps the agreement"


def test_it_lands_nothing_in_a_round_closed_during_an_import(
    monkeypatch, lead, respondent, open_round
):
    score(respondent_of(open_round, respondent))
    services.assessment_advance(assessment=open_round)  # imports still welcome at consensus
    items = Item.objects.filter(version__assessments=open_round).select_related(
        "version__framework"
    )
    sheet = "respondent,framework,item,current\n" + "".join(
        f"Person {n},{item.version.framework.slug},{item.key},2\n"
        for n in range(40)
        for item in items
    )
    rows = check_rows(
        read_table("s.csv", sheet.encode()), list(open_round.framework_versions.all())
    )
    slowed(simple_history.utils, "bulk_create_with_history", 1.0, monkeypatch)
    outcomes = race(
        lambda: services.scores_import(assessment=open_round, rows=rows, add_respondents=True),
        lambda: services.assessment_advance(assessment=Assessment.objects.get(pk=open_round.pk)),
        stagger=CLOSE_AFTER,
    )
    assert [o.error for o in outcomes] == [None, None]
    open_round.refresh_from_db()
    assert open_round.status == RoundStatus.CLOSED
    assert Response.objects.filter(respondent__assessment=open_round).count() == 25 + 40 * 25
    _results_match_the_answers(open_round)


def test_it_keeps_no_reliability_figures_for_a_round_reopened_while_they_are_worked_out(
    monkeypatch, lead, respondent, open_round
):
    score(respondent_of(open_round, respondent))
    services.assessment_advance(assessment=open_round)
    services.assessment_advance(assessment=Assessment.objects.get(pk=open_round.pk))
    assert RoundReliability.objects.filter(assessment=open_round).exists()  # kept as it closed
    # The figures are worked out again (a worker's retry) while a lead reopens the round.
    slowed(RoundReliability.objects, "bulk_create", 1.0, monkeypatch)
    outcomes = race(
        lambda: round_reliability_keep(assessment_id=open_round.pk),
        lambda: services.assessment_step_back(
            assessment=Assessment.objects.get(pk=open_round.pk),
            shown_status=RoundStatus.CLOSED,
            reason="A late answer.",
            user=lead,
        ),
        stagger=CLOSE_AFTER,
    )
    assert [o.error for o in outcomes] == [None, None]
    assert Assessment.objects.get(pk=open_round.pk).status == RoundStatus.CONSENSUS
    assert not RoundReliability.objects.filter(assessment=open_round).exists()
