"""Choosing at scale on the comparison page: periods read loosely, every round that matches the
filters chosen at once (as a flag with the filters, never a key per round), and a list that is
empty says which filter left out what."""

import itertools
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from assessment.demo import seed_demo
from assessment.models import Assessment, Region, Sharing
from reports.compare import min_group
from reports.periods import normalise_period, period_matches

from .compare_data import HEATMAP, chosen, closed_round, csv_rows, heatmap_labels, offered
from .pages import choice_form
from .test_anonymity_attacks import nation  # noqa: F401 (a fixture, asked for by `sharers`)

pytestmark = pytest.mark.django_db


@pytest.fixture
def sharers(request) -> dict[str, int]:
    """Fourteen places sharing anonymously in four regions, and named places in each
    (test_anonymity_attacks.nation): anonymous code → place id."""
    return request.getfixturevalue("nation")


URL = reverse("reports-compare")
CSV = reverse("reports-export-csv")
NOT_WHY = "once they are closed and shared"


# --- periods, read loosely --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "normal"),
    [
        ("2026-Q2", "2026 Q2"),
        ("2026 q2", "2026 Q2"),
        ("Q2 2026", "2026 Q2"),
        ("2026Q2", "2026 Q2"),
        ("  2026   Q2 ", "2026 Q2"),
        ("2026/27 Q1", "2026/27 Q1"),
        ("2026-27 q1", "2026/27 Q1"),
        ("FY2026/2027", "FY 2026/27"),
        ("H1 2026", "2026 H1"),
        ("September 2026", "2026 Sep"),
        ("sept 2026", "2026 Sep"),
        ("Spring 2026", "2026 Spring"),
    ],
)
def test_it_writes_each_period_one_way(typed, normal):
    assert normalise_period(typed) == normal


@pytest.mark.parametrize(
    ("asked", "period", "matches"),
    [
        ("2026", "2026 Q2", True),
        ("2026", "2026 Q4", True),
        ("2026", "2025 Q4", False),
        ("Q2", "2026 Q2", True),
        ("q2", "2025 Q2", True),
        ("Q2", "2026 Q3", False),
        ("2026-Q2", "2026 Q2", True),
        ("Q2 2026", "2026 Q2", True),
        ("2026 q2", "Q2 2026", True),
        ("2026 Q2", "2026 Q3", False),
        # A financial year answers to both its years; a year asked for is not a financial year.
        ("2026", "2026/27 Q1", True),
        ("2027", "2026/27 Q1", True),
        ("2026/27", "2026 Q2", False),
        ("2026-27", "2026/27 Q3", True),
        ("sep 2026", "September 2026", True),
        # A year is a whole number: 2026 is not in 20261.
        ("2026", "20261", False),
        # Punctuation alone names no period and matches none.
        ("—", "2026 Q2", False),
    ],
)
def test_it_matches_a_period_holding_every_part_asked_for(asked, period, matches):
    assert period_matches(asked, period) is matches


@pytest.fixture
def periods(place, other_place):
    """Named rounds of Riverside, Northmoor and three more places across 2025 and 2026."""
    from .compare_data import make_place

    spread = {
        "a": (place, "2025 Q4"),
        "b": (place, "2026 Q2"),
        "c": (other_place, "2026-Q2"),
        "d": (make_place("hexley", "Hexley Borough", region=Region.LONDON), "Q2 2026"),
        "e": (make_place("downs", "Downs Borough", region=Region.SOUTH_WEST), "2026 Q4"),
    }
    return {key: closed_round(at, period, {}) for key, (at, period) in spread.items()}


def _listed(page) -> set[int | str]:
    return set(offered(page))


@pytest.mark.parametrize("typed", ["2026-Q2", "2026 q2", "Q2 2026", "q2 2026"])
def test_it_lists_one_period_however_it_is_written(django_app, analyst, periods, typed):
    page = django_app.get(URL, {"period": typed}, user=analyst)
    assert _listed(page) == {periods[k].pk for k in "bcd"}


def test_it_lists_every_period_of_a_year_for_the_year(django_app, analyst, periods):
    page = django_app.get(URL, {"period": "2026"}, user=analyst)
    assert _listed(page) == {periods[k].pk for k in "bcde"}
    page = django_app.get(URL, {"period": "Q4"}, user=analyst)
    assert _listed(page) == {periods[k].pk for k in "ae"}


def test_it_refuses_a_period_that_names_no_period(django_app, analyst, periods):
    page = django_app.get(URL, {"period": "——"}, user=analyst, status=400)
    assert "Give a period as a year, a quarter, a half or a month" in page.text


# --- no round matches -------------------------------------------------------------------------


def _no_match(page) -> str:
    return " ".join(page.html.find(id="no-match").get_text().split())


def test_it_says_which_filter_left_every_round_out(django_app, analyst, periods):
    page = django_app.get(URL, {"period": "2027"}, user=analyst)
    assert not offered(page)
    said = _no_match(page)
    assert said == "No round matches the period “2027”: 5 rounds are on offer without it."
    assert NOT_WHY not in page.text


def test_it_counts_for_each_filter_what_the_others_match(django_app, analyst, periods):
    query = {"region": Region.SOUTH_WEST, "period": "2025"}
    said = _no_match(django_app.get(URL, query, user=analyst))
    # Downs (South West) has no 2025 round; Riverside's 2025 Q4 is in London.
    assert "No round matches the region South West: 1 round matches the other filters." in said
    assert "No round matches the period “2025”: 1 round matches the other filters." in said
    assert NOT_WHY not in said


def test_it_says_nothing_is_shared_only_when_nothing_is(django_app, analyst, db):
    page = django_app.get(URL, {"period": "2026"}, user=analyst)
    said = _no_match(page)
    assert said.startswith("No closed rounds match. Rounds appear here once they are closed")
    assert "No round matches the period" not in said


# --- every round that matches ----------------------------------------------------------------


def test_it_compares_every_round_that_matches_with_one_button(django_app, analyst, periods):
    page = django_app.get(URL, {"period": "2026"}, user=analyst)
    form = choice_form(page)
    compared = form.submit("all", value="1")
    labels = heatmap_labels(compared)
    assert len(labels) == 4 and all("2025" not in label for label in labels)
    # The choice travels as the flag and the filters, not one key per round.
    query = parse_qs(urlsplit(compared.request.url).query)
    assert set(query["all"]) == {"1"} and set(query["period"]) == {"2026"}
    assert "assessment" not in query
    assert "All 4 rounds that match the filters are compared below" in compared.text
    # The boxes stay unticked: ticking some chooses those instead.
    assert not compared.html.select('input[name="assessment"][checked]')


def test_it_keeps_the_address_short_however_many_rounds_match(django_app, analyst, periods):
    page = django_app.get(URL, {"all": "1"}, user=analyst)
    assert len(heatmap_labels(page)) == 5
    pdf = page.html.find("a", string="PDF for a board")["href"]
    assert "assessment=" not in pdf and "all=1" in pdf and len(pdf) < 100


def test_it_exports_every_round_that_matches(client, analyst, periods):
    client.force_login(analyst)
    rows = csv_rows(client.get(CSV, {"all": "1", "period": "Q2 2026"}))
    assert {r["period"] for r in rows} == {"2026 Q2", "2026-Q2", "Q2 2026"}
    assert len({(r["place_name"], r["period"]) for r in rows}) == 3


def test_it_ignores_keys_sent_beside_every_round_that_matches(django_app, analyst, periods):
    query = {**chosen(periods["a"]), "all": "1", "period": "2026 Q4"}
    page = django_app.get(URL, query, user=analyst)
    assert heatmap_labels(page) == ["Downs Borough, 2026 Q4"]
    assert "cannot be shown" not in page.text


def test_it_offers_no_round_it_would_not_list_to_a_member(django_app, lead, periods):
    # A member compares their own places' rounds: all of them are Riverside's.
    page = django_app.get(URL, {"all": "1"}, user=lead)
    assert heatmap_labels(page) == ["Riverside Borough, 2025 Q4", "Riverside Borough, 2026 Q2"]


# --- anonymity holds for every new path ---------------------------------------------------------


def _anonymous_compared(client, query: dict, sharers: dict) -> set[str]:
    """The anonymous rounds compared when every round matching `query` is chosen: code set."""
    from bs4 import BeautifulSoup

    page = BeautifulSoup(client.get(URL, {**query, "all": "1"}).content, "html.parser")
    labels = set()
    for caption in page.find_all("caption"):
        if " ".join(caption.get_text().split()).startswith(HEATMAP):
            for header in caption.find_parent("table").select("tbody th[scope=row]"):
                labels.add(" ".join(header.get_text().split()))
    return {code for code in sharers if any(code in label for label in labels)}


def test_choosing_all_compares_exactly_the_list_so_filters_still_differ_by_whole_groups(
    client, analyst, sharers
):
    client.force_login(analyst)
    filters = list(itertools.product(["", *Region.values], ["", "borough", "ics"]))
    compared = {}
    for region, kind in filters:
        query = {"region": region, "kind": kind}
        compared[(region, kind)] = _anonymous_compared(client, query, sharers)
        listed = {k for k in offered_in(client.get(URL, query)) if k in sharers}
        assert compared[(region, kind)] == listed, query
    for (one, a), (two, b) in itertools.combinations(compared.items(), 2):
        differ = {sharers[code] for code in a ^ b}
        assert not differ or len(differ) >= min_group(), (one, two, differ)


def test_a_loose_period_only_cuts_the_list_to_periods_its_labels_show(client, analyst, sharers):
    client.force_login(analyst)
    everyone = offered_in(client.get(URL))
    for asked, shown in (("2026", "2026 Q2"), ("q4 2025", "2025 Q4"), ("Q2", "2026 Q2")):
        listed = offered_in(client.get(URL, {"period": asked}))
        expected = {k: v for k, v in everyone.items() if f", {shown}" in v}
        assert listed == expected, asked


def test_a_withheld_period_is_never_found_by_a_word_of_it(client, analyst, other_place):
    # Northmoor names its round; shared anonymously, the period is withheld, and no loose
    # match on a word of it may find the round.
    closed_round(other_place, "Northmoor refresh 2026", {}, sharing=Sharing.ANONYMOUS)
    client.force_login(analyst)
    assert offered_in(client.get(URL))  # listed, under "period withheld"
    for asked in ("Northmoor", "refresh", "2026", "refresh 2026"):
        assert not offered_in(client.get(URL, {"period": asked})), asked


def offered_in(response) -> dict[str, str]:
    from bs4 import BeautifulSoup

    page = BeautifulSoup(response.content, "html.parser")
    return {
        box["value"]: " ".join(page.find("label", attrs={"for": box["id"]}).get_text().split())
        for box in page.find_all("input", attrs={"name": "assessment"})
    }


# --- the same queries whatever the number of rounds ----------------------------------------------


@pytest.fixture
def national(request):
    seed_demo(extra_places=request.param, respondents_per_round=3)
    return Assessment.objects.filter(status="closed").exclude(sharing=Sharing.PRIVATE).count()


@pytest.mark.parametrize("national", [4, 40], indirect=True)
def test_it_compares_every_round_that_matches_in_the_same_queries(
    django_app, analyst, national, django_assert_num_queries
):
    django_app.get(URL, user=analyst)  # signed in: the count below is the page's own work
    # session, user, permissions (2); the analyst's places; the periods on offer (the period
    # filter) and the rounds on offer; the trend place's rounds; the stored results, their items
    # with their versions' levels and their factors' own names for levels; every shared place's
    # results; the action counts; every round on offer unfiltered, for the summary of what is
    # shared; and how far each round's answers agree (the figures kept, and 5 queries for those
    # of rounds with none kept, however many rounds).
    with django_assert_num_queries(21):
        page = django_app.get(URL, {"all": "1", "period": "2026"})
    assert len(heatmap_labels(page)) > national // 3
    # Unfiltered: no periods to read, and the summary of what is shared is the list itself.
    with django_assert_num_queries(19):
        page = django_app.get(URL, {"all": "1"})
    assert len(heatmap_labels(page)) == national
