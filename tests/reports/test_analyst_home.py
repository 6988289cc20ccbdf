"""An analyst's home is the comparison: what is shared (places and rounds, by region and period)
and the filters. Nobody who compares places is told they belong to no place with no way on."""

import pytest
from django.urls import reverse

from assessment.models import Membership, Region, Sharing

from .compare_data import closed_round, make_place, offered
from .pages import table
from .test_anonymity_attacks import nation  # noqa: F401 (a fixture, asked for by `sharers`)

pytestmark = pytest.mark.django_db


@pytest.fixture
def sharers(request) -> dict[str, int]:
    """Fourteen places sharing anonymously in four regions, and named places in each
    (test_anonymity_attacks.nation): anonymous code → place id."""
    return request.getfixturevalue("nation")


HOME = reverse("home")
LANDING = reverse("landing")
COMPARE = reverse("reports-compare")
NO_PLACE = "You do not belong to any place"


def test_an_analyst_who_belongs_to_no_place_lands_on_the_comparison(
    django_app, analyst, shared_places
):
    for start in (LANDING, HOME):
        page = django_app.get(start, user=analyst).maybe_follow()
        assert page.request.path == COMPARE, start
        assert NO_PLACE not in page.text
        assert page.html.find(id="shared-h").get_text() == "What you may compare"
        assert page.html.find(id="id_region") and page.html.find(id="id_period")


def test_staff_who_belong_to_no_place_and_find_none_land_on_the_comparison(django_app, staff):
    page = django_app.get(LANDING, user=staff).maybe_follow()
    assert page.request.path == COMPARE
    assert NO_PLACE not in page.text


def test_staff_and_analysts_with_places_find_the_comparison_from_home(
    django_app, staff, analyst, place
):
    Membership.objects.create(user=analyst, place=place, role="viewer")
    for person in (staff, analyst):
        home = django_app.get(HOME, user=person)
        assert "Riverside Borough" in home.text
        assert home.click("Compare places").request.path == COMPARE
        django_app.reset()


def test_a_member_without_a_place_is_told_what_to_do_and_where_to_go(django_app, make_person):
    person = make_person("new.starter@example.org")
    page = django_app.get(LANDING, user=person).maybe_follow()
    assert page.request.path == HOME
    assert NO_PLACE in page.text and "Ask your place's lead to add you" in page.text
    assert page.click("the frameworks").status_code == 200
    assert "Compare places" not in page.html.find("main").get_text()


# --- what is shared -----------------------------------------------------------------------------


def _counts(page, caption: str) -> dict[str, list[str]]:
    """Each row's counts by its region or period (without the "compare all" link beside it)."""
    return {row[0].removesuffix(" compare all"): row[1:] for row in table(page, caption)[1:]}


def test_it_summarises_what_is_shared_by_region_and_period(django_app, analyst, shared_places):
    page = django_app.get(COMPARE, user=analyst)
    said = " ".join(page.html.find(id="shared").get_text().split())
    # Riverside's two rounds and Westfield's by name; Northmoor's anonymously; Eastvale's is
    # private and not counted.
    assert "4 closed rounds: 3 by name, from 2 places, and 1 shared anonymously" in said
    regions = _counts(page, "By region")
    assert regions["London"][:3] == ["1", "2", "0"]
    assert regions["South West"][:3] == ["1", "1", "0"]
    # One anonymous place is no peer group: it is counted in no region.
    assert regions["In no regional group"][:3] == ["0", "0", "1"]
    assert "North East and Yorkshire" not in regions
    periods = _counts(page, "By period")
    assert periods["2026 Q2"][:2] == ["2", "1"] and periods["2025 Q4"][:2] == ["1", "0"]


def test_its_links_list_and_compare_a_region_or_a_period(django_app, analyst, shared_places):
    page = django_app.get(COMPARE, user=analyst)
    listed = page.click("South West", index=0)
    assert set(offered(listed).values()) == {"Westfield Borough, 2026 Q2 South West"}
    compared = page.click(description="compare all", href="period=2026")
    assert "All 3 rounds that match the filters are compared below" in compared.text


def test_it_counts_a_region_s_anonymous_rounds_as_its_filter_lists_them(
    django_app, analyst, sharers
):
    page = django_app.get(COMPARE, user=analyst)
    regions = _counts(page, "By region")
    labels = dict(Region.choices)
    for value, label in labels.items():
        listed = offered(django_app.get(COMPARE, {"region": value}))
        anonymous = sum(1 for key in listed if isinstance(key, str))
        shown = regions.get(label, ["0", "0", "0"])
        assert int(shown[2]) == anonymous, label
        assert int(shown[1]) == len(listed) - anonymous, label
    # Everything else is counted only in the list of all, as no region lists it.
    everyone = offered(django_app.get(COMPARE))
    assert sum(int(row[1]) + int(row[2]) for row in regions.values()) == len(everyone)


def test_it_never_counts_places_behind_anonymous_rounds(django_app, analyst, other_place):
    # Northmoor shares two rounds anonymously and a third by name: counting places would tell
    # that the anonymous rounds are one place's, and perhaps the named one's.
    closed_round(other_place, "2025 Q4", {}, sharing=Sharing.ANONYMOUS)
    closed_round(other_place, "2026 Q2", {}, sharing=Sharing.ANONYMOUS)
    closed_round(other_place, "2026 Q4", {})
    closed_round(make_place("downs", "Downs Borough"), "2026 Q4", {})
    page = django_app.get(COMPARE, user=analyst)
    said = " ".join(page.html.find(id="shared").get_text().split())
    assert "4 closed rounds: 2 by name, from 2 places, and 2 shared anonymously" in said


def test_a_member_sees_no_summary_of_other_places(django_app, lead, shared_places):
    page = django_app.get(COMPARE, user=lead)
    assert page.html.find(id="shared") is None
