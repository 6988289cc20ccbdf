"""Say what is ours: the report's method section (page and PDF) says the level descriptors and
the lessons' scale are this product's reading of the sources, and the lessons table gives the
reason for each factor a lesson bears on, where the framework gives one."""

import pytest
from django.urls import reverse

from assessment.selectors import assessment_summaries, forget_published_items
from frameworks.models import Item
from frameworks.selectors import latest_published_versions
from reports import pdf
from reports.selectors import report_build

from .compare_data import closed_round

pytestmark = pytest.mark.django_db

REASON = "Joint boards are where partners agree the shared vision this lesson asks for."
LESSON_1 = "1. Find common cause with partners and be prepared to share sovereignty"


def _words(element) -> str:
    return " ".join(element.get_text().split())


@pytest.fixture
def closed(place):
    return closed_round(place, "2026 Q4", {"Asha Patel": {}})


def _ours(html) -> list[str]:
    return [_words(p) for p in html.select(".method .ours")]


@pytest.mark.parametrize("name", ["reports-page", "reports-print"])
def test_it_says_the_descriptors_and_the_lessons_scale_are_ours(django_app, viewer, closed, name):
    page = django_app.get(reverse(name, args=[closed.pk]), user=viewer)
    matrix, lessons = _ours(page.html)
    assert matrix.startswith("What is ours in Integration maturity matrix: nine factors.")
    assert "are this product's reading of" in matrix and "not the source's own exhibit" in matrix
    scale = list(next(v for v in latest_published_versions() if not v.is_matrix).levels.all())
    first, last = scale[0], scale[-1]
    assert (
        f"The {first.value}–{last.value} scale the lessons are scored on "
        f"({first.value} {first.label} to {last.value} {last.label})"
    ) in lessons
    assert (first.value, last.value) == (0, 3)
    assert "is ours too" in lessons
    assert "scale" not in matrix.split("exhibit.")[1]  # the matrix's own scale claim is not made


def test_it_says_so_in_the_pdf_s_html_too(closed):
    html = pdf.report_print_html(report_build(closed), svgs={})
    assert "What is ours in Making integrated care happen at scale and pace" in " ".join(
        html.split()
    )


def _give_reason(key: str = "lesson-01", reasons: dict | None = None) -> None:
    lessons = next(v for v in latest_published_versions() if not v.is_matrix)
    given = {"governance": REASON} if reasons is None else reasons
    Item.objects.filter(version=lessons, key=key).update(related_reasons=given)
    forget_published_items()


def _bears_on(page) -> dict[str, str]:
    return {
        _words(cell.find_parent("tr").th): _words(cell) for cell in page.html.select("td.bears-on")
    }


@pytest.mark.parametrize("name", ["reports-page", "reports-print"])
def test_it_gives_the_reason_beside_each_factor_a_lesson_bears_on(django_app, viewer, place, name):
    _give_reason()
    assessment = closed_round(place, "2026 Q4", {"Asha Patel": {}})
    page = django_app.get(reverse(name, args=[assessment.pk]), user=viewer)
    cell = page.html.select_one("td.bears-on .bears-on-list")
    assert cell.find_parent("tr").th.get_text(" ", strip=True).startswith(LESSON_1)
    items = [_words(li) for li in cell.select("li")]
    assert f"Governance: {REASON}" in items
    assert "Leadership" in items  # a link the file gives no reason for is named alone


def test_it_lists_the_factors_alone_where_a_lesson_gives_no_reasons(django_app, viewer, place):
    lessons = next(v for v in latest_published_versions() if not v.is_matrix)
    Item.objects.filter(version=lessons).update(related_reasons={})
    forget_published_items()
    closed = closed_round(place, "2026 Q4", {"Asha Patel": {}})
    page = django_app.get(reverse("reports-page", args=[closed.pk]), user=viewer)
    bears_on = _bears_on(page)
    assert {"Governance", "Leadership"} <= set(bears_on[LESSON_1].split(", "))
    assert page.html.select(".bears-on-reason") == []


def test_it_carries_the_reasons_in_the_round_s_results(place):
    _give_reason()
    _give_reason("lesson-02", {})
    assessment = closed_round(place, "2026 Q4", {"Asha Patel": {}})
    by_key = {s.item.key: s.scores for s in assessment_summaries(assessment)}
    assert by_key["lesson-01"].related_reasons == {"governance": REASON}
    assert by_key["lesson-02"].related_reasons == {}
