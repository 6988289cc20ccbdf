"""A round: the lead opens it, everyone follows it, the lead moves it on and shares it."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command

from assessment.models import Assessment, Membership, RoundStatus, Sharing
from assessment.selectors import assessment_items
from assessment.services import assessment_advance
from frameworks.models import FrameworkVersion
from tests.assessment.forms_helper import page_form
from tests.assessment.scoring import named_respondent, respondent_of, score
from tests.frameworks.files import as_draft, matrix_data, write_framework

pytestmark = pytest.mark.django_db

OPEN_URL = "/places/riverside/rounds/new/"


def _detail(pk):
    return f"/assessments/{pk}/"


def _closed(assessment):
    assessment_advance(assessment=assessment)
    return assessment_advance(assessment=assessment)


# Opening a round


def test_it_offers_the_latest_published_versions_and_every_scoring_member(
    client, lead, respondent, viewer, versions
):
    client.force_login(lead)
    form = page_form(client.get(OPEN_URL))
    assert sorted(form.values["versions"]) == sorted(str(v.pk) for v in versions)
    assert sorted(form.values["participants"]) == sorted([str(lead.pk), str(respondent.pk)])
    assert str(viewer.pk) not in form.options["participants"]


def test_it_opens_a_round_from_the_form(client, lead, respondent, versions):
    client.force_login(lead)
    form = page_form(client.get(OPEN_URL)).fill(
        period="  2026   Q4 ", deadline="2026-12-18", show_names="on", participants=[respondent.pk]
    )
    response = client.post(OPEN_URL, form.data(), follow=True)
    assessment = Assessment.objects.get(place__code="riverside")
    assert response.redirect_chain == [(_detail(assessment.pk), 302)]
    assert "Round 2026 Q4 is open for scoring." in response.text
    assert (assessment.period, assessment.status) == ("2026 Q4", RoundStatus.OPEN)
    assert assessment.deadline == datetime.date(2026, 12, 18) and assessment.show_names
    assert set(assessment.framework_versions.all()) == set(versions)
    assert [r.user for r in assessment.respondents.all()] == [respondent]


def test_it_warns_when_too_few_take_part_for_answers_without_names(client, lead, respondent):
    client.force_login(lead)
    form = page_form(client.get(OPEN_URL)).fill(period="2026 Q4", participants=[respondent.pk])
    response = client.post(OPEN_URL, form.data(), follow=True)
    assert "Only 1 person is taking part" in response.text
    assert "answers shown without names can still be told apart" in response.text


def test_it_does_not_warn_when_answers_are_shown_by_name(client, lead, respondent):
    client.force_login(lead)
    form = page_form(client.get(OPEN_URL)).fill(
        period="2026 Q4", show_names="on", participants=[respondent.pk]
    )
    response = client.post(OPEN_URL, form.data(), follow=True)
    assert "can still be told apart" not in response.text


def test_it_refuses_a_period_the_place_has_already_used(client, lead, open_round):
    client.force_login(lead)
    form = page_form(client.get(OPEN_URL)).fill(period="2026 Q4")
    response = client.post(OPEN_URL, form.data())
    assert response.status_code == 200
    assert "already has a round called" in response.text
    assert Assessment.objects.count() == 1


def test_it_requires_a_period(client, lead, place):
    client.force_login(lead)
    response = client.post(OPEN_URL, page_form(client.get(OPEN_URL)).data())
    assert "This field is required." in response.text
    assert not Assessment.objects.exists()


def test_it_offers_no_draft_version(client, lead, place, tmp_path):
    draft = write_framework(tmp_path, as_draft(matrix_data(), "2.0"))
    call_command("load_frameworks", str(draft), stdout=StringIO())
    client.force_login(lead)
    form = page_form(client.get(OPEN_URL))
    draft_pk = str(FrameworkVersion.objects.get(version="2.0").pk)
    assert draft_pk not in form.options["versions"]


@pytest.mark.parametrize("who", ["respondent", "viewer"])
def test_it_forbids_anyone_but_the_lead_to_open_a_round(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(OPEN_URL).status_code == 403
    assert client.post(OPEN_URL, {"period": "2027 Q1"}).status_code == 403
    assert not Assessment.objects.exists()


# The round's page


def test_it_shows_the_round_its_versions_and_who_is_taking_part(client, lead, open_round, versions):
    score(respondent_of(open_round, lead))
    client.force_login(lead)
    response = client.get(_detail(open_round.pk))
    assert "Riverside Borough: 2026 Q4" in response.text
    assert "Open for scoring" in response.text
    assert f'href="/frameworks/lga-maturity-matrix/{versions[0].version}/"' in response.text
    assert "<td>Priya Shah</td><td>25 of 25</td><td>Yes</td>" in response.text
    assert "<td>Tom Hughes</td><td>0 of 25</td><td>Not yet</td>" in response.text


def test_it_hides_names_from_the_team_unless_the_round_shows_them(client, viewer, open_round):
    client.force_login(viewer)
    assert "Tom Hughes" not in client.get(_detail(open_round.pk)).text
    Assessment.objects.filter(pk=open_round.pk).update(show_names=True)
    assert "Tom Hughes" in client.get(_detail(open_round.pk)).text


def test_it_shows_a_respondent_their_progress_and_the_way_to_score(client, respondent, open_round):
    score(respondent_of(open_round, respondent), only=["impact"], submit=False)
    client.force_login(respondent)
    response = client.get(_detail(open_round.pk))
    assert "1 of 25 answered." in response.text
    assert (
        f'href="/assessments/{open_round.pk}/respond/?item=next">Continue scoring' in response.text
    )


def test_it_invites_a_member_who_was_not_listed_to_start_scoring(
    client, make_person, place, open_round
):
    newcomer = make_person("asha.patel@riverside.example.org", "Asha", "Patel")
    Membership.objects.create(user=newcomer, place=place, role="respondent")
    client.force_login(newcomer)
    response = client.get(_detail(open_round.pk))
    assert "Not started." in response.text
    assert f'href="/assessments/{open_round.pk}/respond/?item=next">Start scoring' in response.text


def test_it_says_start_not_continue_to_someone_listed_with_no_answers(
    client, respondent, open_round
):
    client.force_login(respondent)
    text = client.get(_detail(open_round.pk)).text
    assert "Not started." in text
    assert "Start scoring</a>" in text and "Continue scoring" not in text


def test_it_says_did_not_submit_once_scoring_has_ended(client, respondent, open_round):
    score(respondent_of(open_round, respondent), only=["impact"], submit=False)
    assessment_advance(assessment=open_round)
    client.force_login(respondent)
    text = client.get(_detail(open_round.pk)).text
    assert "Did not submit. Scoring has ended for this round." in " ".join(text.split())
    assert "<td>1 of 25</td><td>Did not submit</td>" in text
    assert "Not yet" not in text and "Start scoring" not in text


def test_it_answers_404_for_a_round_that_does_not_exist(client, lead, open_round):
    client.force_login(lead)
    assert client.get(_detail(open_round.pk + 1000)).status_code == 404


@pytest.mark.parametrize("respondents", [2, 12])
def test_it_shows_the_round_in_the_same_queries_however_many_take_part(
    client, lead, open_round, django_assert_num_queries, respondents
):
    for n in range(respondents - 2):
        score(named_respondent(open_round, f"Respondent {n}"), submit=n % 2 == 0)
    client.force_login(lead)
    assessment_items(open_round)  # as the process's first page of this round reads them
    # session, user, round with place, my role, respondents with progress, the pinned versions
    # (their items are read once a process), pinned versions again, reminders
    with django_assert_num_queries(8):
        response = client.get(_detail(open_round.pk))
    assert response.text.count(" of 25</td>") == respondents


# Moving a round on


def _advance_confirmed(client, page, url):
    """Press the round page's button, then confirm on the page that asks."""
    asking = client.post(f"{url}advance/", page_form(page, f"{url}advance/").data())
    assert asking.status_code == 200
    return client.post(f"{url}advance/", page_form(asking, f"{url}advance/").data(), follow=True)


def test_it_moves_a_round_from_scoring_to_consensus_to_closed(client, lead, open_round):
    client.force_login(lead)
    url = _detail(open_round.pk)
    response = _advance_confirmed(client, client.get(url), url)
    open_round.refresh_from_db()
    assert open_round.status == RoundStatus.CONSENSUS
    assert "The round is now: Consensus." in response.text
    assert "Close the round" in response.text
    _advance_confirmed(client, response, url)
    open_round.refresh_from_db()
    assert open_round.status == RoundStatus.CLOSED


def test_it_keeps_a_closed_round_closed_and_read_only(client, lead, open_round):
    _closed(open_round)
    client.force_login(lead)
    advance = f"{_detail(open_round.pk)}advance/"
    response = client.post(advance, {"status": RoundStatus.CLOSED, "confirm": "True"}, follow=True)
    assert "This round is closed; it cannot move on." in response.text
    assert f'action="{_detail(open_round.pk)}advance/"' not in response.text
    assert "Scoring has ended for this round." in response.text
    open_round.refresh_from_db()
    assert open_round.status == RoundStatus.CLOSED


def test_it_forbids_a_respondent_to_move_the_round_on(client, respondent, open_round):
    client.force_login(respondent)
    assert client.post(f"{_detail(open_round.pk)}advance/").status_code == 403
    open_round.refresh_from_db()
    assert open_round.status == RoundStatus.OPEN


def test_it_moves_a_round_on_only_by_post(client, lead, open_round):
    client.force_login(lead)
    assert client.get(f"{_detail(open_round.pk)}advance/").status_code == 405
    open_round.refresh_from_db()
    assert open_round.status == RoundStatus.OPEN


# Sharing a closed round


def test_it_shares_a_closed_round_from_its_page(client, lead, open_round):
    _closed(open_round)
    client.force_login(lead)
    url = f"{_detail(open_round.pk)}sharing/"
    form = page_form(client.get(_detail(open_round.pk)), url)
    assert form.options["sharing"] == Sharing.values
    response = client.post(url, form.fill(sharing=Sharing.ANONYMOUS).data(), follow=True)
    assert "Sharing: Shared anonymously." in response.text
    open_round.refresh_from_db()
    assert open_round.sharing == Sharing.ANONYMOUS


def test_it_refuses_to_share_a_round_that_is_not_closed(client, lead, open_round):
    client.force_login(lead)
    response = client.post(
        f"{_detail(open_round.pk)}sharing/", {"sharing": Sharing.NAMED}, follow=True
    )
    assert "Only a closed round can be shared for comparison." in response.text
    open_round.refresh_from_db()
    assert open_round.sharing == Sharing.PRIVATE


def test_it_refuses_an_unknown_sharing_choice(client, lead, open_round):
    _closed(open_round)
    client.force_login(lead)
    response = client.post(
        f"{_detail(open_round.pk)}sharing/", {"sharing": "everyone"}, follow=True
    )
    assert "Choose how to share the round." in response.text
    open_round.refresh_from_db()
    assert open_round.sharing == Sharing.PRIVATE


def test_it_forbids_a_viewer_to_share_a_round(client, viewer, open_round):
    _closed(open_round)
    client.force_login(viewer)
    assert client.post(f"{_detail(open_round.pk)}sharing/", {"sharing": "named"}).status_code == 403
    assert client.get(f"{_detail(open_round.pk)}sharing/").status_code == 405
