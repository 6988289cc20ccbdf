"""An action expects a level of each item it names, on that item's own scale: a lesson's 0–3
beside a factor's 1–4, and nothing of a context factor such as Place."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from assessment.models import Action
from assessment.services import assessment_advance
from assessment.services.actions import action_create
from tests.assessment.scoring import items_by_key, respondent_of, score

pytestmark = pytest.mark.django_db


@pytest.fixture
def discussed_round(open_round, respondent):
    """Scoring has ended: the whole place reads the plan and its gaps."""
    score(respondent_of(open_round, respondent))
    return assessment_advance(assessment=open_round)


def _create(round_, lead, keys, **values):
    items = items_by_key(round_)
    return action_create(
        assessment=round_, user=lead, title="Pool budgets", items=[items[k] for k in keys], **values
    )


def test_it_keeps_a_level_per_item_each_on_its_own_scale(discussed_round, lead):
    action = _create(
        discussed_round,
        lead,
        ["commissioning-and-payment", "lesson-08"],
        expected_levels={"commissioning-and-payment": 4, "lesson-08": 0},
    )
    action.refresh_from_db()
    assert action.expected_levels == {"commissioning-and-payment": 4, "lesson-08": 0}


def test_it_refuses_a_level_for_a_context_factor(discussed_round, lead):
    with pytest.raises(ValidationError, match="describes circumstances"):
        _create(discussed_round, lead, ["place", "workforce"], expected_levels={"place": 3})
    assert not Action.objects.exists()


def test_it_refuses_a_level_for_an_item_the_action_is_not_for(discussed_round, lead):
    with pytest.raises(ValidationError, match="which the action is not for"):
        _create(discussed_round, lead, ["workforce"], expected_levels={"impact": 3})


def test_it_offers_each_item_its_own_level_names_and_none_for_place(
    django_app, discussed_round, lead
):
    page = django_app.get(reverse("assessment-action-new", args=[discussed_round.pk]), user=lead)
    [form] = [f for f in page.forms.values() if f.action in ("", page.request.path)]
    assert "expected_place" not in form.fields
    lesson = page.html.find("select", attrs={"name": "expected_lesson-08"})
    factor = page.html.find("select", attrs={"name": "expected_workforce"})
    lesson_values = [o["value"] for o in lesson.find_all("option") if o["value"]]
    factor_values = [o["value"] for o in factor.find_all("option") if o["value"]]
    assert (lesson_values, factor_values) == (["0", "1", "2", "3"], ["1", "2", "3", "4"])
    assert "A context factor: no level is expected of it." in page


def test_it_saves_levels_posted_beside_the_ticked_items(django_app, discussed_round, lead):
    page = django_app.get(reverse("assessment-action-new", args=[discussed_round.pk]), user=lead)
    [form] = [f for f in page.forms.values() if f.action in ("", page.request.path)]
    form["title"], form["owner"] = "Pool the equipment budget", "Finance leads"
    for box in form.fields["items"]:
        box.checked = box._value in ("commissioning-and-payment", "lesson-08")
    form["expected_commissioning-and-payment"] = "4"
    form["expected_lesson-08"] = "3"
    plan = form.submit(user=lead).follow()
    action = Action.objects.get()
    assert action.expected_levels == {"commissioning-and-payment": 4, "lesson-08": 3}
    assert "Commissioning and payment: level 4" in plan.text


def test_it_refuses_a_level_beside_an_item_left_unticked(django_app, discussed_round, lead):
    page = django_app.get(reverse("assessment-action-new", args=[discussed_round.pk]), user=lead)
    [form] = [f for f in page.forms.values() if f.action in ("", page.request.path)]
    form["title"], form["owner"] = "Pool the equipment budget", "Finance leads"
    for box in form.fields["items"]:
        box.checked = box._value == "workforce"
    form["expected_lesson-08"] = "3"
    response = form.submit(user=lead)
    assert "Tick" in response and "or leave its level not set." in response
    assert not Action.objects.exists()


def test_it_carries_each_level_into_the_next_round(discussed_round, lead, respondent):
    from assessment.services.actions import assessment_next

    _create(
        discussed_round,
        lead,
        ["workforce", "lesson-05"],
        expected_levels={"workforce": 4, "lesson-05": 1},
    )
    closed = assessment_advance(assessment=discussed_round)
    started = assessment_next(assessment=closed, period="2027 Q2", participants=[lead], user=lead)
    [carried] = started.carried
    assert carried.action.expected_levels == {"workforce": 4, "lesson-05": 1}


def test_it_gives_each_item_its_level_in_the_plan_s_json(client, discussed_round, lead, viewer):
    _create(
        discussed_round,
        lead,
        ["workforce", "lesson-05"],
        expected_levels={"workforce": 4, "lesson-05": 1},
    )
    client.force_login(viewer)
    document = client.get(reverse("assessment-actions-api", args=[discussed_round.pk])).json()
    [action] = document["actions"]
    levels = {item["key"]: item["expected_level"] for item in action["items"]}
    assert levels == {"workforce": 4, "lesson-05": 1}


@pytest.mark.django_db(transaction=True)
def test_it_carries_an_old_single_level_to_each_item_whose_scale_has_it(open_round, lead):
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    old, new = (
        [("assessment", "0004_consensus_minority_view_and_context")],
        [("assessment", "0005_action_expected_levels")],
    )
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate(old)
    try:
        apps = executor.loader.project_state(old).apps
        items = items_by_key(open_round)
        action = apps.get_model("assessment", "Action").objects.create(
            assessment_id=open_round.pk, title="Pool budgets", expected_level=3
        )
        # Level 3 is on the matrix's scale and the lessons'; Place, a context factor, takes none.
        action.items.set([items[k].pk for k in ("workforce", "lesson-08", "place")])
        MigrationExecutor(connection).migrate(new)
        carried = Action.objects.get(pk=action.pk).expected_levels
        assert carried == {"workforce": 3, "lesson-08": 3}
    finally:
        # Back to the schema every later test expects, whatever this one found.
        MigrationExecutor(connection).migrate(latest)


def test_it_shows_no_next_level_for_a_context_factor(django_app, discussed_round, lead):
    url = reverse("assessment-action-new", args=[discussed_round.pk]) + "?item=place"
    page = django_app.get(url, user=lead)
    card = page.html.find(id="what-good").find_parent("section").text
    assert "Place: a context factor" in card and "what good looks like" not in card
