"""GET /compare/: the chosen rounds against every shared place, as a crowd."""

import pytest
from django.urls import reverse

from assessment.models import Sharing
from reports.models import RoundItemResult

from .compare_data import (
    chosen,
    closed_round,
    make_place,
)
from .pages import (
    DISTRIBUTION,
    figure,
    table,
)

pytestmark = pytest.mark.django_db

URL = reverse("reports-compare")
RIVERSIDE = "Riverside Borough, 2026 Q2"


# --- against every shared place ---------------------------------------------------------------


def test_it_sums_up_each_factor_across_every_shared_place(
    django_app, analyst, shared_places, anonymous_northmoor
):
    response = django_app.get(
        URL, chosen(shared_places["riverside"], shared_places["northmoor"]), user=analyst
    )
    rows = table(response, DISTRIBUTION)
    assert rows[0] == [
        "Item",
        "Rounds",
        "Lowest",
        "Lower quartile",
        "Median",
        "Upper quartile",
        "Highest",
    ]  # no column a chosen round: where each stands is a row of its own table
    # Each shared place's latest round by name, and the anonymous round: Riverside 2.5,
    # Northmoor 3, Westfield 3.5. Eastvale's private 4 and Riverside's earlier 1 do not count.
    assert rows[1] == ["Impact", "3", "2.5", "2.75", "3", "3.25", "3.5"]
    assert rows[8] == ["Governance", "3", "1", "2", "3", "3.5", "4"]


def test_it_shows_a_member_a_small_group_only_as_a_count_and_says_why(
    django_app, viewer, shared_places
):
    # Three places share: too few for a member to see any of their levels (COMPARE_MIN_GROUP).
    response = django_app.get(URL, chosen(shared_places["riverside"]), user=viewer)
    impact = table(response, DISTRIBUTION)[1]
    assert impact == ["Impact", "3", "not shown: fewer than 5 places"]
    assert (
        "Fewer than 5 places share their rounds for comparison: so that no place" in response.text
    )
    boxes = [t for t in figure(response, "distribution-data")["data"] if t["type"] == "box"]
    assert boxes == []
    assert "Westfield" not in response.text and "Northmoor" not in response.text


def test_it_shows_an_analyst_a_small_group_in_full(django_app, analyst, shared_places):
    response = django_app.get(URL, chosen(shared_places["riverside"]), user=analyst)
    assert table(response, DISTRIBUTION)[1] == [
        "Impact",
        "3",
        "2.5",
        "2.75",
        "3",
        "3.25",
        "3.5",
    ]
    assert "so that no place" not in response.text


@pytest.fixture
def crowd(shared_places):
    """Two more places share, one of them anonymously: five places in all."""
    for code, impact, sharing in (
        ("southbay", 1, Sharing.NAMED),
        ("upfield", 4, Sharing.ANONYMOUS),
    ):
        at = make_place(code, code.capitalize())
        closed_round(at, "2026 Q2", {"Asha Patel": {"impact": (impact, 4)}}, sharing=sharing)
    return shared_places


def test_it_shows_a_member_their_round_against_five_others_without_their_names(
    django_app, viewer, crowd
):
    response = django_app.get(URL, chosen(crowd["riverside"]), user=viewer)
    # Riverside 2.5, Northmoor 3 (anonymous), Westfield 3.5, Southbay 1, Upfield 4 (anonymous).
    assert table(response, DISTRIBUTION)[1] == ["Impact", "5", "1", "2.5", "3", "3.5", "4"]
    [box, *_] = [t for t in figure(response, "distribution-data")["data"] if t["type"] == "box"]
    assert "y" not in box  # the crowd's quartiles, never a level per place
    assert (box["lowerfence"][0], box["median"][0], box["upperfence"][0]) == (1, 3, 4)
    assert "so that no place" not in response.text
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
    assert "so that no place" not in response.text


def test_it_names_the_factors_it_hides_when_only_some_are_too_small(
    django_app, viewer, crowd, settings
):
    _without_leadership()
    settings.COMPARE_MIN_GROUP = 6
    response = django_app.get(URL, chosen(crowd["riverside"]), user=viewer)
    rows = {row[0]: row for row in table(response, DISTRIBUTION)[1:]}
    assert rows["Leadership"] == ["Leadership", "5", "not shown: fewer than 6 places"]
    assert rows["Impact"][:3] == ["Impact", "6", "1"]
    assert "Fewer than 6 places share a level on Leadership: so that no place" in response.text


def test_it_follows_the_minimum_group_size_the_site_sets(
    django_app, viewer, shared_places, settings
):
    settings.COMPARE_MIN_GROUP = 3
    response = django_app.get(URL, chosen(shared_places["riverside"]), user=viewer)
    assert table(response, DISTRIBUTION)[1][:3] == ["Impact", "3", "2.5"]
