"""The demo's improvement plan: Riverside's closed round has one, and its open round carries it."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from assessment.demo_actions import seed_demo_actions
from assessment.models import Action, ActionStatus, Assessment
from assessment.plan import plan_get

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("seed_demo", stdout=StringIO())
    seed_demo_actions()
    return {a.period: a for a in Assessment.objects.filter(place__code="riverside")}


def test_it_gives_riverside_s_closed_round_a_plan_with_done_overdue_and_planned_actions(demo):
    plan = plan_get(demo["2025 Q4"])
    statuses = [a.status for a in plan.actions]
    assert statuses.count(ActionStatus.DONE) >= 2
    assert statuses.count(ActionStatus.PLANNED) >= 2
    assert len(plan.overdue) == 1
    assert all(a.items.exists() for a in plan.actions)


def test_it_starts_the_open_round_from_the_closed_one_with_its_open_actions(demo):
    closed, following = demo["2025 Q4"], demo["2026 Q4"]
    assert following.previous == closed
    carried = following.actions.all()
    still_open = closed.actions.filter(status__in=[ActionStatus.PLANNED, ActionStatus.IN_PROGRESS])
    assert sorted(a.carried_from_id for a in carried) == sorted(a.pk for a in still_open)
    assert len(plan_get(following).overdue) == 1
    for action in carried:
        assert {i.key for i in action.items.all()} == {
            i.key for i in action.carried_from.items.all()
        }
        assert {i.version for i in action.items.all()} <= set(following.framework_versions.all())


def test_it_changes_nothing_when_run_again(demo):
    before = list(Action.objects.values_list("pk", "assessment_id", "status").order_by("pk"))
    assert seed_demo_actions() == {"actions": 0, "carried": 0}
    call_command("seed_demo", stdout=StringIO())
    seed_demo_actions()
    assert list(Action.objects.values_list("pk", "assessment_id", "status").order_by("pk")) == (
        before
    )


def test_it_shows_the_demo_plan_to_riverside_s_lead(client, demo):
    client.force_login(demo["2025 Q4"].place.memberships.get(role="lead").user)
    response = client.get(reverse("assessment-actions", args=[demo["2026 Q4"].pk]))
    assert response.status_code == 200
    assert "Carried over from 2025 Q4" in response.text
    assert "Overdue" in response.text
