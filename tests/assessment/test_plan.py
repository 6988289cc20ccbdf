"""The plan as read for the page, the report and comparisons: gaps, actions, counts, outcomes."""

from datetime import date, timedelta

import pytest

from assessment.models import ActionStatus
from assessment.plan import action_counts, plan_get, plan_summary
from assessment.services import assessment_advance, consensus_record
from assessment.services.actions import action_create
from reports import plan_sections
from reports.selectors import report_build
from tests.assessment.scoring import items_by_key, respondent_of, score

pytestmark = pytest.mark.django_db

TODAY = date.today()


# --- the plan of a round ----------------------------------------------------------------------


@pytest.fixture
def round_with_gaps(open_round, respondent):
    """Everyone answered 2 now, 3 target, except impact (already at target) and place."""
    score(respondent_of(open_round, respondent), levels={"impact": (3, 3), "place": (1, 3)})
    return open_round


def _add(round_, lead, keys, **values):
    items = items_by_key(round_)
    values.setdefault("title", f"Action on {', '.join(keys)}")
    values.setdefault("owner", "Jo Lee, Riverside Council")
    return action_create(assessment=round_, user=lead, items=[items[k] for k in keys], **values)


def test_it_lists_every_gap_nobody_owns_leaving_out_context_and_met_targets(round_with_gaps):
    plan = plan_get(round_with_gaps)
    unowned = [row.item.key for row in plan.gaps_without_action]
    assert "impact" not in unowned  # at its target
    assert "place" not in unowned  # a context factor is never a gap
    assert unowned[:2] == ["focus-on-individuals", "care-model"]  # factors first
    assert "lesson-05" in unowned and len(unowned) == 23


def test_it_counts_a_gap_as_owned_unless_its_only_action_was_dropped(round_with_gaps, lead):
    _add(round_with_gaps, lead, ["workforce"], status=ActionStatus.DONE)
    _add(round_with_gaps, lead, ["governance"], status=ActionStatus.DROPPED)
    unowned = {row.item.key for row in plan_get(round_with_gaps).gaps_without_action}
    assert "workforce" not in unowned
    assert "governance" in unowned


def test_it_uses_the_agreed_position_once_the_team_has_recorded_it(round_with_gaps, lead):
    assessment_advance(assessment=round_with_gaps)
    item = items_by_key(round_with_gaps)["workforce"]
    consensus_record(
        assessment=round_with_gaps,
        item=item,
        current=3,
        target=3,
        rationale="Met.",
        user=lead,
        revision=0,
    )
    rows = {row.item.key: row for row in plan_get(round_with_gaps).rows}
    assert rows["workforce"].gap is None
    assert rows["governance"].gap_text == "now 2 Developed, target 3 Well developed (team's median)"


def test_it_groups_actions_under_each_of_their_items_soonest_due_first(round_with_gaps, lead):
    later = _add(round_with_gaps, lead, ["workforce", "lesson-05"], due=TODAY + timedelta(days=40))
    undated = _add(round_with_gaps, lead, ["workforce"])
    sooner = _add(round_with_gaps, lead, ["workforce"], due=TODAY + timedelta(days=5))
    plan = plan_get(round_with_gaps)
    rows = {row.item.key: row for row in plan.rows}
    assert rows["workforce"].actions == [sooner, later, undated]
    assert rows["lesson-05"].actions == [later]
    assert plan.actions == [sooner, later, undated]


def test_it_marks_only_open_actions_past_their_due_date_as_overdue(round_with_gaps, lead):
    past = TODAY - timedelta(days=1)
    late = _add(round_with_gaps, lead, ["workforce"], due=past, status=ActionStatus.IN_PROGRESS)
    _add(round_with_gaps, lead, ["workforce"], due=past, status=ActionStatus.DONE)
    _add(round_with_gaps, lead, ["workforce"], due=past, status=ActionStatus.DROPPED)
    _add(round_with_gaps, lead, ["workforce"], due=TODAY, status=ActionStatus.PLANNED)
    assert plan_get(round_with_gaps).overdue == [late]


def test_it_sums_up_the_plan_for_a_board(round_with_gaps, lead):
    past = TODAY - timedelta(days=3)
    _add(round_with_gaps, lead, ["workforce"], status=ActionStatus.DONE)
    _add(round_with_gaps, lead, ["workforce", "governance"], due=past)
    _add(round_with_gaps, lead, ["lesson-05"], status=ActionStatus.DROPPED)
    summary = plan_summary(round_with_gaps)
    counts = summary.counts
    assert (counts.total, counts.done, counts.open, counts.overdue, counts.dropped) == (
        3,
        1,
        1,
        1,
        1,
    )
    factors = {entry.key: entry for entry in summary.per_factor}
    assert len(factors) == 9
    assert (factors["workforce"].counts.total, factors["workforce"].counts.done) == (2, 1)
    assert factors["governance"].counts.overdue == 1
    assert summary.gaps_without_action == 23 - 2  # workforce and governance are owned


def test_it_counts_actions_per_round_and_item_in_one_query(
    round_with_gaps, lead, django_assert_num_queries
):
    _add(round_with_gaps, lead, ["workforce"], status=ActionStatus.DONE)
    _add(round_with_gaps, lead, ["workforce", "impact"])
    with django_assert_num_queries(1):
        counts = action_counts([round_with_gaps.pk])
    workforce = counts[round_with_gaps.pk]["workforce"]
    assert (workforce.total, workforce.done, workforce.open) == (2, 1, 1)
    assert counts[round_with_gaps.pk]["impact"].total == 1


# --- since last round -------------------------------------------------------------------------


def test_it_tells_whether_completed_actions_moved_their_items(place, lead, respondent, versions):
    from assessment.services import assessment_open
    from assessment.services.actions import assessment_next

    first = assessment_open(
        place=place, period="2025 Q4", versions=versions, participants=[respondent], user=lead
    )
    score(respondent_of(first, respondent))
    assessment_advance(assessment=first)
    items = items_by_key(first)
    for key in items:
        consensus_record(
            assessment=first,
            item=items[key],
            current=2,
            target=None if items[key].is_context else 3,
            rationale="Agreed.",
            user=lead,
            revision=0,
        )
    assessment_advance(assessment=first)
    _add(first, lead, ["workforce"], status=ActionStatus.DONE, expected_level=3)
    _add(first, lead, ["governance"], status=ActionStatus.PLANNED, expected_level=3)
    second = assessment_next(
        assessment=first, period="2026 Q2", participants=[respondent], user=lead
    ).assessment
    carried = second.actions.get()
    carried.status = ActionStatus.DONE
    carried.save()
    score(respondent_of(second, respondent), levels={"workforce": (3, 4)})
    since = plan_sections.build(report_build(second)).since
    outcomes = {o.key: o for o in since.outcomes}
    assert set(outcomes) == {"workforce", "governance"}
    workforce, governance = outcomes["workforce"], outcomes["governance"]
    assert (workforce.before.value, workforce.now.value) == (2, 3)
    assert workforce.verdict == "Reached" and workforce.reached_expected
    assert governance.change <= 0 and governance.verdict == "Not yet"
