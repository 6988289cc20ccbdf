"""The home page: my places, each with its rounds and how many have submitted."""

import pytest
from django.utils import timezone

from assessment.models import Membership, Place, Respondent, Role
from assessment.services import assessment_advance, assessment_open
from tests.assessment.scoring import respondent_of, score

pytestmark = pytest.mark.django_db

HOME_URL = "/"


def _rounds_in_more_places(person, versions, *, places, rounds, respondents):
    """More places the person belongs to, each with rounds and some respondents submitted."""
    for p in range(places):
        place = Place.objects.create(name=f"Place {p}", code=f"place-{p}")
        Membership.objects.create(user=person, place=place, role=Role.LEAD)
        for r in range(rounds):
            assessment = assessment_open(
                place=place, period=f"202{r} Q4", versions=versions, participants=[]
            )
            Respondent.objects.bulk_create(
                Respondent(
                    assessment=assessment,
                    name=f"Respondent {n}",
                    submitted_at=timezone.now() if n % 2 else None,
                )
                for n in range(respondents)
            )


def test_it_lists_the_places_a_person_belongs_to_with_their_rounds(
    client, respondent, open_round, other_place
):
    score(respondent_of(open_round, respondent))
    client.force_login(respondent)
    response = client.get(HOME_URL)
    assert response.status_code == 200
    assert '<a href="/places/riverside/">Riverside Borough</a>' in response.text
    assert f'<a href="/assessments/{open_round.pk}/">2026 Q4</a>' in response.text
    assert "Open for scoring" in response.text
    assert "<td>1 of 2</td>" in response.text
    assert "Borough · London · You: Respondent" in response.text


def test_it_does_not_show_places_a_person_does_not_belong_to(client, outsider, open_round):
    client.force_login(outsider)
    response = client.get(HOME_URL)
    assert "Northmoor Integrated Care System" in response.text
    assert "Riverside Borough" not in response.text
    assert f"/assessments/{open_round.pk}/" not in response.text


def test_it_shows_staff_every_place(client, staff, open_round, other_place):
    client.force_login(staff)
    response = client.get(HOME_URL)
    assert "Riverside Borough" in response.text
    assert "Northmoor Integrated Care System" in response.text


def test_it_tells_someone_without_a_place_how_to_join_one(client, make_person, place):
    client.force_login(make_person("new.person@example.org", "New", "Person"))
    response = client.get(HOME_URL)
    assert "You do not belong to any place yet" in response.text
    assert "Riverside Borough" not in response.text


@pytest.mark.parametrize(("places", "rounds", "respondents"), [(0, 0, 0), (3, 3, 6)])
def test_it_lists_in_the_same_queries_however_many_places_and_rounds(
    client, lead, open_round, versions, django_assert_num_queries, places, rounds, respondents
):
    _rounds_in_more_places(lead, versions, places=places, rounds=rounds, respondents=respondents)
    client.force_login(lead)
    # session, user, my places, their rounds with submitted/invited counts (prefetched),
    # my memberships in them (prefetched), my own answers in every round with their counts;
    # whether I may compare places (my own and my groups' permissions), for the Compare button
    with django_assert_num_queries(8):
        response = client.get(HOME_URL)
    assert response.text.count('<tr><th scope="row">') == 1 + places * rounds


def _to_score(response, place):
    return response.html.select(f"section[aria-labelledby=place-{place.code}] .to-score")


def test_it_shows_a_respondent_their_own_answers_and_one_way_to_score(
    django_app, respondent, open_round, place
):
    page = django_app.get(HOME_URL, user=respondent)
    [mine] = _to_score(page, place)
    assert "Your answers: not started" in " ".join(mine.text.split())
    buttons = mine.select("a.btn")
    assert [" ".join(b.text.split()) for b in buttons] == ["Score now: Riverside Borough, 2026 Q4"]
    assert buttons[0]["href"] == f"/assessments/{open_round.pk}/respond/?item=next"
    assert "Continue scoring" not in page


def test_it_counts_a_respondents_own_answers_on_home(django_app, respondent, open_round, place):
    score(respondent_of(open_round, respondent), only=["impact", "place"], submit=False)
    [mine] = _to_score(django_app.get(HOME_URL, user=respondent), place)
    assert "Your answers: 2 of 25 answered" in " ".join(mine.text.split())


def test_it_says_submitted_without_a_button_once_answers_are_in(
    django_app, respondent, open_round, place
):
    score(respondent_of(open_round, respondent))
    [mine] = _to_score(django_app.get(HOME_URL, user=respondent), place)
    assert "Your answers: submitted" in " ".join(mine.text.split())
    assert mine.select("a.btn") == []


def test_it_asks_no_one_to_score_a_round_whose_scoring_has_ended(
    django_app, respondent, open_round, place
):
    assessment_advance(assessment=open_round)
    assert _to_score(django_app.get(HOME_URL, user=respondent), place) == []


def test_it_asks_a_board_viewer_to_score_nothing(django_app, viewer, open_round, place):
    assert _to_score(django_app.get(HOME_URL, user=viewer), place) == []
