"""GET /compare/: anonymous rounds, and filters that describe a place."""

import pytest
from django.urls import reverse

from assessment.models import Sharing
from reports.compare import anonymous_label

from .compare_data import (
    chosen,
    closed_round,
    heatmap_labels,
    key_of,
    make_place,
    offered,
)
from .pages import (
    choice_form,
)

pytestmark = pytest.mark.django_db

URL = reverse("reports-compare")
RIVERSIDE = "Riverside Borough, 2026 Q2"
NORTHMOOR = "Northmoor Integrated Care System, 2026 Q2"


# --- anonymity --------------------------------------------------------------------------------


def test_it_never_names_an_anonymous_place_to_an_analyst(
    django_app, analyst, shared_places, anonymous_northmoor
):
    response = django_app.get(
        URL, chosen(shared_places["northmoor"], shared_places["riverside"]), user=analyst
    )
    assert heatmap_labels(response) == [anonymous_northmoor, RIVERSIDE]
    assert "northmoor" not in response.text.lower()


def test_it_lists_an_anonymous_round_without_its_region(
    django_app, analyst, shared_places, anonymous_northmoor
):
    labels = offered(django_app.get(URL, user=analyst))
    assert labels[key_of(shared_places["northmoor"])] == anonymous_northmoor
    assert labels[shared_places["riverside"].pk] == f"{RIVERSIDE} London"


def test_it_counts_an_anonymous_place_s_actions_per_factor_without_their_text(
    django_app, analyst, shared_places, anonymous_northmoor
):
    from assessment.models import ActionStatus
    from assessment.services.actions import action_create
    from tests.assessment.scoring import items_by_key

    northmoor = shared_places["northmoor"]
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
    response = django_app.get(URL, chosen(northmoor, shared_places["riverside"]), user=analyst)
    rows = {
        row.th.text: [td.text for td in row.select("td")]
        for row in response.html.select("#action-counts tbody tr")
    }
    headers = [th.text for th in response.html.select("#action-counts thead th")][1:]
    assert rows[anonymous_northmoor][headers.index("Workforce")] == "1 of 2 done"
    assert set(rows[RIVERSIDE]) == {"—"}
    assert "Hexley" not in response.text


def test_it_names_every_place_to_staff(django_app, staff, shared_places):
    response = django_app.get(URL, chosen(shared_places["northmoor"]), user=staff)
    assert heatmap_labels(response) == [NORTHMOOR]
    assert anonymous_label(shared_places["northmoor"].pk) not in response.text


def test_it_gives_a_thousand_anonymous_rounds_a_thousand_labels():
    labels = {anonymous_label(pk) for pk in range(1, 1001)}
    assert len(labels) == 1000


def test_it_makes_labels_from_the_site_s_secret_so_none_can_be_guessed(settings):
    before = anonymous_label(7)
    settings.SECRET_KEY = "another-site-s-secret-" + "x" * 40
    assert anonymous_label(7) != before
    assert "7" not in before.removeprefix("Anonymous ")


def test_it_labels_each_round_of_a_place_apart_so_none_leads_to_another(
    django_app, analyst, shared_places, other_place
):
    earlier = closed_round(other_place, "2025 Q4", {"Ian Walker": {}}, sharing=Sharing.ANONYMOUS)
    labels = offered(django_app.get(URL, user=analyst))
    assert labels[key_of(earlier)] == f"{anonymous_label(earlier.pk)}, 2025 Q4"
    assert (
        labels[key_of(earlier)].split(",")[0]
        != labels[key_of(shared_places["northmoor"])].split(",")[0]
    )


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


def test_it_says_how_anonymity_works_on_the_page(django_app, viewer, shared_places):
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
    anonymous_northmoor = closed_round(
        other_place, "2026 Q2", {"Ian Walker": {}}, sharing=Sharing.ANONYMOUS
    )
    return {"named": named, "anonymous": anonymous_northmoor}


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
    anonymous_northmoor = {key_of(north_east["anonymous"]), *(key_of(r) for r in more)}
    assert set(offered_rounds) == {r.pk for r in north_east["named"]} | anonymous_northmoor


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
