"""GET /compare/: closed rounds side by side, against every shared place, and over time."""

import json

import pytest
from django.urls import reverse

from assessment.models import Sharing
from assessment.services import assessment_advance
from reports.compare import anonymous_label
from reports.models import RoundItemResult

from .compare_data import (
    chosen,
    closed_round,
    first_published_versions,
    four_places,
    heatmap_labels,
    heatmap_versions,
    key_of,
    make_place,
    matrix_without,
    offered,
)
from .pages import (
    DISTRIBUTION,
    HEATMAP,
    cells,
    choice_form,
    errors,
    figure,
    table,
)
from .rounds import FACTOR_TITLES

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
def anonymous(world):
    """How an analyst sees Northmoor's round, shared anonymously."""
    return f"{anonymous_label(world['northmoor'].pk)}, 2026 Q2"


def _offered(django_app, user) -> set[int | str]:
    return set(offered(django_app.get(URL, user=user)))


# --- choosing rounds --------------------------------------------------------------------------


def test_it_offers_an_analyst_every_shared_round_but_no_private_one(django_app, analyst, world):
    expected = {key_of(world[k]) for k in ("riverside_2025", "riverside", "northmoor", "westfield")}
    assert _offered(django_app, analyst) == expected


def test_it_offers_a_member_only_their_own_place_s_closed_rounds(
    django_app, viewer, world, open_round
):
    assert _offered(django_app, viewer) == {world["riverside_2025"].pk, world["riverside"].pk}


def test_it_offers_staff_every_closed_round_shared_or_not(django_app, staff, world):
    assert _offered(django_app, staff) == {r.pk for r in world.values()}


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("region", "london", {"riverside_2025", "riverside"}),
        ("kind", "borough", {"riverside_2025", "riverside", "westfield"}),
        ("period", "2025 q4", {"riverside_2025"}),
    ],
)
def test_it_filters_the_rounds_on_offer(django_app, staff, world, field, value, expected):
    form = choice_form(django_app.get(URL, user=staff))
    form[field] = value
    response = form.submit("filter")
    assert set(offered(response)) == {world[k].pk for k in expected}


def test_it_keeps_the_chosen_rounds_ticked(django_app, analyst, world):
    response = django_app.get(URL, chosen(world["westfield"], world["riverside"]), user=analyst)
    ticked = [box.value for box in choice_form(response).fields["assessment"] if box.checked]
    assert sorted(ticked) == sorted([str(world["westfield"].pk), str(world["riverside"].pk)])


def test_it_ignores_rounds_the_user_may_not_see_and_says_how_many(
    django_app, analyst, world, open_round
):
    asked = chosen(world["riverside"], world["eastvale"], open_round)
    asked["assessment"].append(999999)  # no such round
    response = django_app.get(URL, asked, user=analyst)
    assert "3 of the rounds asked for cannot be shown" in response.text
    assert heatmap_labels(response) == [RIVERSIDE]
    assert "Eastvale" not in response.text


def test_it_shows_no_warning_when_every_round_asked_for_is_shown(django_app, analyst, world):
    response = django_app.get(URL, chosen(world["riverside"]), user=analyst)
    assert "cannot be shown" not in response.text


def test_it_shows_a_round_asked_for_twice_once(django_app, analyst, world):
    response = django_app.get(URL, chosen(world["riverside"], world["riverside"]), user=analyst)
    assert heatmap_labels(response) == [RIVERSIDE]
    assert "cannot be shown" not in response.text


# --- the heat map -----------------------------------------------------------------------------


def test_it_shows_a_heat_map_row_per_chosen_round_in_the_order_chosen(
    django_app, analyst, world, anonymous
):
    response = django_app.get(
        URL, chosen(world["westfield"], world["riverside"], world["northmoor"]), user=analyst
    )
    assert heatmap_labels(response) == [WESTFIELD, RIVERSIDE, anonymous]


def test_it_shows_each_factor_as_a_column_of_the_heat_map(django_app, analyst, world):
    page = django_app.get(URL, chosen(world["riverside"]), user=analyst)
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


def test_it_gives_each_cell_its_level_and_a_colour_band(django_app, analyst, world):
    page = django_app.get(URL, chosen(world["riverside"], world["westfield"]), user=analyst)
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
def test_it_sorts_the_heat_map_by_a_column(django_app, staff, world, sort, expected):
    rounds = chosen(world["riverside"], world["northmoor"], world["eastvale"], world["westfield"])
    response = django_app.get(URL, {**rounds, "sort": sort}, user=staff)
    assert heatmap_labels(response) == expected


def test_it_sorts_the_heat_map_by_place_from_the_place_and_round_heading(django_app, staff, world):
    rounds = chosen(world["riverside"], world["northmoor"], world["eastvale"], world["westfield"])
    response = django_app.get(URL, rounds, user=staff).click("Place and round")
    assert heatmap_labels(response) == [EASTVALE, NORTHMOOR, RIVERSIDE, WESTFIELD]


def test_it_sorts_a_round_nobody_answered_last_with_an_empty_cell(django_app, staff, world, place):
    unanswered = closed_round(place, "2024 Q1", {})
    rounds = chosen(unanswered, world["riverside"])
    page = django_app.get(URL, {**rounds, "sort": "impact"}, user=staff)
    assert heatmap_labels(page) == [RIVERSIDE, "Riverside Borough, 2024 Q1"]
    _, nothing = cells(page, HEATMAP)[1:]
    assert nothing[1] == ("—", "heat heat-none")


def test_it_marks_the_sorted_column(django_app, staff, world):
    response = django_app.get(URL, {**chosen(world["riverside"]), "sort": "governance"}, user=staff)
    assert '<th scope="col" aria-sort="descending"><a href="?' in response.text
    assert response.text.count('aria-sort="descending"') == 1


def test_it_keeps_the_order_chosen_for_an_unknown_sort(django_app, staff, world):
    rounds = chosen(world["westfield"], world["riverside"])
    response = django_app.get(URL, {**rounds, "sort": "nonsense"}, user=staff)
    assert heatmap_labels(response) == [WESTFIELD, RIVERSIDE]


# --- the radar --------------------------------------------------------------------------------


def test_it_draws_one_radar_line_per_chosen_round(django_app, analyst, world, anonymous):
    response = django_app.get(
        URL, chosen(world["riverside"], world["northmoor"], world["westfield"]), user=analyst
    )
    traces = figure(response, "overlay-data")["data"]
    assert [t["name"] for t in traces] == [RIVERSIDE, anonymous, WESTFIELD]
    assert traces[0]["r"][:2] == [2.5, 2]  # Impact, Place


def test_it_draws_the_first_eight_of_nine_rounds_and_says_so(django_app, staff, world, place):
    more = [closed_round(place, f"2024 Q{n}", {"Asha Patel": {}}) for n in range(1, 5)]
    response = django_app.get(URL, chosen(*world.values(), *more), user=staff)
    traces = figure(response, "overlay-data")["data"]
    assert len(traces) == 8
    assert "The chart shows the first 8 rounds; the table shows all 9." in response.text
    assert len(heatmap_labels(response)) == 9


def test_it_draws_eight_rounds_without_a_note(django_app, staff, world, place):
    more = [closed_round(place, f"2024 Q{n}", {"Asha Patel": {}}) for n in range(1, 4)]
    response = django_app.get(URL, chosen(*world.values(), *more), user=staff)
    assert len(figure(response, "overlay-data")["data"]) == 8
    assert "The chart shows the first" not in response.text


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


def test_it_draws_nothing_until_a_round_is_chosen(django_app, analyst, world):
    response = django_app.get(URL, user=analyst)
    assert "overlay-data" not in response.text
    assert HEATMAP not in response.text


# --- against every shared place ---------------------------------------------------------------


def test_it_sums_up_each_factor_across_every_shared_place(django_app, analyst, world, anonymous):
    response = django_app.get(URL, chosen(world["riverside"], world["northmoor"]), user=analyst)
    rows = table(response, DISTRIBUTION)
    assert rows[0] == [
        "Factor",
        "Rounds",
        "Lowest",
        "Lower quartile",
        "Median",
        "Upper quartile",
        "Highest",
        RIVERSIDE,
        anonymous,
    ]
    # Each shared place's latest round by name, and the anonymous round: Riverside 2.5,
    # Northmoor 3, Westfield 3.5. Eastvale's private 4 and Riverside's earlier 1 do not count.
    assert rows[1] == ["Impact", "3", "2.5", "2.75", "3", "3.25", "3.5", "2.5", "3"]
    assert rows[8] == ["Governance", "3", "1", "2", "3", "3.5", "4", "4", "1"]


def test_it_shows_a_member_a_small_group_only_as_a_count_and_says_why(django_app, viewer, world):
    # Three places share: too few for a member to see any of their levels (COMPARE_MIN_GROUP).
    response = django_app.get(URL, chosen(world["riverside"]), user=viewer)
    impact = table(response, DISTRIBUTION)[1]
    assert impact == ["Impact", "3", "not shown: fewer than 5 places", "2.5"]
    assert (
        "Fewer than 5 places share their rounds for comparison: so that no place" in response.text
    )
    boxes = [t for t in figure(response, "distribution-data")["data"] if t["type"] == "box"]
    assert boxes == []
    assert "Westfield" not in response.text and "Northmoor" not in response.text


def test_it_shows_an_analyst_a_small_group_in_full(django_app, analyst, world):
    response = django_app.get(URL, chosen(world["riverside"]), user=analyst)
    assert table(response, DISTRIBUTION)[1] == [
        "Impact",
        "3",
        "2.5",
        "2.75",
        "3",
        "3.25",
        "3.5",
        "2.5",
    ]
    assert "Fewer than" not in response.text


@pytest.fixture
def crowd(world):
    """Two more places share, one of them anonymously: five places in all."""
    for code, impact, sharing in (
        ("southbay", 1, Sharing.NAMED),
        ("upfield", 4, Sharing.ANONYMOUS),
    ):
        at = make_place(code, code.capitalize())
        closed_round(at, "2026 Q2", {"Asha Patel": {"impact": (impact, 4)}}, sharing=sharing)
    return world


def test_it_shows_a_member_their_round_against_five_others_without_their_names(
    django_app, viewer, crowd
):
    response = django_app.get(URL, chosen(crowd["riverside"]), user=viewer)
    # Riverside 2.5, Northmoor 3 (anonymous), Westfield 3.5, Southbay 1, Upfield 4 (anonymous).
    assert table(response, DISTRIBUTION)[1] == ["Impact", "5", "1", "2.5", "3", "3.5", "4", "2.5"]
    [box, *_] = [t for t in figure(response, "distribution-data")["data"] if t["type"] == "box"]
    assert "y" not in box  # the crowd's quartiles, never a level per place
    assert (box["lowerfence"][0], box["median"][0], box["upperfence"][0]) == (1, 3, 4)
    assert "Fewer than" not in response.text
    for name in ("Westfield", "Northmoor", "Southbay", "Upfield", "Anonymous"):
        assert name not in response.text


def _without_leadership():
    """A sixth place shares a round with no level on Leadership (as a round on a matrix without
    that factor would have): five places place it, six every other factor."""
    lowfield = closed_round(make_place("lowfield", "Lowfield"), "2026 Q2", {"Asha Patel": {}})
    RoundItemResult.objects.filter(assessment=lowfield, item__key="leadership").update(current=None)


def test_it_hides_only_the_factors_too_few_places_share(django_app, viewer, crowd):
    _without_leadership()
    response = django_app.get(URL, chosen(crowd["riverside"]), user=viewer)
    rows = {row[0]: row for row in table(response, DISTRIBUTION)[1:]}
    assert rows["Impact"][:2] == ["Impact", "6"]
    assert rows["Leadership"][:3] == ["Leadership", "5", "2"]
    assert "Fewer than" not in response.text


def test_it_names_the_factors_it_hides_when_only_some_are_too_small(
    django_app, viewer, crowd, settings
):
    _without_leadership()
    settings.COMPARE_MIN_GROUP = 6
    response = django_app.get(URL, chosen(crowd["riverside"]), user=viewer)
    rows = {row[0]: row for row in table(response, DISTRIBUTION)[1:]}
    assert rows["Leadership"] == ["Leadership", "5", "not shown: fewer than 6 places", "2"]
    assert rows["Impact"][:3] == ["Impact", "6", "1"]
    assert "Fewer than 6 places share a level on Leadership: so that no place" in response.text


def test_it_follows_the_minimum_group_size_the_site_sets(django_app, viewer, world, settings):
    settings.COMPARE_MIN_GROUP = 3
    response = django_app.get(URL, chosen(world["riverside"]), user=viewer)
    assert table(response, DISTRIBUTION)[1][:3] == ["Impact", "3", "2.5"]


# --- anonymity --------------------------------------------------------------------------------


def test_it_never_names_an_anonymous_place_to_an_analyst(django_app, analyst, world, anonymous):
    response = django_app.get(URL, chosen(world["northmoor"], world["riverside"]), user=analyst)
    assert heatmap_labels(response) == [anonymous, RIVERSIDE]
    assert "northmoor" not in response.text.lower()


def test_it_lists_an_anonymous_round_without_its_region(django_app, analyst, world, anonymous):
    labels = offered(django_app.get(URL, user=analyst))
    assert labels[key_of(world["northmoor"])] == anonymous
    assert labels[world["riverside"].pk] == f"{RIVERSIDE} London"


def test_it_counts_an_anonymous_place_s_actions_per_factor_without_their_text(
    django_app, analyst, world, anonymous
):
    from assessment.models import ActionStatus
    from assessment.services.actions import action_create
    from tests.assessment.scoring import items_by_key

    northmoor = world["northmoor"]
    workforce = items_by_key(northmoor)["workforce"]
    for status in (ActionStatus.DONE, ActionStatus.PLANNED):
        action_create(
            assessment=northmoor,
            user=None,
            title="Hexley Moor joint rota",
            owner="Hexley Trust",
            items=[workforce],
            status=status,
        )
    response = django_app.get(URL, chosen(northmoor, world["riverside"]), user=analyst)
    rows = {
        row.th.text: [td.text for td in row.select("td")]
        for row in response.html.select("#action-counts tbody tr")
    }
    headers = [th.text for th in response.html.select("#action-counts thead th")][1:]
    assert rows[anonymous][headers.index("Workforce")] == "1 of 2 done"
    assert set(rows[RIVERSIDE]) == {"—"}
    assert "Hexley" not in response.text


def test_it_names_every_place_to_staff(django_app, staff, world):
    response = django_app.get(URL, chosen(world["northmoor"]), user=staff)
    assert heatmap_labels(response) == [NORTHMOOR]
    assert anonymous_label(world["northmoor"].pk) not in response.text


def test_it_gives_a_thousand_anonymous_rounds_a_thousand_labels():
    labels = {anonymous_label(pk) for pk in range(1, 1001)}
    assert len(labels) == 1000


def test_it_makes_labels_from_the_site_s_secret_so_none_can_be_guessed(settings):
    before = anonymous_label(7)
    settings.SECRET_KEY = "another-site-s-secret-" + "x" * 40
    assert anonymous_label(7) != before
    assert "7" not in before.removeprefix("Anonymous ")


def test_it_labels_each_round_of_a_place_apart_so_none_leads_to_another(
    django_app, analyst, world, other_place
):
    earlier = closed_round(other_place, "2025 Q4", {"Ian Walker": {}}, sharing=Sharing.ANONYMOUS)
    labels = offered(django_app.get(URL, user=analyst))
    assert labels[key_of(earlier)] == f"{anonymous_label(earlier.pk)}, 2025 Q4"
    assert labels[key_of(earlier)].split(",")[0] != labels[key_of(world["northmoor"])].split(",")[0]


def test_it_withholds_an_anonymous_round_s_period_unless_it_reads_as_a_date(
    django_app, analyst, other_place
):
    telling = closed_round(
        other_place, "Northmoor refresh", {"Ian Walker": {}}, sharing=Sharing.ANONYMOUS
    )
    dated = closed_round(other_place, "Q3 2025/26", {"Ian Walker": {}}, sharing=Sharing.ANONYMOUS)
    response = django_app.get(URL, user=analyst)
    labels = offered(response)
    assert labels[key_of(telling)] == f"{anonymous_label(telling.pk)}, period withheld"
    assert labels[key_of(dated)] == f"{anonymous_label(dated.pk)}, Q3 2025/26"
    assert "refresh" not in response.text
    # Nor can the period filter read it back.
    form = choice_form(response)
    form["period"] = "Northmoor refresh"
    assert offered(form.submit("filter")) == {}


def test_it_says_how_anonymity_works_on_the_page(django_app, viewer, world):
    text = " ".join(django_app.get(URL, user=viewer).html.find(id="anonymity").get_text().split())
    assert text.startswith("How anonymity works")
    assert "a region's group, where at least 5 places in it share anonymously" in text
    assert "no two filters' lists differ by fewer than 5 places' anonymous rounds" in text
    assert "Its evidence, agreed rationale and respondents' names never leave" in text


# --- filters that describe a place ----------------------------------------------------------------


def _filtered(django_app, user, **filters) -> dict[int, str]:
    form = choice_form(django_app.get(URL, user=user))
    for name, value in filters.items():
        form[name] = value
    return offered(form.submit("filter"))


@pytest.fixture
def north_east(other_place):
    """Northmoor's anonymous round and four named rounds in the North East: one anonymous place
    among five, so the region's public list of places would name it."""
    named = [
        closed_round(
            make_place(f"ne-{n}", f"North East place {n}", region=other_place.region),
            "2026 Q2",
            {"Asha Patel": {}},
        )
        for n in range(1, 5)
    ]
    anonymous = closed_round(other_place, "2026 Q2", {"Ian Walker": {}}, sharing=Sharing.ANONYMOUS)
    return {"named": named, "anonymous": anonymous}


def _more_anonymous(count: int, **place):
    return [
        closed_round(
            make_place(f"anon-{n}", f"Anonymous sharer {n}", **place),
            "2026 Q2",
            {"Asha Patel": {}},
            sharing=Sharing.ANONYMOUS,
        )
        for n in range(1, count + 1)
    ]


def test_it_lists_no_anonymous_round_under_a_region_with_fewer_than_five_anonymous_places(
    django_app, analyst, north_east
):
    offered_rounds = _filtered(django_app, analyst, region="north-east-yorkshire")
    assert set(offered_rounds) == {r.pk for r in north_east["named"]}
    assert key_of(north_east["anonymous"]) in offered(django_app.get(URL, user=analyst))


def test_it_lists_anonymous_rounds_under_a_region_once_five_anonymous_places_match(
    django_app, analyst, north_east, other_place
):
    more = _more_anonymous(4, region=other_place.region)
    offered_rounds = _filtered(django_app, analyst, region="north-east-yorkshire")
    anonymous = {key_of(north_east["anonymous"]), *(key_of(r) for r in more)}
    assert set(offered_rounds) == {r.pk for r in north_east["named"]} | anonymous


def test_it_counts_places_not_rounds_towards_the_five(django_app, analyst, north_east, other_place):
    # Five anonymous rounds of one place hide nobody.
    for period in ("2024 Q1", "2024 Q2", "2024 Q3", "2024 Q4"):
        closed_round(other_place, period, {"Ian Walker": {}}, sharing=Sharing.ANONYMOUS)
    offered_rounds = _filtered(django_app, analyst, region="north-east-yorkshire")
    assert set(offered_rounds) == {r.pk for r in north_east["named"]}


def test_it_lists_no_anonymous_round_under_a_kind_of_place_even_with_five_of_that_kind(
    django_app, analyst, north_east, other_place
):
    # Five anonymous ICSs, all in the North East: the kind alone would list the same five as
    # the region, and crossed with a region filter by hand, narrow a peer group (the old limit).
    _more_anonymous(4, region=other_place.region, kind="ics")
    assert key_of(north_east["anonymous"]) not in _filtered(django_app, analyst, kind="ics")
    both = _filtered(django_app, analyst, region="north-east-yorkshire", kind="ics")
    assert key_of(north_east["anonymous"]) not in both
    # Five anonymous places in the region: the region alone lists them.
    assert key_of(north_east["anonymous"]) in _filtered(
        django_app, analyst, region="north-east-yorkshire"
    )


@pytest.mark.parametrize("region", ["north-east-yorkshire", "london"])
def test_it_states_the_rule_under_every_filter_by_region_alike(
    django_app, analyst, north_east, region
):
    # The same words whether or not an anonymous round was left out: they tell nothing.
    form = choice_form(django_app.get(URL, user=analyst))
    form["region"] = region
    note = form.submit("filter").html.find(id="group-rule").get_text()
    assert " ".join(note.split()) == (
        "Filtered by region or kind of place, this list includes anonymous rounds only as a "
        "whole peer group of at least 5 places: by region, where that many share anonymously; "
        "never by kind of place."
    )


def test_it_keeps_a_chosen_anonymous_round_whatever_the_filter_so_none_is_read_back(
    django_app, analyst, north_east
):
    # Chosen by its number, the round shows alike under any filter: nothing tells whether it
    # matches the region.
    query = chosen(north_east["anonymous"])
    pages = [
        django_app.get(URL, {**query, "region": region}, user=analyst)
        for region in ("north-east-yorkshire", "london")
    ]
    assert [heatmap_labels(page) for page in pages] == [
        [anonymous_label(north_east["anonymous"].pk) + ", 2026 Q2"]
    ] * 2
    assert all(key_of(north_east["anonymous"]) not in offered(page) for page in pages)


def test_it_lets_members_filter_their_own_anonymous_rounds_by_name(
    django_app, outsider, north_east
):
    # Northmoor's own people see its round by name: no group to hide in is needed.
    assert set(_filtered(django_app, outsider, region="north-east-yorkshire")) == {
        north_east["anonymous"].pk
    }


# --- over time --------------------------------------------------------------------------------


def test_it_shows_a_place_s_rounds_over_time(django_app, analyst, world):
    response = django_app.get(
        URL, {**chosen(world["riverside"]), "trend": "riverside"}, user=analyst
    )
    page = response
    rows = table(page, "Riverside Borough: each factor in each closed round")
    assert rows[0] == ["Factor", "2025 Q4", "2026 Q2"]
    assert rows[1] == ["Impact", "1", "2.5"]
    assert [t["y"] for t in figure(page, "trend-data")["data"]][0] == [1, 2.5]


def test_it_shows_the_first_named_chosen_place_over_time_by_default(django_app, analyst, world):
    response = django_app.get(URL, chosen(world["northmoor"], world["riverside"]), user=analyst)
    assert '<h2 id="trend-h">Riverside Borough over time</h2>' in response.text


def test_it_shows_a_place_over_time_with_no_round_chosen(django_app, analyst, world):
    response = django_app.get(URL, {"trend": "riverside"}, user=analyst)
    rows = table(response, "Riverside Borough: each factor in each closed round")
    assert rows[1] == ["Impact", "1", "2.5"]


def test_it_never_shows_an_anonymous_place_over_time_to_an_analyst(
    django_app, analyst, world, other_place
):
    closed_round(other_place, "2025 Q4", {"Ian Walker": {}}, sharing=Sharing.ANONYMOUS)
    response = django_app.get(
        URL, {**chosen(world["northmoor"]), "trend": "northmoor"}, user=analyst
    )
    assert "trend-data" not in response.text
    assert "Northmoor" not in response.text


def test_it_shows_staff_any_place_over_time(django_app, staff, world, other_place):
    closed_round(other_place, "2025 Q4", {"Ian Walker": {}}, sharing=Sharing.ANONYMOUS)
    response = django_app.get(URL, {**chosen(world["northmoor"]), "trend": "northmoor"}, user=staff)
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
    assert "scored on different versions of the matrix" in response.text
    assert "compared on the 8 factors they share" in response.text
    header = table(response, HEATMAP)[0]
    assert "Leadership" not in header and len(header) == 1 + 8


def test_it_draws_the_radar_on_the_shared_factors_only(django_app, staff, across_versions):
    response = django_app.get(URL, chosen(*across_versions), user=staff)
    [riverside, northmoor] = figure(response, "overlay-data")["data"]
    assert len(riverside["r"]) == 8 + 1  # the line closes on its first point
    assert (riverside["r"][0], northmoor["r"][0]) == (3, 1)


def test_it_says_nothing_of_versions_when_the_rounds_share_one(django_app, staff, world):
    response = django_app.get(URL, chosen(world["riverside"], world["northmoor"]), user=staff)
    assert "different versions" not in response.text


@pytest.fixture
def on_each_version(place, other_place):
    """Riverside scored on the first published matrix (1.0), Northmoor on the latest (1.1)."""
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
    assert table(response, HEATMAP)[0][1:] == list(FACTOR_TITLES)
    assert heatmap_versions(response) == {
        "Riverside Borough, 2025 Q4": "matrix 1.0",
        NORTHMOOR: "matrix 1.1",
    }
    assert "scored on different versions of the matrix (1.0 and 1.1)" in response.text
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
def test_it_refuses_a_round_that_is_not_given_by_its_number(django_app, analyst, world, number):
    response = django_app.get(
        URL, {"assessment": [world["riverside"].pk, number]}, user=analyst, expect_errors=True
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
def test_it_refuses_a_nul_character_in_the_address(django_app, staff, world, field, message):
    # PostgreSQL cannot store or compare text holding NUL: it must never reach a query.
    query = {**chosen(world["riverside"]), field: "riverside\x00"}
    response = django_app.get(URL, query, user=staff, expect_errors=True)
    assert response.status_code == 400
    assert errors(response) == [message]


def test_it_keeps_offering_rounds_when_the_address_is_refused(django_app, staff, world):
    response = django_app.get(URL, {"period": "\x00"}, user=staff, expect_errors=True)
    assert set(offered(response)) == {r.pk for r in world.values()}


# --- who may open the page --------------------------------------------------------------------


def test_it_sends_someone_signed_out_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={URL}"


def test_it_only_answers_get(client, analyst, world):
    client.force_login(analyst)
    assert client.post(URL, chosen(world["riverside"])).status_code == 405


def test_it_shows_a_member_who_has_no_closed_round_how_rounds_appear(
    django_app, viewer, open_round
):
    assessment_advance(assessment=open_round)
    response = django_app.get(URL, user=viewer)
    assert "No closed rounds match." in response.text
    assert "in a place you belong to" in response.text
