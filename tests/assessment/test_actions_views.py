"""The improvement plan's pages: leads add and change actions through the page's own form;
everyone in the place reads the plan; nobody else learns it exists."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from assessment.models import (
    Action,
    ActionStatus,
    Consensus,
    Membership,
    Response,
    RoundStatus,
)
from assessment.services import assessment_advance, assessment_open
from assessment.services.actions import action_create, assessment_next
from tests.assessment.scoring import items_by_key, respondent_of, score

pytestmark = pytest.mark.django_db

TODAY = date.today()


def _plan(round_):
    return reverse("assessment-actions", args=[round_.pk])


def _new(round_):
    return reverse("assessment-action-new", args=[round_.pk])


def _edit(action):
    return reverse("assessment-action-edit", args=[action.assessment_id, action.pk])


def _own_form(page):
    """The form that posts back to the page itself (not the header's sign-out form)."""
    [form] = [f for f in page.forms.values() if f.action in ("", page.request.path)]
    return form


def _tick(form, name, values):
    for box in form.fields[name]:
        box.checked = box._value in values


def _fill(form, **values):
    items = values.pop("items", None)
    if items is not None:
        _tick(form, "items", items)
    for name, value in values.items():
        form[name] = value
    return form


@pytest.fixture
def answered_alike(open_round, lead, respondent):
    """Both have submitted alike, so the lead, taking part, sees the team's gaps."""
    for person in (lead, respondent):
        score(respondent_of(open_round, person), levels={"impact": (3, 3)})
    return open_round


@pytest.fixture
def closed_round(place, lead, respondent, versions):
    first = assessment_open(
        place=place, period="2025 Q4", versions=versions, participants=[respondent], user=lead
    )
    score(respondent_of(first, respondent))
    assessment_advance(assessment=first)
    return assessment_advance(assessment=first)


def _add(round_, user, keys=("workforce",), **values):
    items = items_by_key(round_)
    values.setdefault("title", "Joint induction for the neighbourhood teams")
    values.setdefault("owner", "Jo Lee, Riverside Council")
    return action_create(assessment=round_, user=user, items=[items[k] for k in keys], **values)


# --- who may do what --------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["lead", "respondent", "viewer"])
def test_it_shows_the_plan_to_everyone_in_the_place(django_app, request, answered_alike, lead, who):
    assessment_advance(assessment=answered_alike)  # a board viewer reads it once scoring ends
    _add(answered_alike, lead)
    page = django_app.get(_plan(answered_alike), user=request.getfixturevalue(who))
    assert "Joint induction for the neighbourhood teams" in page
    assert ("Add an action" in page) == (who == "lead")


@pytest.mark.parametrize(
    "url", [_plan, _new, lambda r: reverse("assessment-action-edit", args=[r.pk, 1])]
)
def test_it_answers_404_to_an_outsider(client, outsider, answered_alike, lead, url):
    _add(answered_alike, lead)
    client.force_login(outsider)
    assert client.get(url(answered_alike)).status_code == 404


@pytest.mark.parametrize("who", ["respondent", "viewer"])
def test_it_forbids_anyone_but_a_lead_to_add_or_change_actions(
    client, request, answered_alike, lead, who
):
    action = _add(answered_alike, lead)
    client.force_login(request.getfixturevalue(who))
    assert client.get(_new(answered_alike)).status_code == 403
    body = {"title": "Mine", "owner": "Me", "status": "done", "items": ["impact"]}
    assert client.post(_new(answered_alike), body).status_code == 403
    assert client.post(_edit(action), body).status_code == 403
    action.refresh_from_db()
    assert (Action.objects.count(), action.status) == (1, ActionStatus.PLANNED)


def test_it_answers_405_to_a_post_to_the_plan(client, lead, answered_alike):
    client.force_login(lead)
    assert client.post(_plan(answered_alike)).status_code == 405


def test_it_answers_404_for_an_action_of_another_round(
    client, lead, answered_alike, place, versions
):
    other = assessment_open(place=place, period="2027 Q1", versions=versions, participants=[])
    action = _add(other, lead)
    client.force_login(lead)
    url = reverse("assessment-action-edit", args=[answered_alike.pk, action.pk])
    assert client.get(url).status_code == 404


# --- the plan page ----------------------------------------------------------------------------


def test_it_marks_an_overdue_action_and_lists_gaps_with_no_action_yet(
    django_app, lead, answered_alike
):
    _add(
        answered_alike,
        lead,
        title="Sign the data-sharing agreement",
        due=TODAY - timedelta(days=2),
        status=ActionStatus.IN_PROGRESS,
    )
    _add(
        answered_alike,
        lead,
        title="Finished already",
        due=TODAY - timedelta(days=2),
        status=ActionStatus.DONE,
    )
    page = django_app.get(_plan(answered_alike), user=lead)
    late = page.html.find("a", string="Sign the data-sharing agreement").find_parent("tr")
    done = page.html.find("a", string="Finished already").find_parent("tr")
    assert "Overdue" in late.text and "Overdue" not in done.text
    workforce = page.html.find(id="item-workforce")
    care_model = page.html.find(id="item-care-model")
    assert "No action yet" not in workforce.text
    assert "No action yet" in care_model.text
    assert care_model.find("a")["href"] == _new(answered_alike) + "?item=care-model"
    assert page.html.find(id="item-impact") is None  # at its target, no action: not listed
    assert page.html.find(id="item-place") is None  # a context factor is never a gap


def test_it_lists_factors_before_lessons(django_app, lead, answered_alike):
    page = django_app.get(_plan(answered_alike), user=lead)
    captions = [c.text for c in page.html.find_all("caption")]
    assert captions[0].startswith("Factors of the maturity matrix")
    assert captions[1].startswith("The sixteen lessons")


@pytest.mark.parametrize("actions", [1, 12])
def test_it_draws_the_plan_in_the_same_queries_however_many_actions(
    client, lead, respondent, closed_round, django_assert_num_queries, actions
):
    member = Membership.objects.get(user=respondent)
    for n in range(actions):
        keys = ["workforce", f"lesson-{n % 16 + 1:02d}"]
        _add(closed_round, lead, keys, title=f"Action {n}", owner_member=member)
    following = assessment_next(
        assessment=closed_round, period="2027 Q2", participants=[respondent], user=lead
    ).assessment
    for n in range(actions):
        _add(following, lead, ["impact"], title=f"New {n}", due=TODAY - timedelta(days=n))
    score(respondent_of(following, respondent))
    client.force_login(lead)
    # session, user, round with place, my role, whether I take part (the round is open); the
    # pinned versions (their items are read once a process), submitted answers, consensus;
    # actions (with owner and the round carried from), their items, the items they were carried
    # with; the round before, the rounds after
    with django_assert_num_queries(13):
        response = client.get(_plan(following))
    assert response.text.count("Tom Hughes") == actions * 2  # under workforce and a lesson
    assert response.text.count("Carried over from 2025 Q4") == actions * 2
    assert response.text.count("Overdue") == actions - 1  # one is due today


# --- adding an action through the form --------------------------------------------------------


def test_it_adds_an_action_through_the_page_s_own_form(
    django_app, lead, respondent, answered_alike
):
    member = Membership.objects.get(user=respondent)
    page = django_app.get(_new(answered_alike), user=lead)
    form = _fill(
        _own_form(page),
        title="  Joint   induction ",
        description="Two days, shared.",
        owner="Jo Lee, Riverside Council",
        owner_member=str(member.pk),
        due="2027-03-31",
        status="in-progress",
        items=["workforce", "lesson-05"],
        **{"expected_workforce": "3", "expected_lesson-05": "2"},
    )
    plan = form.submit(user=lead).follow()
    action = Action.objects.get()
    assert "Action “Joint induction” added to the plan." in plan
    assert (action.title, action.owner, action.owner_member) == (
        "Joint induction",
        "Jo Lee, Riverside Council",
        member,
    )
    assert (action.due, action.status, action.expected_levels) == (
        date(2027, 3, 31),
        ActionStatus.IN_PROGRESS,
        {"workforce": 3, "lesson-05": 2},
    )
    assert sorted(i.key for i in action.items.all()) == ["lesson-05", "workforce"]
    assert action.created_by == lead


def test_it_pre_selects_an_item_and_shows_what_good_looks_like(django_app, lead, answered_alike):
    page = django_app.get(_new(answered_alike) + "?item=workforce", user=lead)
    form = _own_form(page)
    ticked = [box._value for box in form.fields["items"] if box.checked]
    assert ticked == ["workforce"]
    assert form["expected_workforce"].value == "3"  # the level above where it stands
    good = page.html.find(id="what-good").find_parent("section").text
    assert "Workforce: what good looks like" in good
    assert "Level 3 Well developed" in good
    descriptor = items_by_key(answered_alike)["workforce"].descriptors.get(value=3).descriptor
    assert descriptor in good


@pytest.mark.parametrize("key", ["no-such-item", "'; DROP TABLE", "\x00", "lesson-99"])
def test_it_ignores_an_item_the_round_does_not_have(django_app, lead, answered_alike, key):
    page = django_app.get(_new(answered_alike), {"item": key}, user=lead)
    assert page.status_code == 200
    assert not any(box.checked for box in _own_form(page).fields["items"])
    assert page.html.find(id="what-good") is None


def test_it_adds_actions_at_every_stage_of_the_round_without_touching_scores(
    django_app, lead, answered_alike
):
    scores_before = list(Response.objects.values_list("pk", "current", "target", "evidence"))
    for stage in (RoundStatus.OPEN, RoundStatus.CONSENSUS, RoundStatus.CLOSED):
        answered_alike.refresh_from_db()
        assert answered_alike.status == stage
        page = django_app.get(_new(answered_alike), user=lead)
        form = _fill(_own_form(page), title=f"At {stage}", owner="Jo", items=["impact"])
        assert form.submit(user=lead).status_code == 302
        if stage != RoundStatus.CLOSED:
            assessment_advance(assessment=answered_alike)
    assert list(Action.objects.values_list("title", flat=True).order_by("pk")) == [
        "At open",
        "At consensus",
        "At closed",
    ]
    assert list(Response.objects.values_list("pk", "current", "target", "evidence")) == (
        scores_before
    )
    assert not Consensus.objects.exists()
    answered_alike.refresh_from_db()
    assert answered_alike.status == RoundStatus.CLOSED


# --- bad input: a form error, never a 500, nothing written ------------------------------------


def _post_new(django_app, lead, round_, **values):
    page = django_app.get(_new(round_), user=lead)
    form = _fill(
        _own_form(page), **{"title": "An action", "owner": "Jo", "items": ["impact"], **values}
    )
    return form


def test_it_requires_at_least_one_item(django_app, lead, answered_alike):
    response = _post_new(django_app, lead, answered_alike, items=[]).submit(user=lead)
    assert response.status_code == 200
    assert "Choose at least one factor or lesson." in response
    assert not Action.objects.exists()


def test_it_refuses_an_item_key_the_round_does_not_have(django_app, lead, answered_alike):
    form = _post_new(django_app, lead, answered_alike)
    form.fields["items"][0].options = [("no-such-item", True, None)]
    form.fields["items"][0]._value = "no-such-item"
    response = form.submit(user=lead)
    assert response.status_code == 200
    assert "Select a valid choice. no-such-item is not one of the available choices." in response
    assert not Action.objects.exists()


def test_it_refuses_a_member_of_another_place_as_owner(django_app, lead, outsider, answered_alike):
    elsewhere = Membership.objects.get(user=outsider)
    form = _post_new(django_app, lead, answered_alike)
    form["owner_member"].force_value(str(elsewhere.pk))
    response = form.submit(user=lead)
    assert response.status_code == 200
    assert "Select a valid choice." in response.html.find(id="div_id_owner_member").text
    assert not Action.objects.exists()


def test_it_asks_who_owns_the_action(django_app, lead, answered_alike):
    response = _post_new(django_app, lead, answered_alike, owner="  ").submit(user=lead)
    assert "Say who owns the action" in response
    assert not Action.objects.exists()


def test_it_refuses_a_date_it_cannot_read_and_does_not_echo_it(django_app, lead, answered_alike):
    form = _post_new(django_app, lead, answered_alike)
    form["due"].force_value("31/03/2027<script>")
    response = form.submit(user=lead)
    assert "Enter a valid date." in response
    assert _own_form(response)["due"].value == ""
    assert "<script>" not in response.text.split("<main", 1)[1]
    assert not Action.objects.exists()


def test_it_refuses_a_level_off_the_scale_of_a_linked_item(django_app, lead, answered_alike):
    # Level 4 is on the matrix's scale, not on the lessons' (0 to 3).
    form = _post_new(django_app, lead, answered_alike, items=["impact", "lesson-05"])
    form["expected_lesson-05"].force_value("4")
    response = form.submit(user=lead)
    assert "Select a valid choice. 4 is not one of the available choices." in response
    assert not Action.objects.exists()


def test_it_refuses_an_unknown_status(django_app, lead, answered_alike):
    form = _post_new(django_app, lead, answered_alike)
    form["status"].force_value("finished")
    response = form.submit(user=lead)
    assert "Select a valid choice. finished is not one of the available choices." in response
    assert not Action.objects.exists()


# --- changing an action ----------------------------------------------------------------------


def test_it_changes_an_action_through_its_form_and_keeps_every_change(
    django_app, lead, answered_alike
):
    action = _add(answered_alike, lead)
    page = django_app.get(_edit(action), user=lead)
    form = _fill(_own_form(page), status="done", items=["workforce", "lesson-09"], due="2027-01-10")
    form.submit(user=lead).follow()
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE and action.due == date(2027, 1, 10)
    assert sorted(i.key for i in action.items.all()) == ["lesson-09", "workforce"]
    latest = action.history.order_by("-history_date", "-history_id").first()
    assert latest.history_user == lead
    assert sorted(i.item.key for i in latest.items.all()) == ["lesson-09", "workforce"]
    assert list(action.history.order_by("history_date").values_list("status", flat=True))[0] == (
        ActionStatus.PLANNED
    )
    page = django_app.get(_edit(action), user=lead)
    changes = page.html.find(id="changes").find_parent("section").text
    assert "Priya Shah" in changes and "Done" in changes


def test_it_shows_a_change_saved_in_between_instead_of_overwriting_it(
    django_app, lead, answered_alike
):
    action = _add(answered_alike, lead)
    page = django_app.get(_edit(action), user=lead)
    other_tab = django_app.get(_edit(action), user=lead)
    _fill(_own_form(other_tab), status="dropped").submit(user=lead)
    response = _fill(_own_form(page), status="done").submit(user=lead, status=409)
    action.refresh_from_db()
    assert action.status == ActionStatus.DROPPED
    assert "Someone else saved this action while you were editing" in response
    again = _own_form(response).submit(user=lead)  # saving again replaces theirs, on purpose
    assert again.status_code == 302
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE


def test_it_asks_for_a_reload_when_the_form_s_state_is_unreadable(django_app, lead, answered_alike):
    action = _add(answered_alike, lead)
    form = _fill(_own_form(django_app.get(_edit(action), user=lead)), status="done")
    form["updated_at"].force_value("yesterday")
    response = form.submit(user=lead)
    assert "This page is out of date: reload it and try again." in response
    action.refresh_from_db()
    assert action.status == ActionStatus.PLANNED
