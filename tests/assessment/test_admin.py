"""The admin for places, rounds, respondents, answers and consensus."""

import pytest

from assessment.models import Consensus, Membership, Place, Response
from assessment.services import assessment_advance, consensus_record
from tests.assessment.scoring import items_by_key, respondent_of, score

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, staff, open_round, lead):
    staff.is_superuser = True
    staff.save()
    score(respondent_of(open_round, lead))
    assessment_advance(assessment=open_round)
    consensus_record(
        assessment=open_round, item=items_by_key(open_round)["impact"], current=2, target=3,
        rationale="Agreed.", user=lead, revision=0,
    )  # fmt: skip
    client.force_login(staff)
    return client


@pytest.mark.parametrize(
    ("model", "shown"),
    [
        ("place", "Riverside Borough"),
        ("assessment", "2026 Q4"),
        ("respondent", "Priya Shah"),
        ("response", "Priya Shah · impact"),
        ("consensus", "Riverside Borough 2026 Q4 · impact"),
    ],
)
def test_it_lists_each_kind_of_record(admin_client, model, shown):
    response = admin_client.get(f"/admin/assessment/{model}/")
    assert response.status_code == 200
    assert shown in response.text


def test_it_adds_a_place_with_its_members(admin_client, respondent):
    page = admin_client.get("/admin/assessment/place/add/")
    assert 'name="memberships-0-role"' in page.text
    response = admin_client.post(
        "/admin/assessment/place/add/",
        {
            "name": "Eastvale", "code": "eastvale", "kind": "hwb", "region": "east",
            "memberships-TOTAL_FORMS": "1", "memberships-INITIAL_FORMS": "0",
            "memberships-MIN_NUM_FORMS": "0", "memberships-MAX_NUM_FORMS": "1000",
            "memberships-0-user": str(respondent.pk), "memberships-0-role": "lead",
        },
    )  # fmt: skip
    assert response.status_code == 302
    eastvale = Place.objects.get(code="eastvale")
    assert Membership.objects.get(place=eastvale).user == respondent


def test_it_refuses_a_place_name_that_hides_what_it_says(admin_client):
    form = {
        "name": "Eastvale\u202e draoB",
        "code": "eastvale",
        "kind": "hwb",
        "region": "east",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    response = admin_client.post("/admin/assessment/place/add/", form)
    assert response.status_code == 200
    assert "cannot contain characters that change the direction of text" in response.text
    assert not Place.objects.filter(code="eastvale").exists()


def test_it_shows_the_history_of_an_answer_and_an_agreed_position(admin_client):
    answer = Response.objects.filter(item__key="impact").get()
    agreed = Consensus.objects.get()
    for url in (
        f"/admin/assessment/response/{answer.pk}/history/",
        f"/admin/assessment/consensus/{agreed.pk}/history/",
    ):
        response = admin_client.get(url)
        assert response.status_code == 200
        assert "Created" in response.text
