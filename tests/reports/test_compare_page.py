"""GET /compare/: closed rounds side by side, against every shared place, and over time."""

import pytest
from django.urls import reverse

from assessment.models import Sharing
from assessment.services import assessment_advance
from reports.compare import anonymous_label
from tests.assessment.forms_helper import forms_in

from .compare_data import (
    DISTRIBUTION,
    HEATMAP,
    Page,
    chosen,
    closed_round,
    four_places,
    heatmap_rows,
    matrix_without,
    offered,
)

pytestmark = pytest.mark.django_db

URL = reverse("reports-compare")
RIVERSIDE = "Riverside Borough, 2026 Q2"
WESTFIELD = "Westfield Borough, 2026 Q2"
EASTVALE = "Eastvale Health and Wellbeing Board, 2026 Q2"
NORTHMOOR = "Northmoor Integrated Care System, 2026 Q2"


@pytest.fixture
def world(place, other_place):
    return four_places(place, other_place)


@pytest.fixture
def anonymous(other_place):
    """How an analyst sees Northmoor's round, shared anonymously."""
    return f"{anonymous_label(other_place.pk)}, 2026 Q2"


def _as(client, user):
    client.force_login(user)
    return client


def _choice_form(response):
    """The page's own form for choosing rounds (it sends a GET)."""
    [form] = [f for f in forms_in(response.text) if f.method == "get"]
    return form


def _offered(client, user) -> set[int]:
    return set(offered(_as(client, user).get(URL)))


# --- choosing rounds --------------------------------------------------------------------------


def test_it_offers_an_analyst_every_shared_round_but_no_private_one(client, analyst, world):
    expected = {world[k].pk for k in ("riverside_2025", "riverside", "northmoor", "westfield")}
    assert _offered(client, analyst) == expected


def test_it_offers_a_member_only_their_own_place_s_closed_rounds(client, viewer, world, open_round):
    assert _offered(client, viewer) == {world["riverside_2025"].pk, world["riverside"].pk}


def test_it_offers_staff_every_closed_round_shared_or_not(client, staff, world):
    assert _offered(client, staff) == {r.pk for r in world.values()}


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("region", "london", {"riverside_2025", "riverside"}),
        ("kind", "borough", {"riverside_2025", "riverside", "westfield"}),
        ("period", "2025 q4", {"riverside_2025"}),
    ],
)
def test_it_filters_the_rounds_on_offer(client, staff, world, field, value, expected):
    form = _choice_form(_as(client, staff).get(URL)).fill({field: value})
    response = client.get(URL, form.data(button="1"))
    assert set(_choice_form(response).options["assessment"]) == {str(world[k].pk) for k in expected}


def test_it_keeps_the_chosen_rounds_ticked(client, analyst, world):
    response = _as(client, analyst).get(URL, chosen(world["westfield"], world["riverside"]))
    ticked = _choice_form(response).values["assessment"]
    assert sorted(ticked) == sorted([str(world["westfield"].pk), str(world["riverside"].pk)])


def test_it_ignores_rounds_the_user_may_not_see_and_says_how_many(
    client, analyst, world, open_round
):
    asked = chosen(world["riverside"], world["eastvale"], open_round)
    asked["assessment"].append(999999)  # no such round
    response = _as(client, analyst).get(URL, asked)
    assert "3 of the rounds asked for cannot be shown" in response.text
    assert heatmap_rows(response) == [RIVERSIDE]
    assert "Eastvale" not in response.text


def test_it_shows_no_warning_when_every_round_asked_for_is_shown(client, analyst, world):
    response = _as(client, analyst).get(URL, chosen(world["riverside"]))
    assert "cannot be shown" not in response.text


def test_it_shows_a_round_asked_for_twice_once(client, analyst, world):
    response = _as(client, analyst).get(URL, chosen(world["riverside"], world["riverside"]))
    assert heatmap_rows(response) == [RIVERSIDE]
    assert "cannot be shown" not in response.text


# --- the heat map -----------------------------------------------------------------------------


def test_it_shows_a_heat_map_row_per_chosen_round_in_the_order_chosen(
    client, analyst, world, anonymous
):
    response = _as(client, analyst).get(
        URL, chosen(world["westfield"], world["riverside"], world["northmoor"])
    )
    assert heatmap_rows(response) == [WESTFIELD, RIVERSIDE, anonymous]


def test_it_shows_each_factor_as_a_column_of_the_heat_map(client, analyst, world):
    page = Page(_as(client, analyst).get(URL, chosen(world["riverside"])).text)
    header = page.table(HEATMAP)[0]
    assert header[0] == "Place and round"
    assert header[1:] == [
        "Impact", "Place", "Focus on individuals", "Care model", "Information management",
        "Commissioning and payment", "Workforce", "Governance", "Leadership",
    ]  # fmt: skip


def test_it_gives_each_cell_its_level_and_a_colour_band(client, analyst, world):
    page = Page(_as(client, analyst).get(URL, chosen(world["riverside"], world["westfield"])).text)
    riverside, westfield = page.cells(HEATMAP)[1:]
    # Impact, then Governance: a median between two levels takes the lower level's colour.
    assert (riverside[1], riverside[8]) == (("2.5", "heat heat-2"), ("4", "heat heat-4"))
    assert (westfield[1], westfield[8]) == (("3.5", "heat heat-3"), ("3", "heat heat-3"))


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        # Impact: Eastvale 4, Westfield 3.5, Northmoor 3, Riverside 2.5.
        ("impact", [EASTVALE, WESTFIELD, NORTHMOOR, RIVERSIDE]),
        # Governance: Riverside 4, Westfield 3, Eastvale 2, Northmoor 1.
        ("governance", [RIVERSIDE, WESTFIELD, EASTVALE, NORTHMOOR]),
    ],
)
def test_it_sorts_the_heat_map_by_a_column(client, staff, world, sort, expected):
    rounds = chosen(world["riverside"], world["northmoor"], world["eastvale"], world["westfield"])
    response = _as(client, staff).get(URL, {**rounds, "sort": sort})
    assert heatmap_rows(response) == expected


def test_it_sorts_the_heat_map_by_place_from_the_place_and_round_heading(client, staff, world):
    rounds = chosen(world["riverside"], world["northmoor"], world["eastvale"], world["westfield"])
    heading = Page(_as(client, staff).get(URL, rounds).text).links["Place and round"]
    response = client.get(URL + heading)
    assert heatmap_rows(response) == [EASTVALE, NORTHMOOR, RIVERSIDE, WESTFIELD]


def test_it_sorts_a_round_nobody_answered_last_with_an_empty_cell(client, staff, world, place):
    unanswered = closed_round(place, "2024 Q1", {})
    rounds = chosen(unanswered, world["riverside"])
    page = Page(_as(client, staff).get(URL, {**rounds, "sort": "impact"}).text)
    riverside, nothing = page.cells(HEATMAP)[1:]
    assert (riverside[0][0], nothing[0][0]) == (RIVERSIDE, "Riverside Borough, 2024 Q1")
    assert nothing[1] == ("—", "heat heat-none")


def test_it_marks_the_sorted_column(client, staff, world):
    response = _as(client, staff).get(URL, {**chosen(world["riverside"]), "sort": "governance"})
    assert '<th scope="col" aria-sort="descending"><a href="?' in response.text
    assert response.text.count('aria-sort="descending"') == 1


def test_it_keeps_the_order_chosen_for_an_unknown_sort(client, staff, world):
    rounds = chosen(world["westfield"], world["riverside"])
    response = _as(client, staff).get(URL, {**rounds, "sort": "nonsense"})
    assert heatmap_rows(response) == [WESTFIELD, RIVERSIDE]


# --- the radar --------------------------------------------------------------------------------


def test_it_draws_one_radar_line_per_chosen_round(client, analyst, world, anonymous):
    response = _as(client, analyst).get(
        URL, chosen(world["riverside"], world["northmoor"], world["westfield"])
    )
    traces = Page(response.text).json("overlay-data")["data"]
    assert [t["name"] for t in traces] == [RIVERSIDE, anonymous, WESTFIELD]
    assert traces[0]["r"][:2] == [2.5, 2]  # Impact, Place


def test_it_draws_the_first_eight_of_nine_rounds_and_says_so(client, staff, world, place):
    more = [closed_round(place, f"2024 Q{n}", {"Asha Patel": {}}) for n in range(1, 5)]
    response = _as(client, staff).get(URL, chosen(*world.values(), *more))
    traces = Page(response.text).json("overlay-data")["data"]
    assert len(traces) == 8
    assert "The chart shows the first 8 rounds; the table shows all 9." in response.text
    assert len(heatmap_rows(response)) == 9


def test_it_draws_eight_rounds_without_a_note(client, staff, world, place):
    more = [closed_round(place, f"2024 Q{n}", {"Asha Patel": {}}) for n in range(1, 4)]
    response = _as(client, staff).get(URL, chosen(*world.values(), *more))
    assert len(Page(response.text).json("overlay-data")["data"]) == 8
    assert "The chart shows the first" not in response.text


def test_it_draws_nothing_until_a_round_is_chosen(client, analyst, world):
    response = _as(client, analyst).get(URL)
    assert "overlay-data" not in response.text
    assert HEATMAP not in response.text


# --- against every shared place ---------------------------------------------------------------


def test_it_sums_up_each_factor_across_every_shared_place(client, analyst, world, anonymous):
    response = _as(client, analyst).get(URL, chosen(world["riverside"], world["northmoor"]))
    table = Page(response.text).table(DISTRIBUTION)
    assert table[0] == ["Factor", "Places", "Lowest", "Median", "Highest", RIVERSIDE, anonymous]
    # Each shared place's latest round: Riverside 2.5, Northmoor 3, Westfield 3.5. Eastvale's
    # private 4 and Riverside's earlier 1 do not count.
    assert table[1] == ["Impact", "3", "2.5", "3", "3.5", "2.5", "3"]
    assert table[8] == ["Governance", "3", "1", "3", "4", "4", "1"]


def test_it_shows_a_member_their_round_against_the_others_without_their_names(
    client, viewer, world
):
    response = _as(client, viewer).get(URL, chosen(world["riverside"]))
    assert Page(response.text).table(DISTRIBUTION)[1] == ["Impact", "3", "2.5", "3", "3.5", "2.5"]
    assert "Westfield" not in response.text and "Northmoor" not in response.text


# --- anonymity --------------------------------------------------------------------------------


def test_it_never_names_an_anonymous_place_to_an_analyst(client, analyst, world, anonymous):
    response = _as(client, analyst).get(URL, chosen(world["northmoor"], world["riverside"]))
    assert heatmap_rows(response) == [anonymous, RIVERSIDE]
    assert "northmoor" not in response.text.lower()


def test_it_lists_an_anonymous_round_without_its_region(client, analyst, world, anonymous):
    labels = offered(_as(client, analyst).get(URL))
    assert labels[world["northmoor"].pk] == anonymous
    assert labels[world["riverside"].pk] == f"{RIVERSIDE} London"


def test_it_names_every_place_to_staff(client, staff, world):
    response = _as(client, staff).get(URL, chosen(world["northmoor"]))
    assert heatmap_rows(response) == [NORTHMOOR]
    assert "Anonymous place" not in response.text


# --- over time --------------------------------------------------------------------------------


def test_it_shows_a_place_s_rounds_over_time(client, analyst, world):
    response = _as(client, analyst).get(URL, {**chosen(world["riverside"]), "trend": "riverside"})
    page = Page(response.text)
    table = page.table("Riverside Borough: each factor in each closed round")
    assert table[0] == ["Factor", "2025 Q4", "2026 Q2"]
    assert table[1] == ["Impact", "1", "2.5"]
    assert [t["y"] for t in page.json("trend-data")["data"]][0] == [1, 2.5]


def test_it_shows_the_first_named_chosen_place_over_time_by_default(client, analyst, world):
    response = _as(client, analyst).get(URL, chosen(world["northmoor"], world["riverside"]))
    assert '<h2 id="trend-h">Riverside Borough over time</h2>' in response.text


def test_it_shows_a_place_over_time_with_no_round_chosen(client, analyst, world):
    response = _as(client, analyst).get(URL, {"trend": "riverside"})
    table = Page(response.text).table("Riverside Borough: each factor in each closed round")
    assert table[1] == ["Impact", "1", "2.5"]


def test_it_never_shows_an_anonymous_place_over_time_to_an_analyst(
    client, analyst, world, other_place
):
    closed_round(other_place, "2025 Q4", {"Ian Walker": {}}, sharing=Sharing.ANONYMOUS)
    response = _as(client, analyst).get(URL, {**chosen(world["northmoor"]), "trend": "northmoor"})
    assert "trend-data" not in response.text
    assert "Northmoor" not in response.text


def test_it_shows_staff_any_place_over_time(client, staff, world, other_place):
    closed_round(other_place, "2025 Q4", {"Ian Walker": {}}, sharing=Sharing.ANONYMOUS)
    response = _as(client, staff).get(URL, {**chosen(world["northmoor"]), "trend": "northmoor"})
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
    client, staff, across_versions
):
    response = _as(client, staff).get(URL, chosen(*across_versions))
    assert "scored on different versions of the matrix" in response.text
    assert "compared only on the 8 factors they share" in response.text
    header = Page(response.text).table(HEATMAP)[0]
    assert "Leadership" not in header and len(header) == 1 + 8


def test_it_draws_the_radar_on_the_shared_factors_only(client, staff, across_versions):
    response = _as(client, staff).get(URL, chosen(*across_versions))
    [riverside, northmoor] = Page(response.text).json("overlay-data")["data"]
    assert len(riverside["r"]) == 8 + 1  # the line closes on its first point
    assert (riverside["r"][0], northmoor["r"][0]) == (3, 1)


def test_it_says_nothing_of_versions_when_the_rounds_share_one(client, staff, world):
    response = _as(client, staff).get(URL, chosen(world["riverside"], world["northmoor"]))
    assert "different versions" not in response.text


# --- who may open the page --------------------------------------------------------------------


def test_it_sends_someone_signed_out_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={URL}"


def test_it_only_answers_get(client, analyst, world):
    response = _as(client, analyst).post(URL, chosen(world["riverside"]))
    assert response.status_code == 405


def test_it_shows_a_member_who_has_no_closed_round_how_rounds_appear(client, viewer, open_round):
    assessment_advance(assessment=open_round)
    response = _as(client, viewer).get(URL)
    assert "No closed rounds match." in response.text
    assert "in a place you belong to" in response.text
