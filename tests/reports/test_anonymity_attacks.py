"""Attacks on anonymity between places, by arithmetic rather than by reading a name.

One place shares a round by name and then a later round anonymously; a reader from outside it
tries to link the two through everything they receive: every chart's data, the tables' counts,
the exports, the rounds API and the page's own form. Then a curious analyst tries every pair of
filters, looking for two lists whose difference picks out one place's anonymous rounds.
"""

import itertools

import pytest
from django.urls import reverse

from assessment.models import PlaceKind, Region, Sharing
from reports.compare import anonymous_code, anonymous_label, min_group

from .compare_data import (
    HEATMAP,
    chosen,
    closed_round,
    csv_rows,
    make_place,
    offered,
    xlsx_rows,
)
from .pages import DISTRIBUTION, figure, table

pytestmark = pytest.mark.django_db

COMPARE = reverse("reports-compare")
API = reverse("reports-api-assessments")
CSV = reverse("reports-export-csv")
XLSX = reverse("reports-export-xlsx")


def _answers(impact: int, governance: int) -> dict:
    names = ("Asha Patel", "Dan Reilly", "Zoe Adams")
    return {n: {"impact": (impact, 4), "governance": (governance, 4)} for n in names}


@pytest.fixture
def unmasking(other_place):
    """Northmoor shares 2025 Q4 by name, then 2026 Q2 anonymously; five more places share their
    latest round by name and two anonymously, each with its own levels."""
    named = closed_round(other_place, "2025 Q4", _answers(1, 4), sharing=Sharing.NAMED)
    anonymous = closed_round(other_place, "2026 Q2", _answers(3, 2), sharing=Sharing.ANONYMOUS)
    others = []
    for n, (sharing, impact, governance) in enumerate(
        [
            (Sharing.NAMED, 2, 2),
            (Sharing.NAMED, 4, 1),
            (Sharing.ANONYMOUS, 2, 3),
            (Sharing.NAMED, 3, 3),
            (Sharing.ANONYMOUS, 1, 2),
            (Sharing.NAMED, 4, 4),
        ],
        start=1,
    ):
        at = make_place(f"sharer-{n}", f"Sharer {n}")
        others.append(closed_round(at, "2026 Q2", _answers(impact, governance), sharing=sharing))
    return named, anonymous, others


def _page(django_app, user, rounds):
    return django_app.get(COMPARE, chosen(*rounds), user=user)


def test_it_gives_the_distribution_as_a_crowd_with_no_column_per_place(
    django_app, analyst, unmasking
):
    named, anonymous, _ = unmasking
    page = django_app.get(COMPARE, {**chosen(named, anonymous), "trend": "northmoor"}, user=analyst)
    boxes = [t for t in figure(page, "distribution-data")["data"] if t["type"] == "box"]
    # Summary statistics per factor: no list of values, one per place, to read across factors.
    assert len(boxes) == 9
    for box in boxes:
        assert "y" not in box
        for name in ("x", "q1", "median", "q3", "lowerfence", "upperfence"):
            assert len(box[name]) == 1


def test_it_counts_nothing_from_which_an_anonymous_round_s_place_can_be_worked_out(
    django_app, analyst, unmasking
):
    named, anonymous, others = unmasking
    page = _page(django_app, analyst, [anonymous])
    listed = offered(page)
    # Every round the analyst is offered counts once, named or not: the count is what the list
    # shows, so nothing tells that the anonymous round is a later round of a listed place.
    places_by_name = {label.split(",")[0] for label in listed.values() if "Anonymous" not in label}
    anonymous_rounds = [label for label in listed.values() if label.startswith("Anonymous")]
    impact = table(page, DISTRIBUTION)[1]
    assert impact[:2] == ["Impact", str(len(places_by_name) + len(anonymous_rounds))]
    # The anonymous round's levels are in the crowd as well as the named round's.
    rows = {row[0]: row for row in table(page, DISTRIBUTION)[1:]}
    assert rows["Impact"][2] == "1"  # Northmoor's named 1 is its own latest round by name


def test_it_never_gives_an_anonymous_round_s_id(client, django_app, analyst, unmasking):
    named, anonymous, others = unmasking
    rounds = [named, anonymous, *others]
    hidden = [r for r in rounds if r.sharing == Sharing.ANONYMOUS]
    page = _page(django_app, analyst, rounds)
    client.force_login(analyst)
    listed = client.get(API).json()["assessments"]
    by_name = {entry["place"]["name"]: entry for entry in listed}
    for round_ in hidden:
        entry = by_name[anonymous_label(round_.pk)]
        assert (entry["id"], entry["url"]) == (None, None)
        assert entry["key"] == anonymous_code(round_.pk)
        # The page's own form names it by its code only.
        assert f'value="{round_.pk}"' not in page.text
        assert f"round-{round_.pk}" not in page.text
    assert anonymous_code(anonymous.pk) in offered(page)


def test_it_shows_nothing_of_an_anonymous_round_asked_for_by_its_id(django_app, analyst, unmasking):
    # Guessing ids one by one would otherwise match each label to an id, and ids run in order.
    _, anonymous, _ = unmasking
    page = django_app.get(COMPARE, {"assessment": [anonymous.pk]}, user=analyst)
    assert "1 of the rounds asked for cannot be shown" in page.text
    assert HEATMAP not in page.text


@pytest.mark.parametrize("export", [CSV, XLSX])
def test_it_exports_an_anonymous_round_with_no_id_and_no_respondent_number(
    client, analyst, unmasking, export
):
    named, anonymous, _ = unmasking
    client.force_login(analyst)
    response = client.get(export, {**chosen(named, anonymous), "detail": "responses"})
    rows = csv_rows(response) if export == CSV else xlsx_rows(response)
    mine = [r for r in rows if r["place_name"] == anonymous_label(anonymous.pk)]
    assert mine and {r["place_code"] or "" for r in mine} == {""}
    # No number follows a person from the named round into the anonymous one.
    assert {r["respondent"] or "" for r in rows} == {""}
    # Nor does any column carry a round's id.
    assert not [column for column in mine[0] if "id" in column.split("_")]


@pytest.mark.parametrize("detail", ["", "responses"])
def test_it_lists_rounds_in_an_export_by_what_is_shown_never_by_id(
    client, analyst, unmasking, detail
):
    # In id order, the anonymous round would come straight after its place's named round.
    named, anonymous, others = unmasking
    client.force_login(analyst)
    rows = csv_rows(client.get(CSV, {**chosen(named, anonymous, *others), "detail": detail}))
    listed = list(dict.fromkeys((r["place_name"], r["period"]) for r in rows))
    assert listed == sorted(listed, key=lambda shown: (shown[0].casefold(), shown[1]))
    assert len(listed) == 8


def test_it_says_the_same_of_a_round_before_whether_or_not_there_is_one(
    client, analyst, place, other_place
):
    # Northmoor's named round follows an anonymous one; Riverside's named round is its first.
    earlier = closed_round(other_place, "2025 Q4", _answers(1, 1), sharing=Sharing.ANONYMOUS)
    later = closed_round(other_place, "2026 Q2", _answers(2, 2), sharing=Sharing.NAMED)
    later.previous = earlier
    later.save(update_fields=["previous"])
    first = closed_round(place, "2026 Q2", _answers(2, 2), sharing=Sharing.NAMED)
    client.force_login(analyst)

    def since(round_) -> str:
        text = client.get(reverse("reports-page", args=[round_.pk])).text
        section = text.split('id="since-h"', 1)[1].split("</section>", 1)[0]
        return " ".join(section.split()).replace(round_.place.name, "PLACE")

    assert since(later) == since(first)


# --- every pair of filters ------------------------------------------------------------------------


@pytest.fixture
def nation():
    """Anonymous sharers in four regions, of every kind: six in the South West, five in the North
    East, two in London and one in the East; each has a 2026 Q2 round and some a 2025 Q4 one
    too; and two named places per region."""
    kinds = list(PlaceKind.values)
    counts = {
        Region.SOUTH_WEST: 6,
        Region.NORTH_EAST_YORKSHIRE: 5,
        Region.LONDON: 2,
        Region.EAST: 1,
    }
    places = {}
    n = 0
    for region, count in counts.items():
        for _ in range(count):
            n += 1
            at = make_place(f"anon-{n}", f"Anonymous sharer {n}", region=region, kind=kinds[n % 4])
            places[closed_round(at, "2026 Q2", {}, sharing=Sharing.ANONYMOUS).pk] = at.pk
            if n % 3 == 0:
                places[closed_round(at, "2025 Q4", {}, sharing=Sharing.ANONYMOUS).pk] = at.pk
        for i in range(2):
            at = make_place(f"named-{region}-{i}", f"Named {region} {i}", region=region)
            closed_round(at, "2026 Q2", {})
    return {anonymous_code(pk): place for pk, place in places.items()}


def _anonymous(client, query: dict, places: dict[str, int]) -> dict[str, str]:
    """The anonymous rounds the comparison page offers under these filters: code → label."""
    listed = offered_in(client.get(COMPARE, query))
    return {key: label for key, label in listed.items() if key in places}


def offered_in(response) -> dict[str, str]:
    from bs4 import BeautifulSoup

    page = BeautifulSoup(response.content, "html.parser")
    return {
        box["value"]: " ".join(page.find("label", attrs={"for": box["id"]}).get_text().split())
        for box in page.find_all("input", attrs={"name": "assessment"})
    }


def test_it_never_lets_two_filters_differ_by_fewer_than_the_minimum_anonymous_places(
    client, analyst, nation
):
    client.force_login(analyst)
    filters = list(itertools.product(["", *Region.values], ["", *PlaceKind.values]))
    shown = {}
    for region, kind in filters:
        shown[(region, kind)] = _anonymous(client, {"region": region, "kind": kind}, nation)
    # Any two filters by what a place is: their lists differ by whole peer groups, or not at all.
    for (one, a), (two, b) in itertools.combinations(shown.items(), 2):
        differ = {nation[key] for key in set(a) ^ set(b)}
        assert not differ or len(differ) >= min_group(), (one, two, differ)
    # A period is on every label: with it, a list is the one without it, cut to that period,
    # so adding it to any filter tells nothing the list without it did not.
    for (region, kind), period in itertools.product(filters, ["2026 Q2", "2025 Q4"]):
        query = {"region": region, "kind": kind, "period": period}
        expected = {k: v for k, v in shown[(region, kind)].items() if v.endswith(period)}
        assert _anonymous(client, query, nation) == expected, query
    # The South West's six are listed under its region: a fixed group, not nothing at all.
    assert len({nation[k] for k in shown[(Region.SOUTH_WEST, "")]}) == 6


def test_it_lists_a_region_s_anonymous_rounds_only_as_its_whole_peer_group(client, analyst, nation):
    client.force_login(analyst)
    # The North East has five, but London and the East together only three: with only three
    # left outside every region's group, they would be told apart from the list of all. So the
    # North East's five join them in one national group, listed only unfiltered.
    north_east = _anonymous(client, {"region": Region.NORTH_EAST_YORKSHIRE}, nation)
    everyone = {nation[key] for key in _anonymous(client, {}, nation)}
    assert north_east == {}
    assert len(everyone) == 14
