"""GET /compare/: choosing rounds, the heat map and the radar, and addresses it cannot show."""

import json

import pytest
from django.urls import reverse

from assessment.services import assessment_advance

from .compare_data import (
    HEATMAP,
    chosen,
    closed_round,
    heatmap_labels,
    key_of,
    make_place,
    offered,
)
from .pages import (
    cells,
    choice_form,
    errors,
    figure,
    table,
)

pytestmark = pytest.mark.django_db

URL = reverse("reports-compare")
RIVERSIDE = "Riverside Borough, 2026 Q2"
WESTFIELD = "Westfield Borough, 2026 Q2"
EASTVALE = "Eastvale Health and Wellbeing Board, 2026 Q2"
NORTHMOOR = "Northmoor Integrated Care System, 2026 Q2"


def _offered(django_app, user) -> set[int | str]:
    return set(offered(django_app.get(URL, user=user)))


# --- choosing rounds --------------------------------------------------------------------------


def test_it_offers_an_analyst_every_shared_round_but_no_private_one(
    django_app, analyst, shared_places
):
    expected = {
        key_of(shared_places[k]) for k in ("riverside_2025", "riverside", "northmoor", "westfield")
    }
    assert _offered(django_app, analyst) == expected


def test_it_offers_a_member_only_their_own_place_s_closed_rounds(
    django_app, viewer, shared_places, open_round
):
    assert _offered(django_app, viewer) == {
        shared_places["riverside_2025"].pk,
        shared_places["riverside"].pk,
    }


def test_it_offers_staff_every_closed_round_shared_or_not(django_app, staff, shared_places):
    assert _offered(django_app, staff) == {r.pk for r in shared_places.values()}


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("region", "london", {"riverside_2025", "riverside"}),
        ("kind", "borough", {"riverside_2025", "riverside", "westfield"}),
        ("period", "2025 q4", {"riverside_2025"}),
    ],
)
def test_it_filters_the_rounds_on_offer(django_app, staff, shared_places, field, value, expected):
    form = choice_form(django_app.get(URL, user=staff))
    form[field] = value
    response = form.submit("filter")
    assert set(offered(response)) == {shared_places[k].pk for k in expected}


def test_it_keeps_the_chosen_rounds_ticked(django_app, analyst, shared_places):
    response = django_app.get(
        URL, chosen(shared_places["westfield"], shared_places["riverside"]), user=analyst
    )
    ticked = [box.value for box in choice_form(response).fields["assessment"] if box.checked]
    assert sorted(ticked) == sorted(
        [str(shared_places["westfield"].pk), str(shared_places["riverside"].pk)]
    )


def test_it_ignores_rounds_the_user_may_not_see_and_says_how_many(
    django_app, analyst, shared_places, open_round
):
    asked = chosen(shared_places["riverside"], shared_places["eastvale"], open_round)
    asked["assessment"].append(999999)  # no such round
    response = django_app.get(URL, asked, user=analyst)
    assert "3 of the rounds asked for cannot be shown" in response.text
    assert heatmap_labels(response) == [RIVERSIDE]
    assert "Eastvale" not in response.text


def test_it_shows_no_warning_when_every_round_asked_for_is_shown(
    django_app, analyst, shared_places
):
    response = django_app.get(URL, chosen(shared_places["riverside"]), user=analyst)
    assert "cannot be shown" not in response.text


def test_it_shows_a_round_asked_for_twice_once(django_app, analyst, shared_places):
    response = django_app.get(
        URL, chosen(shared_places["riverside"], shared_places["riverside"]), user=analyst
    )
    assert heatmap_labels(response) == [RIVERSIDE]
    assert "cannot be shown" not in response.text


# --- the heat map -----------------------------------------------------------------------------


def test_it_shows_a_heat_map_row_per_chosen_round_in_the_order_chosen(
    django_app, analyst, shared_places, anonymous_northmoor
):
    response = django_app.get(
        URL,
        chosen(shared_places["westfield"], shared_places["riverside"], shared_places["northmoor"]),
        user=analyst,
    )
    assert heatmap_labels(response) == [WESTFIELD, RIVERSIDE, anonymous_northmoor]


def test_it_shows_each_factor_as_a_column_of_the_heat_map(django_app, analyst, shared_places):
    page = django_app.get(URL, chosen(shared_places["riverside"]), user=analyst)
    header = table(page, HEATMAP)[0]
    assert header[0] == "Place and round"
    assert header[1:] == [
        "Impact",
        "Place",
        "Focus on individuals",
        "Care model",
        "Information management",
        "Commissioning and payment",
        "Workforce",
        "Governance",
        "Leadership",
    ]


def test_it_gives_each_cell_its_level_and_a_colour_band(django_app, analyst, shared_places):
    page = django_app.get(
        URL, chosen(shared_places["riverside"], shared_places["westfield"]), user=analyst
    )
    riverside, westfield = cells(page, HEATMAP)[1:]
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
def test_it_sorts_the_heat_map_by_a_column(django_app, staff, shared_places, sort, expected):
    rounds = chosen(
        shared_places["riverside"],
        shared_places["northmoor"],
        shared_places["eastvale"],
        shared_places["westfield"],
    )
    response = django_app.get(URL, {**rounds, "sort": sort}, user=staff)
    assert heatmap_labels(response) == expected


def test_it_sorts_the_heat_map_by_place_from_the_place_and_round_heading(
    django_app, staff, shared_places
):
    rounds = chosen(
        shared_places["riverside"],
        shared_places["northmoor"],
        shared_places["eastvale"],
        shared_places["westfield"],
    )
    response = django_app.get(URL, rounds, user=staff).click("Place and round")
    assert heatmap_labels(response) == [EASTVALE, NORTHMOOR, RIVERSIDE, WESTFIELD]


def test_it_sorts_a_round_nobody_answered_last_with_an_empty_cell(
    django_app, staff, shared_places, place
):
    unanswered = closed_round(place, "2024 Q1", {})
    rounds = chosen(unanswered, shared_places["riverside"])
    page = django_app.get(URL, {**rounds, "sort": "impact"}, user=staff)
    assert heatmap_labels(page) == [RIVERSIDE, "Riverside Borough, 2024 Q1"]
    _, nothing = cells(page, HEATMAP)[1:]
    assert nothing[1] == ("—", "heat heat-none")


def test_it_marks_the_sorted_column(django_app, staff, shared_places):
    response = django_app.get(
        URL, {**chosen(shared_places["riverside"]), "sort": "governance"}, user=staff
    )
    assert '<th scope="col" aria-sort="descending"><a href="?' in response.text
    assert response.text.count('aria-sort="descending"') == 1


def test_it_keeps_the_order_chosen_for_an_unknown_sort(django_app, staff, shared_places):
    rounds = chosen(shared_places["westfield"], shared_places["riverside"])
    response = django_app.get(URL, {**rounds, "sort": "nonsense"}, user=staff)
    assert heatmap_labels(response) == [WESTFIELD, RIVERSIDE]


# --- the radar --------------------------------------------------------------------------------


def test_it_draws_one_radar_line_per_chosen_round(
    django_app, analyst, shared_places, anonymous_northmoor
):
    response = django_app.get(
        URL,
        chosen(shared_places["riverside"], shared_places["northmoor"], shared_places["westfield"]),
        user=analyst,
    )
    traces = figure(response, "overlay-data")["data"]
    assert [t["name"] for t in traces] == [RIVERSIDE, anonymous_northmoor, WESTFIELD]
    assert traces[0]["r"][:2] == [2.5, 2]  # Impact, Place


def test_it_draws_seven_rounds_a_small_radar_each(django_app, staff, shared_places, place):
    more = [closed_round(place, f"2024 Q{n}", {"Asha Patel": {}}) for n in range(1, 3)]
    response = django_app.get(URL, chosen(*shared_places.values(), *more), user=staff)
    layout = figure(response, "overlay-data")["layout"]
    assert len([name for name in layout if name.startswith("polar")]) == 7
    assert "Spokes clockwise from the top: 1 Impact" in response.text
    assert len(heatmap_labels(response)) == 7


def test_it_overlays_six_rounds_on_one_radar(django_app, staff, shared_places, place):
    more = [closed_round(place, "2024 Q1", {"Asha Patel": {}})]
    response = django_app.get(URL, chosen(*shared_places.values(), *more), user=staff)
    assert len(figure(response, "overlay-data")["data"]) == 6
    assert "Spokes clockwise" not in response.text


def test_it_draws_markup_in_a_place_name_or_period_as_plain_text(django_app, staff):
    # plotly.js reads a little HTML in labels: a link in a period would become a live link.
    link = '<a href="https://x">x</a>'
    place = make_place("markup", f"Borough {link}")
    rounds = [closed_round(place, period, {"Asha Patel": {}}) for period in ("2025", link)]
    response = django_app.get(URL, {**chosen(*rounds), "trend": "markup"}, user=staff)
    for chart in ("overlay-data", "distribution-data", "trend-data"):
        drawn = json.dumps(figure(response, chart))
        assert "<a href" not in drawn, chart
        assert "&lt;a href=" in drawn, chart
    shown = 'Borough &lt;a href="https://x"&gt;x&lt;/a&gt;'
    names = [trace["name"] for trace in figure(response, "overlay-data")["data"]]
    assert names == [f"{shown}, 2025", f'{shown}, &lt;a href="https://x"&gt;x&lt;/a&gt;']


def test_it_draws_nothing_until_a_round_is_chosen(django_app, analyst, shared_places):
    response = django_app.get(URL, user=analyst)
    assert "overlay-data" not in response.text
    assert HEATMAP not in response.text


# --- addresses the page cannot show ------------------------------------------------------------


@pytest.mark.parametrize(
    "number",
    [
        "²",  # Python's isdigit() says yes; int() says no
        "٣",  # an Arabic-Indic three: int() reads it as 3
        "-1",
        "1.0",
        "\x00",
        "9" * 30,  # past any row id the database can hold
    ],
)
def test_it_refuses_a_round_that_is_not_given_by_its_number(
    django_app, analyst, shared_places, number
):
    response = django_app.get(
        URL,
        {"assessment": [shared_places["riverside"].pk, number]},
        user=analyst,
        expect_errors=True,
    )
    assert response.status_code == 400
    assert errors(response) == [
        "Rounds: A round is chosen by its number, in the digits 0 to 9, or by the code of its "
        "anonymous label."
    ]
    assert HEATMAP not in response.text


PLACE_CODE = "A place code has only letters, digits, hyphens and underscores."


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("trend", f"Place over time: {PLACE_CODE}"),
        (
            "sort",
            "Sort by: A column is named by its key, in letters, digits, hyphens and underscores.",
        ),
        ("period", "Period: Null characters are not allowed."),
    ],
)
def test_it_refuses_a_nul_character_in_the_address(
    django_app, staff, shared_places, field, message
):
    # PostgreSQL cannot store or compare text holding NUL: it must never reach a query.
    query = {**chosen(shared_places["riverside"]), field: "riverside\x00"}
    response = django_app.get(URL, query, user=staff, expect_errors=True)
    assert response.status_code == 400
    assert errors(response) == [message]


def test_it_keeps_offering_rounds_when_the_address_is_refused(django_app, staff, shared_places):
    response = django_app.get(URL, {"period": "\x00"}, user=staff, expect_errors=True)
    assert set(offered(response)) == {r.pk for r in shared_places.values()}


# --- who may open the page --------------------------------------------------------------------


def test_it_sends_someone_signed_out_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={URL}"


def test_it_only_answers_get(client, analyst, shared_places):
    client.force_login(analyst)
    assert client.post(URL, chosen(shared_places["riverside"])).status_code == 405


def test_it_shows_a_member_who_has_no_closed_round_how_rounds_appear(
    django_app, viewer, open_round
):
    assessment_advance(assessment=open_round)
    response = django_app.get(URL, user=viewer)
    assert "No closed rounds match." in response.text
    assert "in a place you belong to" in response.text
