"""The report's improvement-plan sections (reports/plan_sections.py): the one-page summary,
"since last round" and the plan grouped by factor, on the report page."""

from datetime import timedelta

import pytest
from django.urls import reverse

from assessment.models import Action, ActionStatus, Assessment, Response
from assessment.services import assessment_step_back
from reports import plan_sections
from reports.selectors import report_build
from reports.since import LevelChange, Outcome, Standing, basis, signed

from .pages import table
from .plan_rounds import TODAY, build_two_rounds, set_status


@pytest.fixture
def rounds(make_round, lead, respondent):
    return build_two_rounds(make_round, lead, respondent)


@pytest.fixture
def split_rounds(rounds, settings):
    """The two rounds, where a deployment calls an item split as soon as one answer is over a
    level from the median, and two items' answers are three levels apart: Workforce in 2026 Q4
    (the lead now says 4, the respondent 1) and Care model in 2025 Q4 (1 and 4, agreed at 2).
    Two people can never split an item by SCIROCCO's rule (four answers outside the band), nor
    by this one with answers two levels apart (1 and 3 are each one level from their median of
    2); these tests are of how the summary shows split items."""
    settings.AGREEMENT_BAND, settings.AGREEMENT_MAX_OUTSIDE = 1, 0
    change_answer(rounds.current, "workforce", current=4, was=3)
    change_answer(rounds.previous, "care-model", current=4, was=3)
    return rounds


def change_answer(assessment, key: str, *, current: int, was: int) -> None:
    """The one answer to `key` that said `was` says `current` instead."""
    answers = Response.objects.filter(respondent__assessment=assessment, item__key=key, current=was)
    assert answers.update(current=current) == 1


def report_url(assessment):
    return reverse("reports-page", args=[assessment.pk])


def sections_of(assessment):
    return plan_sections.build(report_build(assessment))


def number(value) -> str:
    """A level as the report prints it: 2.0 reads 2."""
    return "—" if value is None else f"{value:g}"


# --- since last round: the numbers of both rounds -------------------------------------------------


def test_it_sets_each_factor_beside_both_rounds_scores_cell_by_cell(django_app, viewer, rounds):
    page = django_app.get(report_url(rounds.current), user=viewer)
    shown = table(page, "The nine factors: level in 2025 Q4")
    # Both rounds have agreed levels and medians: each median is marked as such.
    assert shown[0] == ["Factor", "2025 Q4", "2026 Q4", "Change"]
    before = {f.key: f for f in report_build(rounds.previous).factors}
    now = report_build(rounds.current).factors
    # Each row is the previous round's report and this round's, item by item.
    for row, result in zip(shown[1:], now, strict=True):
        then = before[result.key]
        title = result.title + (" (context)" if result.scores.is_context else "")
        assert row[0] == title
        assert row[1].removesuffix(" (median)") == number(then.current)
        assert row[2].removesuffix(" (median)") == number(result.current)
    rows = {row[0]: row[1:] for row in shown[1:]}
    assert rows["Impact"] == ["1", "3", "+2"]  # agreed in both rounds
    assert rows["Care model"] == ["2", "3 (median)", "+1"]  # agreed, then the median
    assert rows["Governance"] == ["3.5 (median)", "2 (median)", "−1.5"]
    assert rows["Information management"] == ["2 (median)", "1.5 (median)", "−0.5"]
    assert rows["Place (context)"] == ["2 (median)", "2 (median)", "no change"]


def test_it_sets_each_lesson_beside_both_rounds_scores(django_app, viewer, rounds):
    page = django_app.get(report_url(rounds.current), user=viewer)
    shown = table(page, "The sixteen lessons: level in 2025 Q4")
    assert len(shown) == 1 + 16
    rows = {row[0].split(". ", 1)[0]: row[1:] for row in shown[1:]}
    assert rows["8"] == ["1", "2 (median)", "+1"]  # agreed at 1 in 2025 Q4
    assert rows["1"] == ["2 (median)", "2 (median)", "no change"]


def test_it_counts_what_moved_up_and_down(rounds):
    since = sections_of(rounds.current).since
    moves = since.factor_moves
    # Impact, care model up; information management, governance, leadership down.
    assert (moves.up, moves.down, moves.same, moves.unknown) == (2, 3, 4, 0)
    assert since.lesson_moves.up == 1 and since.lesson_moves.same == 15
    assert [c.key for c in since.largest_moves[:2]] == ["impact", "governance"]


def test_it_reads_only_agreed_levels_of_a_previous_round_reopened_since(rounds, lead):
    assessment_step_back(
        assessment=rounds.previous, shown_status="closed", user=lead, reason="A score was wrong."
    )
    before = sections_of(rounds.current).before
    assert before == {
        "impact": Standing(1, True),
        "care-model": Standing(2, True),
        "lesson-08": Standing(1, True),
    }


def test_it_says_a_first_round_has_nothing_to_compare_with(django_app, viewer, rounds):
    page = django_app.get(report_url(rounds.previous), user=viewer)
    since = page.html.find("section", attrs={"aria-labelledby": "since-h"}).get_text(" ")
    assert "first round on record" in " ".join(since.split())
    assert "Agree a shared outcomes framework" in since  # done in its own plan
    assert not page.html.select("table.since-table")


# --- since last round: the actions completed ------------------------------------------------------


def test_it_says_whether_completed_actions_moved_their_items_as_expected(
    django_app, viewer, rounds
):
    page = django_app.get(report_url(rounds.current), user=viewer)
    shown = table(page, "Actions completed since 2025 Q4")
    assert shown[0] == ["Action", "Item", "2025 Q4", "2026 Q4", "Expected", "Moved as expected?"]
    outcomes = shown[1][0].startswith("Agree a shared outcomes framework")
    redesign = shown[2][0].startswith("Redesign the neighbourhood care model")
    assert outcomes and redesign  # soonest due first
    assert shown[1][1:] == ["Impact", "1", "3", "2", "Reached"]
    assert shown[2][1:] == ["Care model", "2", "3", "4", "Not yet"]
    assert len(shown) == 3  # the dropped and the running actions are not completed


def test_it_counts_a_carried_action_completed_in_both_rounds_once(rounds):
    set_status(rounds.pooling.carried_from, ActionStatus.DONE)
    set_status(rounds.pooling, ActionStatus.DONE)
    completed = sections_of(rounds.current).since.completed
    titles = [c.action.title for c in completed]
    assert titles.count("Pool the community equipment budget") == 1
    [pooling] = [c for c in completed if c.action.title.startswith("Pool")]
    assert pooling.done_in == "2026 Q4"
    # Commissioning and payment stands at 2 (expected 3); lesson 8 at 2 (expected 3).
    assert [(o.key, o.verdict) for o in pooling.outcomes] == [
        ("commissioning-and-payment", "Not yet"),
        ("lesson-08", "Not yet"),
    ]


# --- the improvement plan -------------------------------------------------------------------------


def test_it_groups_the_plan_by_factor_then_lesson_with_owner_due_and_status(
    django_app, viewer, rounds
):
    page = django_app.get(report_url(rounds.current), user=viewer)
    factors = table(page, "The nine factors: actions with their owner")
    due = (TODAY - timedelta(days=10)).strftime("%-d %b %Y")
    at = factors.index(
        ["Commissioning and payment — now 2 Developed, target 3 Well developed (team's median)"]
    )
    assert factors[at + 1] == [
        "Pool the community equipment budget Expected to reach level 3 Well developed. "
        "Carried over from 2025 Q4.",
        "Finance leads of the council and the ICB",
        due,
        "In progress Overdue",
    ]
    at = factors.index(["Workforce — now 2 Developed, target 3 Well developed (team's median)"])
    assert factors[at + 1][1:3] == [
        "Tom Hughes",
        (TODAY + timedelta(days=90)).strftime("%-d %b %Y"),
    ]
    assert factors[at + 1][3] == "Planned"
    lessons = table(page, "The sixteen lessons: actions with their owner")
    at = [n for n, row in enumerate(lessons) if row[0].startswith("8. Pool resources")][0]
    assert lessons[at + 1][0].startswith("Pool the community equipment budget")
    overdue = page.html.select("table.plan-table tr.overdue")
    assert len(overdue) == 2  # the overdue action, under each of its two items


def test_it_lists_the_gaps_nobody_owns_as_no_action_yet(django_app, viewer, rounds):
    page = django_app.get(report_url(rounds.current), user=viewer)
    # In one compact table of their own, a row each, not a group of two rows each.
    unowned_rows = table(page, "The nine factors with a gap and No action yet")
    assert ["Leadership", "Now 1 Emerging, target 4 Extensive development (team's median)"] in (
        unowned_rows
    )
    factors = table(page, "The nine factors: actions with their owner")
    assert not [row for row in factors if row[0].startswith("Leadership")]
    at = factors.index(["Workforce — now 2 Developed, target 3 Well developed (team's median)"])
    assert factors[at + 1][0].startswith("Joint induction")  # owned: no "no action yet"
    assert ["No action yet"] not in factors[at + 1 : at + 3]
    unowned = [row.item.key for row in sections_of(rounds.current).plan.gaps_without_action]
    assert "leadership" in unowned and "workforce" not in unowned
    assert "commissioning-and-payment" not in unowned and "lesson-08" not in unowned


def test_it_counts_a_gap_whose_only_action_was_dropped_as_unowned(rounds, lead):
    set_status(rounds.induction, ActionStatus.DROPPED)
    unowned = [row.item.key for row in sections_of(rounds.current).plan.gaps_without_action]
    assert "workforce" in unowned


# --- the summary ---------------------------------------------------------------------------------


def test_it_summarises_the_response_rate_gaps_splits_actions_and_change(split_rounds):
    rounds = split_rounds
    summary = sections_of(rounds.current).summary
    assert summary.response_rate == "2 of 3 responded"
    assert [g.result.key for g in summary.top_gaps] == [
        "leadership",
        "information-management",
        "focus-on-individuals",
    ]
    assert [g.no_action_yet for g in summary.top_gaps] == [True, True, True]
    assert [r.key for r in summary.splits] == ["workforce"]
    assert summary.counts.total == 2 and summary.counts.done == 0
    assert [a.title for a in summary.overdue] == ["Pool the community equipment budget"]
    assert summary.since.previous == rounds.previous


def test_it_shows_the_summary_at_the_top_of_the_report_page(django_app, viewer, split_rounds):
    rounds = split_rounds
    page = django_app.get(report_url(rounds.current), user=viewer)
    first = page.html.find("h2")
    assert first.get_text() == "Summary"
    text = " ".join(page.html.find("section", class_="report-summary").get_text().split())
    assert "2 of 3 responded" in text
    assert "Leadership: now 1 (Emerging), target 4: a gap of 3; No action yet" in text
    assert "Workforce: answers from 1 to 4" in text
    assert "0 of 2 actions done" in text and "1 action overdue" in text
    assert "Overdue Pool the community equipment budget" in text
    assert "Change since 2025 Q4" in text
    # Workforce is up too: 2 in 2025 Q4, now the median of 1 and 4.
    assert "Factors: 3 up, 3 down, 3 unchanged" in text
    assert "Actions completed since: 2; 1 of 2 of their items reached the level expected" in text


def test_it_names_the_splits_settled_by_agreement(split_rounds):
    summary = sections_of(split_rounds.previous).summary
    assert summary.splits == []
    assert summary.settled_splits == 1  # care model: 1 and 4, agreed at 2
    assert summary.since.previous is None


def test_it_counts_actions_done_and_overdue_as_they_change(rounds):
    set_status(rounds.induction, ActionStatus.DONE)
    Action.objects.filter(pk=rounds.pooling.pk).update(due=TODAY + timedelta(days=5))
    counts = sections_of(rounds.current).summary.counts
    assert (counts.done, counts.overdue, counts.open) == (1, 0, 1)


# --- reading it: a fixed number of queries --------------------------------------------------------


@pytest.mark.parametrize("extra", [0, 12])
def test_it_reads_the_plan_sections_in_the_same_queries_however_many_actions(
    rounds, lead, extra, django_assert_num_queries
):
    from .plan_rounds import add_action

    for n in range(extra):
        add_action(rounds.current, lead, ["governance", f"lesson-{n % 9 + 1:02d}"], title=f"A{n}")
    report = report_build(Assessment.objects.get(pk=rounds.current.pk))  # as a page loads it
    # The round before, who responded, the actions with owners and carried-from rounds, their
    # items, and the previous round's kept results.
    with django_assert_num_queries(5):
        sections = plan_sections.build(report)
    assert sections.summary.counts.total == 2 + extra


@pytest.mark.parametrize("extra", [0, 12])
def test_it_builds_the_report_page_in_the_same_queries_however_many_actions(
    client, viewer, rounds, lead, extra, django_assert_num_queries
):
    from .plan_rounds import add_action

    for n in range(extra):
        add_action(rounds.current, lead, ["governance", f"lesson-{n % 9 + 1:02d}"], title=f"A{n}")
    client.force_login(viewer)
    # session, user, round with its place, the viewer's membership; the report: the pinned
    # versions (their items are read once a process), the submitted responses, consensus; then
    # the plan sections: the round before (a member may open it: nothing checked), who responded,
    # the actions with owners and carried-from rounds, their items, the previous round's kept
    # results; whether a newer version of a pinned framework has been published.
    with django_assert_num_queries(13):
        response = client.get(report_url(rounds.current))
    assert response.text.count('class="badge status status-') == 3 + 2 * extra


# --- pure computation ---------------------------------------------------------------------------


def test_it_writes_a_change_with_its_sign():
    assert [signed(1), signed(-0.5), signed(0), signed(2.0)] == ["+1", "−0.5", "0", "+2"]


def test_it_says_how_a_column_of_levels_was_reached():
    agreed, median = Standing(2, True), Standing(2.5, False)
    assert basis([agreed, None, agreed]) == "agreed"
    assert basis([median, None]) == "median"
    assert basis([agreed, median]) == "mixed"


def test_it_cannot_compare_an_item_new_in_this_round():
    change = LevelChange("x", "X", 1, True, False, before=None, now=Standing(2, False))
    assert (change.change, change.direction, change.change_text) == (None, "", "—")


@pytest.mark.parametrize(
    ("before", "now", "expected", "verdict"),
    [
        (Standing(1, True), Standing(3, True), 2, "Reached"),
        (Standing(1, True), Standing(2.5, False), 3, "Not yet"),
        (Standing(1, True), Standing(2, False), None, "Up 1"),
        (Standing(2, True), Standing(2, True), None, "No change"),
        (None, None, 3, "Not scored yet"),
    ],
)
def test_it_judges_whether_a_completed_action_moved_its_item(before, now, expected, verdict):
    outcome = Outcome(
        action=None,
        done_in="2025 Q4",
        key="impact",
        title="Impact",
        before=before,
        now=now,
        expected_level=expected,
    )
    assert outcome.verdict == verdict
