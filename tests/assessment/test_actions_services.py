"""The plan's writes hold their rules whatever calls them: a form, a command or the demo."""

import pytest
from django.core.exceptions import ValidationError

from assessment.models import Action, ActionStatus, Membership
from assessment.services.actions import ActionConflict, action_create, action_update
from frameworks.models import FrameworkVersion, Item
from tests.assessment.scoring import items_by_key

pytestmark = pytest.mark.django_db


def _create(round_, lead, **values):
    values.setdefault("items", [items_by_key(round_)["workforce"]])
    return action_create(assessment=round_, user=lead, title="Joint induction", **values)


def test_it_refuses_an_action_with_no_item(open_round, lead):
    with pytest.raises(ValidationError, match="at least one factor or lesson"):
        _create(open_round, lead, items=[])
    assert not Action.objects.exists()


def test_it_refuses_an_item_of_versions_the_round_is_not_scored_on(open_round, lead):
    pinned = open_round.framework_versions.all()
    other = Item.objects.filter(key="workforce").exclude(version__in=pinned).first()
    assert other is not None and FrameworkVersion.objects.filter(items=other).exists()
    with pytest.raises(ValidationError, match="items of its own round"):
        _create(open_round, lead, items=[other])
    assert not Action.objects.exists()


def test_it_refuses_an_owner_from_another_place(open_round, lead, outsider):
    with pytest.raises(ValidationError, match="member of this place"):
        _create(open_round, lead, owner_member=Membership.objects.get(user=outsider))
    assert not Action.objects.exists()


def test_it_refuses_a_level_off_an_item_s_scale(open_round, lead):
    lesson = items_by_key(open_round)["lesson-05"]  # scored 0 to 3
    with pytest.raises(ValidationError, match="Level 4 is not on the scale"):
        _create(open_round, lead, items=[lesson], expected_level=4)
    assert _create(open_round, lead, items=[lesson], expected_level=0).expected_level == 0


def test_it_refuses_to_overwrite_a_change_it_was_not_shown(open_round, lead):
    action = _create(open_round, lead)
    shown = action.updated_at
    items = list(action.items.all())
    action_update(action=action, title="First save", items=items, shown_updated_at=shown)
    with pytest.raises(ActionConflict) as conflict:
        action_update(
            action=action,
            title="Second save",
            items=items,
            shown_updated_at=shown,
            status=ActionStatus.DONE,
        )
    assert conflict.value.current.title == "First save"
    action.refresh_from_db()
    assert (action.title, action.status) == ("First save", ActionStatus.PLANNED)


def test_it_keeps_each_change_of_items_in_the_history(open_round, lead):
    items = items_by_key(open_round)
    action = _create(open_round, lead)
    action_update(action=action, title="Joint induction", items=[items["lesson-05"]])
    history = action.history.order_by("history_date", "history_id")
    linked = [sorted(i.item.key for i in h.items.all()) for h in history]
    assert linked[0] == [] and linked[-1] == ["lesson-05"]
    assert ["workforce"] in linked
