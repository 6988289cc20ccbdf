"""The facilitator view's reads: items in the workshop's order, dots, sectors, in few queries."""

import pytest
from django.utils import timezone

from assessment.facilitation import facilitator_view, member_sectors
from assessment.models import Assessment, Membership, Respondent, Response, Sector
from assessment.services import assessment_advance, consensus_record
from tests.assessment.scoring import items_by_key, named_respondent, respondent_of, score

pytestmark = pytest.mark.django_db


@pytest.fixture
def at_consensus(open_round, lead, respondent, place, settings):
    """Leadership is split between Priya (council, 1) and Tom (NHS, 3); Grace (a sheet, no
    sector) says 3. Everything else is 2 from everyone.

    Three people can never split an item by SCIROCCO's rule (more than three answers over a
    level from the median), so this deployment sets a rule that splits on any one: Priya's 1,
    two levels below the median of 3, splits Leadership."""
    settings.AGREEMENT_BAND, settings.AGREEMENT_MAX_OUTSIDE = 1, 0
    Membership.objects.filter(user=lead, place=place).update(sector=Sector.LOCAL_AUTHORITY)
    Membership.objects.filter(user=respondent, place=place).update(sector=Sector.NHS_PROVIDER)
    score(respondent_of(open_round, lead), levels={"leadership": (1, 2)})
    score(respondent_of(open_round, respondent), levels={"leadership": (3, 4)})
    score(named_respondent(open_round, "Grace Okafor"), levels={"leadership": (3, 3)})
    return assessment_advance(assessment=open_round)


def test_it_orders_split_items_first_then_the_round_s_order(at_consensus):
    view = facilitator_view(at_consensus)
    keys = [i.item.key for i in view.items]
    others = [key for key in items_by_key(at_consensus) if key != "leadership"]
    assert keys == ["leadership", *others]
    assert [i.item.key for i in view.split_items] == ["leadership"]
    assert len(view.other_items) == 24


def test_it_finds_the_item_that_comes_next_in_the_workshop(at_consensus):
    view = facilitator_view(at_consensus)
    first, second, last = view.items[0], view.items[1], view.items[-1]
    assert view.after(first.item.pk) is second
    assert view.after(last.item.pk) is None
    assert (view.position(first.item.pk), view.position(last.item.pk)) == (1, 25)


def test_it_groups_each_level_s_dots_by_sector_by_name(at_consensus):
    Assessment.objects.filter(pk=at_consensus.pk).update(show_names=True)
    at_consensus.refresh_from_db()
    leadership = facilitator_view(at_consensus).items[0]
    dots = {row.level.value: [d.sector for d in row.dots] for row in leadership.levels}
    assert dots == {1: ["local-authority"], 2: [], 3: ["nhs-provider", ""], 4: []}


def test_it_pools_the_sectors_of_fewer_than_three_answers_without_names(at_consensus):
    # One person from each of the council, an NHS trust and no sector: none can be shown.
    leadership = facilitator_view(at_consensus).items[0]
    dots = {row.level.value: [(d.name, d.mark) for d in row.dots] for row in leadership.levels}
    assert dots == {1: [("", "+")], 2: [], 3: [("", "+"), ("", "+")], 4: []}
    assert [(s.label, s.count) for s in leadership.sectors] == [("All sectors (pooled)", 3)]


def test_it_names_the_dots_when_the_round_shows_names(at_consensus):
    Assessment.objects.filter(pk=at_consensus.pk).update(show_names=True)
    at_consensus.refresh_from_db()
    leadership = facilitator_view(at_consensus).items[0]
    assert [d.name for d in leadership.levels[2].dots] == ["Tom Hughes", "Grace Okafor"]


def test_it_reads_the_answers_by_sector(at_consensus):
    Assessment.objects.filter(pk=at_consensus.pk).update(show_names=True)
    at_consensus.refresh_from_db()
    leadership = facilitator_view(at_consensus).items[0]
    assert [(s.label, s.count, s.median) for s in leadership.sectors] == [
        ("NHS provider", 1, 3),
        ("Local authority", 1, 1),
        ("Not recorded", 1, 3),
    ]
    assert (leadership.current.median, leadership.target.median) == (3, 3)


def test_it_knows_only_the_sectors_of_this_place_s_members(
    at_consensus, lead, respondent, other_place
):
    Membership.objects.create(user=lead, place=other_place, role="lead", sector=Sector.OTHER)
    sectors = member_sectors(at_consensus)
    assert sectors == {lead.pk: "local-authority", respondent.pk: "nhs-provider"}


def test_it_counts_how_many_items_are_agreed(at_consensus, lead):
    leadership = items_by_key(at_consensus)["leadership"]
    consensus_record(
        assessment=at_consensus,
        item=leadership,
        current=2,
        target=3,
        rationale="Met in the middle.",
        user=lead,
        revision=0,
    )
    view = facilitator_view(at_consensus)
    assert view.recorded == 1
    assert view.items[0].consensus.current == 2


@pytest.mark.parametrize("more", [0, 12])
def test_it_reads_the_view_in_the_same_queries_however_many_answered(
    at_consensus, django_assert_num_queries, more
):
    items = list(items_by_key(at_consensus).values())
    people = Respondent.objects.bulk_create(
        Respondent(assessment=at_consensus, name=f"Person {n}", submitted_at=timezone.now())
        for n in range(more)
    )
    Response.objects.bulk_create(
        Response(respondent=p, item=i, current=2, target=3) for p in people for i in items
    )
    # the pinned versions (their items are read once a process), submitted answers with
    # respondents, consensus with recorder, the members' sectors
    with django_assert_num_queries(4):
        view = facilitator_view(at_consensus)
        counts = [i.current.count for i in view.items]
    assert counts == [3 + more] * 25


def test_it_shows_a_sector_of_three_answers_and_pools_the_rest(at_consensus, place, make_person):
    # Three more from NHS trusts, and one more from a sheet: four NHS answers can be shown; the
    # council's one and the two without a sector are pooled together.
    people = [Respondent(assessment=at_consensus, name="From a sheet")]
    for n in range(3):
        person = make_person(f"nhs{n}@riverside.example.org", "NHS", f"Person {n}")
        Membership.objects.create(
            user=person, place=place, role="respondent", sector=Sector.NHS_PROVIDER
        )
        people.append(Respondent(assessment=at_consensus, name=f"NHS {n}", user=person))
    for person in people:
        person.submitted_at = timezone.now()
    leadership = items_by_key(at_consensus)["leadership"]
    Respondent.objects.bulk_create(people)
    Response.objects.bulk_create(
        Response(respondent=p, item=leadership, current=2, target=3) for p in people
    )
    found = facilitator_view(at_consensus).get(leadership.pk)
    assert [(s.label, s.count) for s in found.sectors] == [
        ("NHS provider", 4),
        ("Other sectors (pooled)", 3),
    ]
    marks = [[d.mark for d in row.dots] for row in found.levels]
    assert marks == [["+"], ["N", "N", "N", "+"], ["N", "+"], []]
