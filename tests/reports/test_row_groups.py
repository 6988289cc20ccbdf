"""The report's grouped tables, on the page and in the PDF's HTML: the lessons by level, the
plan by item and the actions completed since last round. Each group header heads a <tbody> of
its own, so a screen reader gives each row its group and no other."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from reports import pdf
from reports.selectors import report_build
from tests.assessment.row_groups import groups, misgrouped

from .plan_rounds import build_two_rounds
from .rounds import LEAD_ANSWERS, answer, respondent_of

pytestmark = pytest.mark.django_db

LESSONS = "The sixteen lessons: how far each is acted on"


@pytest.fixture
def rounds(make_round, lead, respondent):
    return build_two_rounds(make_round, lead, respondent)


def _lessons_table(html):
    [table] = [t for t in html.find_all("table") if t.caption.get_text().startswith(LESSONS)]
    return table


def test_it_gives_every_group_of_the_report_page_its_own_body(django_app, viewer, rounds):
    page = django_app.get(reverse("reports-page", args=[rounds.current.pk]), user=viewer)
    assert misgrouped(page.html) == []
    # The lessons, the plan's items and the actions completed since last round are grouped.
    grouped = page.html.select('table:has(th[scope="rowgroup"])')
    assert {"report-table", "plan-table", "outcome-table"} <= {
        c for t in grouped for c in t["class"]
    }


def test_it_gives_every_group_of_the_printed_report_its_own_body(rounds):
    html = pdf.report_print_html(report_build(rounds.current), svgs={"radar": "", "lessons": ""})
    page = BeautifulSoup(html, "html.parser")
    assert misgrouped(page) == []
    # The plan's groups of actions and the lessons' levels (a gap with no action is a row of a
    # table of its own, not a group).
    assert len(page.select('th[scope="rowgroup"]')) > 4


def test_it_heads_each_lesson_with_its_level_and_the_unscored_apart(django_app, open_round, lead):
    scorer = answer(respondent_of(open_round, lead), {**LEAD_ANSWERS, "lesson-01": (3, 3)})
    # As a workshop sheet imported with two lessons left blank leaves them.
    scorer.responses.filter(item__key__in=["lesson-03", "lesson-07"]).delete()
    # The lead has submitted, so sees the team's figures while scoring is open.
    page = django_app.get(reverse("reports-page", args=[open_round.pk]), user=lead)
    table = _lessons_table(page.html)
    assert misgrouped(table) == []
    (top, first), (middle, rest), (unscored, last) = groups(table)
    assert (top, first) == (
        "3 Embedded (1)",
        ["1. Find common cause with partners and be prepared to share sovereignty"],
    )
    assert middle == "2 Established (13)" and len(rest) == 13
    # The lessons nobody scored are not read as the last level's.
    assert unscored == "Not scored (2)"
    assert [lesson.split(".")[0] for lesson in last] == ["3", "7"]
