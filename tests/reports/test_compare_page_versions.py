"""GET /compare/: a place over time, and rounds on different versions of a framework."""

import json

import pytest
from django.urls import reverse

from assessment.models import Sharing

from .compare_data import (
    HEATMAP,
    chosen,
    closed_round,
    first_published_versions,
    heatmap_versions,
    matrix_without,
)
from .pages import (
    cells,
    figure,
    table,
)
from .rounds import FACTOR_TITLES

pytestmark = pytest.mark.django_db

URL = reverse("reports-compare")
NORTHMOOR = "Northmoor Integrated Care System, 2026 Q2"
MATRIX_TITLE = "Integration maturity matrix: nine factors"


# --- over time --------------------------------------------------------------------------------


def test_it_shows_a_place_s_rounds_over_time(django_app, analyst, shared_places):
    response = django_app.get(
        URL, {**chosen(shared_places["riverside"]), "trend": "riverside"}, user=analyst
    )
    page = response
    rows = table(page, "Riverside Borough: each item of")
    assert rows[0] == ["Item", "2025 Q4", "2026 Q2"]
    assert rows[1] == ["Impact", "1", "2.5"]
    assert [t["y"] for t in figure(page, "trend-data")["data"]][0] == [1, 2.5]


def test_it_shows_the_first_named_chosen_place_over_time_by_default(
    django_app, analyst, shared_places
):
    response = django_app.get(
        URL, chosen(shared_places["northmoor"], shared_places["riverside"]), user=analyst
    )
    assert '<h2 id="trend-h">Riverside Borough over time</h2>' in response.text


def test_it_shows_a_place_over_time_with_no_round_chosen(django_app, analyst, shared_places):
    response = django_app.get(URL, {"trend": "riverside"}, user=analyst)
    rows = table(response, "Riverside Borough: each item of")
    assert rows[1] == ["Impact", "1", "2.5"]


def test_it_never_shows_an_anonymous_place_over_time_to_an_analyst(
    django_app, analyst, shared_places, other_place
):
    closed_round(other_place, "2025 Q4", {"Ian Walker": {}}, sharing=Sharing.ANONYMOUS)
    response = django_app.get(
        URL, {**chosen(shared_places["northmoor"]), "trend": "northmoor"}, user=analyst
    )
    assert "trend-data" not in response.text
    assert "Northmoor" not in response.text


def test_it_shows_staff_any_place_over_time(django_app, staff, shared_places, other_place):
    closed_round(other_place, "2025 Q4", {"Ian Walker": {}}, sharing=Sharing.ANONYMOUS)
    response = django_app.get(
        URL, {**chosen(shared_places["northmoor"]), "trend": "northmoor"}, user=staff
    )
    assert "Northmoor Integrated Care System over time" in response.text


# --- different versions of the matrix ---------------------------------------------------------


@pytest.fixture
def across_versions(tmp_path, monkeypatch, place, other_place, versions):
    """Riverside scored on the published matrix; Northmoor on a 2.0 without Leadership."""
    matrix_2 = matrix_without(tmp_path, monkeypatch, "leadership")
    lessons = [v for v in versions if v.framework.kind == "lessons"]
    return (
        closed_round(place, "2026 Q2", {"Asha Patel": {"impact": (3, 4)}}, versions=versions),
        closed_round(
            other_place,
            "2026 Q2",
            {"Ian Walker": {"impact": (1, 4)}},
            versions=[matrix_2, *lessons],
        ),
    )


def test_it_compares_rounds_on_different_versions_only_on_the_factors_they_share(
    django_app, staff, across_versions
):
    response = django_app.get(URL, chosen(*across_versions), user=staff)
    assert f"scored on different versions of {MATRIX_TITLE}" in response.text
    assert "compared on the 8 items they share" in response.text
    header = table(response, HEATMAP)[0]
    assert "Leadership" not in header and len(header) == 1 + 8


def test_it_draws_the_radar_on_the_shared_factors_only(django_app, staff, across_versions):
    response = django_app.get(URL, chosen(*across_versions), user=staff)
    [riverside, northmoor] = figure(response, "overlay-data")["data"]
    assert len(riverside["r"]) == 8 + 1  # the line closes on its first point
    assert (riverside["r"][0], northmoor["r"][0]) == (3, 1)


def test_it_says_nothing_of_versions_when_the_rounds_share_one(django_app, staff, shared_places):
    response = django_app.get(
        URL, chosen(shared_places["riverside"], shared_places["northmoor"]), user=staff
    )
    assert "different versions" not in response.text


@pytest.fixture
def on_each_version(place, other_place):
    """Riverside scored on the first published matrix (1.0), Northmoor on the latest (1.2)."""
    return (
        closed_round(
            place,
            "2025 Q4",
            {"Asha Patel": {"place": (4, 4)}},
            versions=first_published_versions(),
        ),
        closed_round(other_place, "2026 Q2", {"Ian Walker": {"place": (1, 2)}}),
    )


def test_it_compares_a_round_on_1_0_with_one_on_1_1_on_every_factor_and_says_which_is_which(
    django_app, staff, on_each_version
):
    response = django_app.get(URL, chosen(*on_each_version), user=staff)
    assert [t.split(" ‡")[0] for t in table(response, HEATMAP)[0][1:]] == list(FACTOR_TITLES)
    assert heatmap_versions(response) == {
        "Riverside Borough, 2025 Q4": "lga-maturity-matrix 1.0",
        NORTHMOOR: "lga-maturity-matrix 1.2",
    }
    versions = "(lga-maturity-matrix 1.0 and lga-maturity-matrix 1.2)"
    assert f"scored on different versions of {MATRIX_TITLE} {versions}" in response.text
    assert [row[2] for row in cells(response, HEATMAP)[1:]] == [
        ("4", "heat heat-4"),
        ("1", "heat heat-1"),
    ]


def test_it_names_the_levels_of_place_as_matrix_1_1_does_never_as_progress(
    django_app, staff, on_each_version
):
    response = django_app.get(URL, chosen(on_each_version[1]), user=staff)
    key = " ".join(response.html.find(id="levels-key").get_text().split())
    assert "Place names its own: 1 Highly complex, 2 Complex, 3 Fairly simple, 4 Simple." in key
    # One axis serves every factor: it gives numbers, and the key beside it the names.
    axis = figure(response, "distribution-data")["layout"]["yaxis"]
    assert axis["ticktext"] == ["1", "2", "3", "4"]
    for chart in ("overlay-data", "distribution-data"):
        assert "Extensive" not in json.dumps(figure(response, chart)), chart


def test_it_names_the_levels_on_the_axis_where_every_factor_names_them_alike(
    django_app, staff, on_each_version
):
    # Matrix 1.0 gave Place the scale's own names.
    response = django_app.get(URL, chosen(on_each_version[0]), user=staff)
    axis = figure(response, "distribution-data")["layout"]["yaxis"]
    assert axis["ticktext"][0] == "1 Emerging"
    assert "names its own" not in response.html.find(id="levels-key").get_text()
