"""The home page: my places, each with its rounds and how many have submitted."""

import pytest
from django.utils import timezone

from assessment.models import Membership, Place, Respondent, Role
from assessment.services import assessment_open
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


def test_it_tells_someone_without_a_place_how_to_join_one(client, analyst, place):
    client.force_login(analyst)
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
    # my memberships in them (prefetched)
    with django_assert_num_queries(5):
        response = client.get(HOME_URL)
    assert response.text.count('<tr><th scope="row">') == 1 + places * rounds
