"""Every route of the app, walked as the anonymous visitor, an outsider, staff and each role.

Outsiders get 404 so they cannot learn that a place's round exists; people in the place whose
role does not allow something get 403.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessment import urls as assessment_urls
from assessment.models import (
    Action,
    Assessment,
    Consensus,
    Membership,
    Response,
    RoundStatus,
    Sharing,
)
from assessment.services import assessment_advance
from assessment.services.actions import action_create
from tests.assessment.scoring import items_by_key

pytestmark = pytest.mark.django_db

# Each route of the app and the methods it answers.
ROUTES = {
    "home": ("GET",),
    "landing": ("GET",),
    "assessment-place": ("GET",),
    "assessment-member-add": ("POST",),
    "assessment-member-invite": ("POST",),
    "assessment-open": ("GET", "POST"),
    "assessment-detail": ("GET",),
    "assessment-advance": ("POST",),
    "assessment-step-back": ("POST",),
    "assessment-edit": ("GET", "POST"),
    "assessment-remind": ("POST",),
    "assessment-share": ("POST",),
    "assessment-respond": ("GET", "POST"),
    "assessment-reopen": ("POST",),
    "assessment-consensus": ("GET",),
    "assessment-consensus-item": ("GET", "POST"),
    "assessment-history": ("GET",),
    "assessment-import": ("GET", "POST"),
    "assessment-import-template": ("GET",),
    "assessment-api": ("GET",),
    "assessment-actions": ("GET",),
    "assessment-action-new": ("GET", "POST"),
    "assessment-action-edit": ("GET", "POST"),
    "assessment-actions-csv": ("GET",),
    "assessment-actions-xlsx": ("GET",),
    "assessment-actions-api": ("GET",),
    "assessment-next": ("GET", "POST"),
}
CASES = [(name, method) for name, methods in ROUTES.items() for method in methods]
# Home, and where a sign-in lands (which sends the person on): no place in their address.
PLACE_ROUTES = [case for case in CASES if case[0] not in {"home", "landing"}]
LEAD_ONLY = [
    "assessment-member-add",
    "assessment-member-invite",
    "assessment-open",
    "assessment-advance",
    "assessment-step-back",
    "assessment-edit",
    "assessment-remind",
    "assessment-share",
    "assessment-consensus",
    "assessment-consensus-item",
    "assessment-history",
    "assessment-import",
    "assessment-import-template",
    "assessment-action-new",
    "assessment-action-edit",
    "assessment-next",
]
SCORERS_ONLY = ["assessment-respond", "assessment-reopen"]


def _patterns():
    """Every route of the assessment app, included ones too."""
    for entry in assessment_urls.urlpatterns:
        yield from getattr(entry, "url_patterns", [entry])


@pytest.fixture
def route(open_round, versions):
    """(url, POST body) for a route name: a body that would succeed for the lead."""
    impact = items_by_key(open_round)["impact"]
    membership = Membership.objects.filter(place=open_round.place).first()
    action = action_create(
        assessment=open_round, user=None, title="Joint induction", owner="Jo", items=[impact]
    )
    values = {
        "code": open_round.place.code,
        "pk": open_round.pk,
        "item_pk": impact.pk,
        "membership_pk": membership.pk,
        "action_pk": action.pk,
    }
    patterns = {p.name: p for p in _patterns()}

    def build(name):
        kwargs = {key: values[key] for key in patterns[name].pattern.converters}
        body = {
            "assessment-member-add": {"email": "new@example.org", "name": "New", "role": "lead"},
            "assessment-open": {"period": "2027 Q1", "matrix_version": versions[0].pk,
                                "lessons_version": versions[1].pk},
            "assessment-share": {"sharing": Sharing.NAMED},
            "assessment-advance": {"status": RoundStatus.OPEN, "confirm": "True"},
            "assessment-edit": {"deadline": "2001-01-01"},
            "assessment-respond": {f"i{impact.pk}_current": "2", "action": "save"},
            "assessment-consensus-item": {"current": "2", "target": "3", "rationale": "Mine.",
                                          "revision": "0"},
            "assessment-action-new": {"title": "Mine", "owner": "Me", "status": "planned",
                                      "items": ["impact"]},
            "assessment-action-edit": {"title": "Mine", "owner": "Me", "status": "done",
                                       "items": ["impact"]},
            "assessment-next": {"period": "2027 Q1"},
            "assessment-import": {"file": SimpleUploadedFile(
                "s.csv", b"respondent,framework,item,current\nX,lga-maturity-matrix,impact,2\n"
            )},
        }.get(name, {})  # fmt: skip
        return reverse(name, kwargs=kwargs), body

    return build


def _request(client, method, url, body):
    return client.get(url) if method == "GET" else client.post(url, body)


def _nothing_changed(open_round):
    open_round.refresh_from_db()
    assert (open_round.status, open_round.sharing) == (RoundStatus.OPEN, Sharing.PRIVATE)
    assert Assessment.objects.count() == 1
    assert not Response.objects.exists() and not Consensus.objects.exists()
    assert not Membership.objects.filter(user__email="new@example.org").exists()
    assert list(Action.objects.values_list("title", "status")) == [("Joint induction", "planned")]


def test_it_walks_every_route_of_the_app():
    assert {p.name for p in _patterns()} == set(ROUTES)


@pytest.mark.parametrize(("name", "method"), CASES)
def test_it_sends_an_anonymous_visitor_to_sign_in(client, route, open_round, name, method):
    url, body = route(name)
    response = _request(client, method, url, body)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"
    _nothing_changed(open_round)


@pytest.mark.parametrize(("name", "method"), PLACE_ROUTES)
def test_it_answers_404_to_an_outsider(client, outsider, route, open_round, name, method):
    client.force_login(outsider)
    url, body = route(name)
    assert _request(client, method, url, body).status_code == 404
    _nothing_changed(open_round)


def test_it_shows_an_outsider_only_their_own_places_at_home(client, outsider, open_round):
    client.force_login(outsider)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "Riverside Borough" not in response.text


@pytest.mark.parametrize(
    "name", [name for name, method in CASES if method == "GET" and name != "landing"]
)
def test_it_opens_every_page_download_and_api_to_staff(client, staff, route, name):
    client.force_login(staff)
    url, _ = route(name)
    response = client.get(url)
    assert response.status_code == 200
    if name == "home":
        assert "Riverside Borough" in response.text


@pytest.mark.parametrize("who", ["respondent", "viewer"])
@pytest.mark.parametrize(("name", "method"), [case for case in CASES if case[0] in LEAD_ONLY])
def test_it_forbids_leads_work_to_everyone_else_in_the_place(
    client, request, route, open_round, who, name, method
):
    client.force_login(request.getfixturevalue(who))
    url, body = route(name)
    assert _request(client, method, url, body).status_code == 403
    _nothing_changed(open_round)


@pytest.mark.parametrize(("name", "method"), [case for case in CASES if case[0] in SCORERS_ONLY])
def test_it_forbids_a_board_viewer_to_score(client, viewer, route, open_round, name, method):
    client.force_login(viewer)
    url, body = route(name)
    assert _request(client, method, url, body).status_code == 403
    _nothing_changed(open_round)


@pytest.mark.parametrize(
    "name",
    [
        "home",
        "assessment-place",
        "assessment-detail",
        "assessment-api",
        "assessment-actions",
        "assessment-actions-csv",
        "assessment-actions-xlsx",
        "assessment-actions-api",
    ],
)
def test_it_lets_a_board_viewer_read_the_place_and_its_rounds(
    client, viewer, route, open_round, name
):
    assessment_advance(assessment=open_round)  # a board viewer sees team figures from here on
    client.force_login(viewer)
    url, _ = route(name)
    assert client.get(url).status_code == 200


# Analysts compare places: they may read a closed round its place has shared by name.


def _shared(assessment, sharing):
    Assessment.objects.filter(pk=assessment.pk).update(status=RoundStatus.CLOSED, sharing=sharing)


@pytest.mark.parametrize("name", ["assessment-detail", "assessment-api"])
def test_it_lets_an_analyst_read_a_closed_round_shared_by_name(
    client, analyst, route, open_round, name
):
    _shared(open_round, Sharing.NAMED)
    client.force_login(analyst)
    url, _ = route(name)
    response = client.get(url)
    assert response.status_code == 200
    assert "2026 Q4" in response.text


@pytest.mark.parametrize("sharing", [Sharing.PRIVATE, Sharing.ANONYMOUS])
def test_it_answers_404_to_an_analyst_for_a_round_not_shared_by_name(
    client, analyst, route, open_round, sharing
):
    _shared(open_round, sharing)
    client.force_login(analyst)
    for name in ("assessment-detail", "assessment-api"):
        assert client.get(route(name)[0]).status_code == 404


def test_it_answers_404_to_an_analyst_while_the_round_is_open(client, analyst, route, open_round):
    Assessment.objects.filter(pk=open_round.pk).update(sharing=Sharing.NAMED)
    client.force_login(analyst)
    assert client.get(route("assessment-detail")[0]).status_code == 404


@pytest.mark.parametrize(("name", "method"), [case for case in CASES if case[0] in LEAD_ONLY])
def test_it_keeps_an_analyst_out_of_a_shared_round_s_leads_work(
    client, analyst, route, open_round, name, method
):
    _shared(open_round, Sharing.NAMED)
    client.force_login(analyst)
    url, body = route(name)
    assert _request(client, method, url, body).status_code in (403, 404)
    assert not Consensus.objects.exists() and not Response.objects.exists()


@pytest.mark.parametrize("name", ["assessment-detail", "assessment-api"])
def test_it_answers_404_to_an_outsider_for_a_round_shared_by_name(
    client, outsider, route, open_round, name
):
    # Sharing is for analysts, not for every signed-in person.
    _shared(open_round, Sharing.NAMED)
    client.force_login(outsider)
    assert client.get(route(name)[0]).status_code == 404
