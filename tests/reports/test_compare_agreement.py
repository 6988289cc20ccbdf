"""The compare page and its exports say how far each chosen round's answers agree."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from .compare_data import chosen, csv_rows, exported

pytestmark = pytest.mark.django_db

URL = reverse("reports-compare")


def test_the_page_gives_a_row_per_round_and_framework(django_app, analyst, shared_places):
    rounds = [shared_places[k] for k in ("riverside", "northmoor", "westfield")]
    page = django_app.get(URL, chosen(*rounds), user=analyst)
    table = page.html.select_one("table.agreement-table")
    heads = [th.get_text(" ", strip=True) for th in table.select("tbody th[scope=rowgroup]")]
    assert len(heads) == 3
    assert "Krippendorff" in table.text
    assert "doi:10.5334/ijic.7747" in page.html.select_one("#agreement-h").parent.text


def test_an_anonymous_rounds_team_size_is_not_given(
    django_app, analyst, shared_places, anonymous_northmoor
):
    page = django_app.get(URL, chosen(shared_places["northmoor"]), user=analyst)
    group = page.html.select_one("table.agreement-table tbody")
    assert group.select_one("th").get_text(strip=True) == anonymous_northmoor
    assert group.select("td")[1].get_text(strip=True) == "—"


def test_the_exports_carry_the_agreement(client, analyst, shared_places):
    query = chosen(shared_places["riverside"], shared_places["westfield"])
    rows = csv_rows(
        exported(
            client,
            analyst,
            reverse("reports-export-csv"),
            {**query, "detail": "agreement"},
        )
    )
    assert {r["framework"] for r in rows} >= {"lga-maturity-matrix"}
    assert {r["place_code"] for r in rows} == {"riverside", "westfield"}
    response = exported(client, analyst, reverse("reports-export-xlsx"), query)
    workbook = load_workbook(io.BytesIO(response.content))
    assert "Agreement" in workbook.sheetnames


def test_past_the_small_radars_count_the_rounds_are_summed_up_and_each_folds_away(
    django_app, analyst, shared_places, monkeypatch
):
    from reports import compare_charts

    monkeypatch.setattr(compare_charts, "GRID_MOST", 2)
    rounds = [shared_places[k] for k in ("riverside", "northmoor", "westfield")]
    page = django_app.get(URL, chosen(*rounds), user=analyst)
    across = page.html.select_one("table.agreement-across")
    assert "Across the 3 rounds chosen" in across.caption.text
    matrix = across.select_one("tr[data-framework=lga-maturity-matrix]")
    assert matrix.select("td")[0].text == "3"
    # Every round's own figures are still there, behind one click.
    folded = page.html.select_one("details.agreement-each")
    assert "The figures of each of the 3 rounds" in folded.summary.text
    assert len(folded.select("table.agreement-table tbody")) == 3


def test_a_few_rounds_show_each_one_s_figures_unfolded(django_app, analyst, shared_places):
    page = django_app.get(URL, chosen(shared_places["riverside"]), user=analyst)
    assert not page.html.select("table.agreement-across, details.agreement-each")
    assert page.html.select_one("table.agreement-table")


def test_the_summary_across_rounds_counts_what_an_analyst_would():
    from assessment.reliability import Reliability
    from reports.reliability_kept import across_rounds

    def figures(alpha, split=()):
        return Reliability(
            framework="m",
            version="1.2",
            title="Matrix",
            raters=5,
            items=9,
            krippendorff_alpha=alpha,
            alpha_ci=None,
            within_one=0.9,
            split_items=list(split),
        )

    [m] = across_rounds(
        [[figures(0.9)], [figures(0.5, ["impact"])], [figures(None)], [figures(0.8)]]
    )
    assert (m.rounds, m.with_alpha, m.median_alpha, m.reliable, m.with_split) == (4, 3, 0.8, 2, 1)
