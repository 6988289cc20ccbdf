"""Comparing on one framework at a time, and rounds on different frameworks side by side on the
items mapped between them (reports.compare, reports.compare_mapping, reports.exports)."""

import pytest
from django.urls import reverse

from frameworks.models import FrameworkVersion
from reports.compare import comparison_build

from .compare_data import (
    HEATMAP,
    READINESS,
    chosen,
    closed_round,
    csv_rows,
    heatmap_versions,
    xlsx_rows,
)
from .pages import cells, table

pytestmark = pytest.mark.django_db

URL = reverse("reports-compare")
MATRIX = "lga-maturity-matrix"
LESSONS = "kingsfund-16-lessons"
MATRIX_TITLE = "Integration maturity matrix: nine factors"
RIVERSIDE = "Riverside Borough, 2026 Q2"
NORTHMOOR = "Northmoor Integrated Care System, 2026 Q2"


def _version(slug: str, number: str) -> FrameworkVersion:
    return FrameworkVersion.objects.select_related("framework").get(
        framework__slug=slug, version=number
    )


@pytest.fixture
def readiness(tmp_path, monkeypatch, db):
    from .compare_data import readiness_framework

    return readiness_framework(tmp_path, monkeypatch)


@pytest.fixture
def across_frameworks(place, other_place, readiness):
    """Riverside scored on the matrix 1.1 and the lessons 1.1: Governance 3, every other factor
    2. Northmoor scored on Place readiness alone (0–3): common cause 3, pool budgets 1, share
    records 2; on the matrix's 1–4 scale those are 4, 2 and 3."""
    riverside = closed_round(
        place,
        "2026 Q2",
        {"Asha Patel": {"governance": (3, 4)}},
        versions=[_version(MATRIX, "1.1"), _version(LESSONS, "1.1")],
    )
    answers = {"common-cause": (3, 3), "pool-budgets": (1, 2), "share-records": (2, 3)}
    northmoor = closed_round(other_place, "2026 Q2", {"Ian Walker": answers}, versions=[readiness])
    return riverside, northmoor


def test_it_sets_a_round_on_another_framework_beside_a_matrix_round_on_the_mapped_factors(
    django_app, staff, across_frameworks
):
    page = django_app.get(URL, chosen(*across_frameworks), user=staff)
    header, riverside, northmoor = table(page, HEATMAP)
    # Only the factors Place readiness maps to, in the matrix's order.
    assert header[1:] == [
        "Information management",
        "Commissioning and payment",
        "Governance",
        "Leadership",
    ]
    assert riverside[1:] == ["2", "2", "3", "2"]
    # Governance is mapped from common cause (4) and pool budgets (2): the lower shows.
    assert northmoor[1:] == ["3† mapped", "2† mapped", "2† mapped", "4† mapped"]
    assert heatmap_versions(page) == {
        RIVERSIDE: "lga-maturity-matrix 1.1",
        NORTHMOOR: "place-readiness 1.0 (mapped)",
    }


def test_it_marks_only_the_mapped_cells_and_explains_the_mark(django_app, staff, across_frameworks):
    page = django_app.get(URL, chosen(*across_frameworks), user=staff)
    _, riverside, northmoor = cells(page, HEATMAP)
    assert all("mapped" not in css for _, css in riverside[1:])
    assert all("mapped" in css for _, css in northmoor[1:])
    key = " ".join(page.html.find(id="mapped-key").get_text().split())
    assert key.startswith(f"† Mapped: {NORTHMOOR} was scored on place-readiness 1.0.")
    assert "the lowest of their levels is shown" in key
    assert f"Compared on {MATRIX_TITLE}." in " ".join(page.html.find(id="compared-on").text.split())


def test_it_offers_every_framework_the_chosen_rounds_pin_with_the_matrix_first(
    django_app, staff, across_frameworks
):
    page = django_app.get(URL, chosen(*across_frameworks), user=staff)
    select = page.html.find("select", attrs={"name": "framework"})
    options = [(o["value"], o.has_attr("selected")) for o in select.find_all("option")]
    assert options == [(MATRIX, True), (LESSONS, False), (READINESS, False)]


def test_it_places_a_matrix_round_on_the_other_framework_the_other_way_round(
    staff, across_frameworks
):
    riverside, northmoor = across_frameworks
    comparison = comparison_build(staff, [riverside.pk, northmoor.pk], framework=READINESS)
    assert [f.key for f in comparison.factors] == ["common-cause", "pool-budgets", "share-records"]
    shown = {c.pk: c for c in comparison.rounds}
    assert shown[northmoor.pk].values == {"common-cause": 3, "pool-budgets": 1, "share-records": 2}
    assert not shown[northmoor.pk].mapped
    # From the matrix's 1–4 onto 0–3: common cause is the lower of Governance 3 and Leadership
    # 2, so 1; pool budgets the lower of Commissioning 2 and Governance 3, so 1; records 1.
    assert shown[riverside.pk].values == {"common-cause": 1, "pool-budgets": 1, "share-records": 1}
    assert shown[riverside.pk].mapped == {"common-cause", "pool-budgets", "share-records"}
    assert [lv.value for lv in comparison.scale] == [0, 1, 2, 3]


def test_it_lists_a_round_with_no_mapping_as_not_comparable_rather_than_dropping_it(
    django_app, staff, place, other_place, readiness
):
    matrix_round = closed_round(
        place, "2026 Q2", {"Asha Patel": {}}, versions=[_version(MATRIX, "1.1")]
    )
    lessons_round = closed_round(
        other_place, "2026 Q2", {"Ian Walker": {}}, versions=[_version(LESSONS, "1.1")]
    )
    page = django_app.get(URL, chosen(matrix_round, lessons_round), user=staff)
    note = " ".join(page.html.find(id="not-comparable").get_text().split())
    assert note.startswith(f"Not comparable on {MATRIX_TITLE}:")
    assert NORTHMOOR in note
    assert [row[0] for row in table(page, HEATMAP)[1:]] == [f"{RIVERSIDE} lga-maturity-matrix 1.1"]
    # Neither said to be out of reach, nor unticked: it is one framework away.
    assert "cannot be shown" not in page.text
    assert page.html.find("input", attrs={"value": str(lessons_round.pk)}).has_attr("checked")


def test_it_compares_on_the_lessons_when_asked(django_app, staff, across_frameworks):
    riverside, northmoor = across_frameworks
    page = django_app.get(URL, chosen(riverside, northmoor, framework=LESSONS), user=staff)
    header, *rows = table(page, HEATMAP)
    assert len(header) == 1 + 16 and header[1].startswith("Find common cause")
    assert [row[0] for row in rows] == [f"{RIVERSIDE} kingsfund-16-lessons 1.1"]
    # Place readiness maps onto the matrix only.
    assert NORTHMOOR in page.html.find(id="not-comparable").get_text()


def test_it_says_so_when_asked_for_a_framework_no_chosen_round_pins(
    django_app, staff, across_frameworks
):
    page = django_app.get(URL, chosen(*across_frameworks, framework="no-such-thing"), user=staff)
    assert "No chosen round was scored on “no-such-thing”" in page.text
    assert (
        page.html.find("select", attrs={"name": "framework"}).find(selected=True)["value"] == MATRIX
    )


def test_it_refuses_a_framework_that_is_not_a_short_name(django_app, staff, across_frameworks):
    page = django_app.get(URL, chosen(*across_frameworks, framework="<b>"), user=staff, status=400)
    assert "Compare on: A framework is named by its short name" in page.text


def test_it_reads_the_crowd_from_rounds_scored_on_the_framework_only(
    django_app, analyst, across_frameworks
):
    page = django_app.get(URL, chosen(*across_frameworks), user=analyst)
    governance = next(row for row in table(page, "Every shared place") if row[0] == "Governance")
    # One round scored on the matrix is counted; Northmoor's mapped 2 is shown beside it only,
    # in the chosen rounds' own table: below the crowd's middle half (3 to 3).
    assert governance[1] == "1"
    assert governance[-1] == "3"
    standings = table(page, "Where each chosen round stands")[1:]
    assert any("Governance 2† mapped" in row[2] for row in standings)


# --- the exports ------------------------------------------------------------------------------


def _export(client, user, name: str, query: dict):
    client.force_login(user)
    return client.get(reverse(name), query)


def test_it_exports_the_mapped_levels_marked_mapped(client, staff, across_frameworks):
    response = _export(client, staff, "reports-export-csv", chosen(*across_frameworks))
    rows = csv_rows(response)
    northmoor = [r for r in rows if r["place_code"] == "northmoor"]
    own = [(r["framework"], r["item_key"], r["mapped"]) for r in northmoor if r["mapped"] == "no"]
    assert own == [
        (READINESS, "common-cause", "no"),
        (READINESS, "pool-budgets", "no"),
        (READINESS, "share-records", "no"),
    ]
    mapped = {r["item_key"]: r for r in northmoor if r["mapped"] == "yes"}
    assert list(mapped) == [
        "information-management",
        "commissioning-and-payment",
        "governance",
        "leadership",
    ]
    governance = mapped["governance"]
    assert (governance["framework"], governance["framework_version"]) == (MATRIX, "1.1")
    assert (governance["current"], governance["target"]) == ("2", "3")
    assert governance["mapped_from"] == "place-readiness 1.0: common-cause, pool-budgets"
    assert governance["agreed_current"] == governance["responses"] == ""


def test_it_exports_a_matrix_round_placed_on_the_other_framework_too(
    client, staff, across_frameworks
):
    response = _export(client, staff, "reports-export-csv", chosen(*across_frameworks))
    riverside = [r for r in csv_rows(response) if r["place_code"] == "riverside"]
    assert {r["framework"] for r in riverside if r["mapped"] == "no"} == {MATRIX, LESSONS}
    placed = [
        (r["framework"], r["item_key"], r["current"]) for r in riverside if r["mapped"] == "yes"
    ]
    assert placed == [
        (READINESS, "common-cause", "1"),
        (READINESS, "pool-budgets", "1"),
        (READINESS, "share-records", "1"),
    ]


def test_it_says_mapped_in_the_workbook(client, staff, across_frameworks):
    response = _export(client, staff, "reports-export-xlsx", chosen(*across_frameworks))
    rows = xlsx_rows(response)
    flags = {(r["place_code"], r["framework"], r["mapped"]) for r in rows}
    assert ("northmoor", MATRIX, "yes") in flags and ("northmoor", READINESS, "no") in flags


# --- queries ----------------------------------------------------------------------------------


@pytest.mark.parametrize("mapped_rounds", [1, 4])
def test_it_places_any_number_of_rounds_in_one_more_query(
    django_app, staff, place, readiness, mapped_rounds, django_assert_num_queries
):
    from .compare_data import make_place

    matrix_round = closed_round(
        place, "2026 Q3", {"Asha Patel": {}}, versions=[_version(MATRIX, "1.1")]
    )
    others = [
        closed_round(
            make_place(f"ready-{n}", f"Ready {n}"),
            "2026 Q2",
            {"Ian Walker": {}},
            versions=[readiness],
        )
        for n in range(mapped_rounds)
    ]
    django_app.get(reverse("home"), user=staff)
    # session, user (staff: no permission or place to look up); the chosen rounds with their
    # places, the trend place's rounds, the stored results, their items with their versions'
    # levels and their own names for levels, the items mapped between frameworks (once,
    # however many rounds are placed), every shared round's results, the action counts, the
    # rounds on offer; how far each round's answers agree (the figures kept, and 5 queries for
    # rounds with none kept, however many rounds). Without a round to place, the comparison
    # page makes one query fewer.
    with django_assert_num_queries(18):
        page = django_app.get(URL, chosen(matrix_round, *others))
    assert len(table(page, HEATMAP)) == 1 + 1 + mapped_rounds


# --- the PDF ----------------------------------------------------------------------------------


def test_it_prints_the_comparison_on_the_framework_asked_for(
    client, staff, across_frameworks, fake_render, media
):
    client.force_login(staff)
    query = chosen(*across_frameworks, framework=READINESS)
    response = client.get(reverse("reports-compare-pdf"), query)
    assert response.status_code == 200
    [html] = fake_render
    assert "Compared on Place readiness." in html
    assert "† Mapped: Riverside Borough, 2026 Q2 was scored on lga-maturity-matrix 1.1." in html
