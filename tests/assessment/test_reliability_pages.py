"""Where a round's reliability figures show: the facilitator view, the report's method section
and the round's JSON; and how many queries many rounds' figures take."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from assessment.reliability_selectors import rounds_reliability
from assessment.services import assessment_open
from tests.assessment.consensus_pages import overview_url
from tests.assessment.scoring import respondent_of, score

pytestmark = pytest.mark.django_db

MATRIX, LESSONS = "lga-maturity-matrix", "kingsfund-16-lessons"


@pytest.fixture(autouse=True)
def no_kept_figures():
    """Each test works its figures out afresh."""
    cache.clear()


@pytest.fixture
def sciroccos_rule(settings):
    """The rule of a deployment that sets none (whatever the test settings say)."""
    for name in ("AGREEMENT_BAND", "AGREEMENT_MAX_OUTSIDE"):
        if hasattr(settings, name):
            delattr(settings, name)


def _rows(page) -> dict[str, dict[str, str]]:
    """The reliability table's cells by framework slug and column class."""
    return {
        tr["data-framework"]: {
            cls: " ".join(tr.select_one(f".{cls}").get_text(" ").split())
            for cls in ("krippendorff", "within-one", "split-items", "cronbach")
        }
        | {"raters": tr.select("td")[0].get_text(strip=True)}
        for tr in page.html.select("tr.reliability-row")
    }


def test_the_facilitator_sees_how_far_the_answers_agree(
    django_app, lead, split_at_consensus, any_far_answer_splits
):
    page = django_app.get(overview_url(split_at_consensus), user=lead)
    rows = _rows(page)
    # Impact 1, 2, 4 (4 is two levels from the median of 2); every other answer is 2.
    assert rows[MATRIX]["raters"] == "3"
    assert rows[MATRIX]["split-items"] == "1: Impact"
    assert rows[MATRIX]["within-one"] == "96%"  # 26 of 27 answers
    assert rows[MATRIX]["krippendorff"] != "—"
    # Every lesson answered 2 by everyone: no disagreement to measure.
    assert rows[LESSONS]["krippendorff"] == "—"
    assert "Fewer than 10 respondents answered every item" in page.text


def test_the_default_rule_is_sciroccos_and_says_so(
    django_app, lead, split_at_consensus, sciroccos_rule
):
    page = django_app.get(overview_url(split_at_consensus), user=lead)
    assert _rows(page)[MATRIX]["split-items"] == "None"  # one far answer is not four
    assert "doi:10.5334/ijic.7747" in page.html.select_one(".consensus-key").text


def test_the_reports_method_section_gives_the_figures(
    django_app, viewer, split_at_consensus, any_far_answer_splits
):
    page = django_app.get(reverse("reports-page", args=[split_at_consensus.pk]), user=viewer)
    method = page.html.select_one("section.method")
    assert method.select_one("tr.reliability-row")
    assert "Krippendorff's α" in method.text
    assert _rows(page)[MATRIX]["split-items"] == "1: Impact"


def test_the_rounds_json_gives_agreement_per_framework(
    client, viewer, split_at_consensus, any_far_answer_splits
):
    client.force_login(viewer)
    document = client.get(f"/api/assessments/{split_at_consensus.pk}/").json()
    matrix = document["agreement"][MATRIX]
    assert set(matrix) >= {
        "krippendorff_alpha",
        "alpha_ci",
        "raters",
        "within_one",
        "split_items",
        "cronbach_alpha",
    }
    assert (matrix["raters"], matrix["split_items"]) == (3, ["impact"])
    assert matrix["within_one"] == pytest.approx(26 / 27, abs=0.001)
    low, high = matrix["alpha_ci"]
    assert low <= matrix["krippendorff_alpha"] <= high
    assert document["agreement"][LESSONS]["krippendorff_alpha"] is None
    assert document["agreement_rule"]["max_outside"] == 0
    assert document["agreement_rule"]["source"] == "deployment setting"


def test_the_json_gives_the_same_interval_every_time(client, viewer, split_at_consensus):
    client.force_login(viewer)
    first = client.get(f"/api/assessments/{split_at_consensus.pk}/").json()["agreement"]
    cache.clear()  # worked out again, not read back
    assert client.get(f"/api/assessments/{split_at_consensus.pk}/").json()["agreement"] == first


def _rounds(
    place, lead, respondent, versions, count: int, *, first: int = 0, far: int = 3
) -> list[int]:
    ids = []
    for number in range(count):
        assessment = assessment_open(
            place=place,
            period=f"{2030 + first + number} Q1",
            versions=versions,
            participants=[lead, respondent],
        )
        score(respondent_of(assessment, lead), levels={"impact": (1, 2)})
        score(respondent_of(assessment, respondent), levels={"impact": (far, far)})
        ids.append(assessment.pk)
    return ids


def test_many_rounds_take_as_many_queries_as_one(
    place, lead, respondent, versions, django_assert_num_queries
):
    one = _rounds(place, lead, respondent, versions, 1)
    with django_assert_num_queries(5):
        assert list(rounds_reliability(one)) == one
    three = _rounds(place, lead, respondent, versions, 3, first=1)
    cache.clear()
    with django_assert_num_queries(5):
        figures = rounds_reliability(three)
    assert [f.framework for f in figures[three[0]]] == [MATRIX, LESSONS]
    assert all(f.raters == 2 for per_round in figures.values() for f in per_round)


def test_the_exports_give_a_row_per_round_and_framework(
    place, lead, respondent, versions, sciroccos_rule
):
    import csv
    import io

    from openpyxl import load_workbook

    from assessment.exports import (
        AGREEMENT_HEADER,
        About,
        agreement_rows,
        agreement_sheet,
        csv_bytes,
        workbook_bytes,
    )
    from assessment.statistics import SPLIT_RULE

    ids = _rounds(place, lead, respondent, versions, 2)
    figures = rounds_reliability(ids)
    rounds = [("riverside", f"{2030 + n} Q1", figures[pk]) for n, pk in enumerate(ids)]
    text = csv_bytes(AGREEMENT_HEADER, agreement_rows(rounds, str(SPLIT_RULE))).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["period"], r["framework"]) for r in rows] == [
        ("2030 Q1", MATRIX),
        ("2030 Q1", LESSONS),
        ("2031 Q1", MATRIX),
        ("2031 Q1", LESSONS),
    ]
    assert rows[0]["raters"] == "2" and "doi:10.5334/ijic.7747" in rows[0]["split_rule"]
    workbook = load_workbook(
        io.BytesIO(
            workbook_bytes([agreement_sheet(rounds, str(SPLIT_RULE))], lambda: About("Agreement"))
        )
    )
    sheet = workbook["Agreement"]
    assert [c.value for c in sheet[1]] == AGREEMENT_HEADER
    assert sheet.max_row == 5


def test_a_page_of_many_rounds_shows_the_intervals_already_kept(place, lead, respondent, versions):
    ids = _rounds(place, lead, respondent, versions, 1)
    ids += _rounds(place, lead, respondent, versions, 1, first=1, far=4)  # answers of its own
    quick = rounds_reliability(ids, intervals=False)
    assert all(f.alpha_ci is None for per_round in quick.values() for f in per_round)
    rounds_reliability(ids[:1])  # as the round's own pages do
    after = rounds_reliability(ids, intervals=False)
    assert after[ids[0]][0].alpha_ci is not None
    assert after[ids[1]][0].alpha_ci is None
    assert after[ids[0]][0].krippendorff_alpha == quick[ids[0]][0].krippendorff_alpha
