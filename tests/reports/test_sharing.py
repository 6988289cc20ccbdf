"""A lead shares a closed round for comparison (POST /assessments/<id>/sharing/), and who then
sees it: analysts, the place's own members, staff."""

import pytest
from django.urls import reverse

from assessment.models import Assessment, RoundStatus, Sharing
from assessment.services import assessment_advance
from reports.compare import anonymous_label
from tests.assessment.scoring import respondent_of, score

from .compare_data import chosen, heatmap_labels, key_of, offered

pytestmark = pytest.mark.django_db

COMPARE = reverse("reports-compare")


@pytest.fixture
def closed(open_round, lead, respondent):
    """Riverside's 2026 Q4 round, scored by the lead and the respondent, then closed."""
    score(respondent_of(open_round, lead))
    score(respondent_of(open_round, respondent))
    assessment_advance(assessment=open_round)
    return assessment_advance(assessment=open_round)


def _detail(assessment):
    return reverse("assessment-detail", args=[assessment.pk])


def _share_url(assessment):
    return reverse("assessment-share", args=[assessment.pk])


def _sharing_forms(page, assessment):
    return [f for f in page.forms.values() if f.action == _share_url(assessment)]


def _sharing_form(django_app, lead, assessment):
    """The sharing form on the round's page, as the lead sees it."""
    [form] = _sharing_forms(django_app.get(_detail(assessment), user=lead), assessment)
    return form


def _share(django_app, lead, assessment, sharing):
    """The lead opens the round's page and saves its sharing form with this choice."""
    form = _sharing_form(django_app, lead, assessment)
    form["sharing"] = sharing
    return form.submit().follow()


def _offered(django_app, user) -> dict[int | str, str]:
    return offered(django_app.get(COMPARE, user=user))


# --- the lead's choice ------------------------------------------------------------------------


def test_it_offers_the_lead_three_choices_with_not_shared_chosen(django_app, lead, closed):
    field = _sharing_form(django_app, lead, closed)["sharing"]
    assert [value for value, _, _ in field.options] == ["private", "anonymous", "named"]
    assert field.value == "private"


def test_it_shares_a_round_by_name_with_analysts(django_app, lead, analyst, closed):
    response = _share(django_app, lead, closed, Sharing.NAMED)
    assert "Sharing: Shared by name." in response.text
    closed.refresh_from_db()
    assert closed.sharing == Sharing.NAMED
    assert _offered(django_app, analyst) == {closed.pk: "Riverside Borough, 2026 Q4 London"}


def test_it_shares_a_round_anonymously_with_analysts(django_app, lead, analyst, closed):
    response = _share(django_app, lead, closed, Sharing.ANONYMOUS)
    assert "Sharing: Shared anonymously." in response.text
    closed.refresh_from_db()
    assert closed.sharing == Sharing.ANONYMOUS
    expected = {key_of(closed): f"{anonymous_label(closed.pk)}, 2026 Q4"}
    assert _offered(django_app, analyst) == expected


def test_it_stops_sharing_a_round(django_app, lead, analyst, closed):
    _share(django_app, lead, closed, Sharing.NAMED)
    response = _share(django_app, lead, closed, Sharing.PRIVATE)
    assert "Sharing: Not shared." in response.text
    assert _offered(django_app, analyst) == {}
    response = django_app.get(COMPARE, chosen(closed), user=analyst)
    assert "1 of the rounds asked for cannot be shown" in response.text
    assert "Riverside" not in response.text


def test_it_shows_the_choice_saved_when_the_page_is_drawn_again(django_app, lead, closed):
    _share(django_app, lead, closed, Sharing.ANONYMOUS)
    assert _sharing_form(django_app, lead, closed)["sharing"].value == "anonymous"


@pytest.mark.parametrize("stage", [RoundStatus.OPEN, RoundStatus.CONSENSUS])
def test_it_offers_no_sharing_before_the_round_closes(django_app, lead, open_round, stage):
    Assessment.objects.filter(pk=open_round.pk).update(status=stage)
    assert _sharing_forms(django_app.get(_detail(open_round), user=lead), open_round) == []


@pytest.mark.parametrize("stage", [RoundStatus.OPEN, RoundStatus.CONSENSUS])
def test_it_refuses_to_share_a_round_before_it_closes(client, lead, open_round, stage):
    Assessment.objects.filter(pk=open_round.pk).update(status=stage)
    client.force_login(lead)
    response = client.post(_share_url(open_round), {"sharing": Sharing.NAMED}, follow=True)
    assert "Only a closed round can be shared for comparison." in response.text
    open_round.refresh_from_db()
    assert open_round.sharing == Sharing.PRIVATE


def test_it_lets_staff_share_any_round(client, staff, closed):
    client.force_login(staff)
    response = client.post(_share_url(closed), {"sharing": Sharing.NAMED})
    assert response.status_code == 302
    closed.refresh_from_db()
    assert closed.sharing == Sharing.NAMED


@pytest.mark.parametrize(("who", "status"), [("respondent", 403), ("viewer", 403)])
def test_it_forbids_anyone_but_the_lead_to_share(client, request, closed, who, status):
    client.force_login(request.getfixturevalue(who))
    assert client.post(_share_url(closed), {"sharing": Sharing.NAMED}).status_code == status
    closed.refresh_from_db()
    assert closed.sharing == Sharing.PRIVATE


def test_it_forbids_an_analyst_to_change_a_round_shared_with_them(client, analyst, closed):
    Assessment.objects.filter(pk=closed.pk).update(sharing=Sharing.NAMED)
    client.force_login(analyst)
    assert client.post(_share_url(closed), {"sharing": Sharing.PRIVATE}).status_code == 403
    closed.refresh_from_db()
    assert closed.sharing == Sharing.NAMED


def test_it_hides_the_round_from_a_lead_elsewhere(client, outsider, closed):
    client.force_login(outsider)
    assert client.post(_share_url(closed), {"sharing": Sharing.NAMED}).status_code == 404
    closed.refresh_from_db()
    assert closed.sharing == Sharing.PRIVATE


def test_it_shares_only_by_post(client, lead, closed):
    client.force_login(lead)
    assert client.get(_share_url(closed)).status_code == 405


# --- who sees a round, by its sharing ---------------------------------------------------------


@pytest.mark.parametrize("view", ["reports-page", "assessment-api"])
def test_it_lets_an_analyst_open_a_round_shared_by_name(client, analyst, closed, view):
    Assessment.objects.filter(pk=closed.pk).update(sharing=Sharing.NAMED)
    client.force_login(analyst)
    response = client.get(reverse(view, args=[closed.pk]))
    assert response.status_code == 200
    assert "Riverside Borough" in response.text


@pytest.mark.parametrize("view", ["reports-page", "assessment-api"])
@pytest.mark.parametrize("sharing", [Sharing.ANONYMOUS, Sharing.PRIVATE])
def test_it_hides_a_round_not_shared_by_name_from_an_analyst(
    client, analyst, closed, view, sharing
):
    Assessment.objects.filter(pk=closed.pk).update(sharing=sharing)
    client.force_login(analyst)
    assert client.get(reverse(view, args=[closed.pk])).status_code == 404


def test_it_keeps_a_private_round_comparable_for_its_own_place(django_app, viewer, closed):
    response = django_app.get(COMPARE, chosen(closed), user=viewer)
    assert heatmap_labels(response) == ["Riverside Borough, 2026 Q4"]


def test_it_keeps_a_shared_round_from_members_of_other_places(client, outsider, closed):
    # Sharing is for analysts: leading another place gives no view of this one.
    Assessment.objects.filter(pk=closed.pk).update(sharing=Sharing.NAMED)
    client.force_login(outsider)
    response = client.get(COMPARE, chosen(closed))
    assert "1 of the rounds asked for cannot be shown" in response.text
    assert "Riverside" not in response.text


def test_it_shows_staff_a_round_nobody_shared(django_app, staff, closed):
    assert _offered(django_app, staff) == {closed.pk: "Riverside Borough, 2026 Q4 London"}
