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
