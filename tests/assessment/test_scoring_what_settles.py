"""What settles a level, where a team places itself: the evidence markers and the illustrative
example of each level on the scoring step, the long form and the consensus item, and the
framework's placement rule once, near the levels."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from assessment.selectors import forget_published_items
from frameworks.models import FrameworkVersion, LevelDescriptor
from tests.assessment.consensus_pages import item_url
from tests.assessment.scoring import items_by_key

pytestmark = pytest.mark.django_db

MARKERS = ["A signed agreement, and who signed it", "Share of spend pooled (the BCF average: 4%)"]
EXAMPLE = "Illustrative: Torbay's care trust pooled health and care budgets (2016 report)."
RULE = (
    "Choose the level that fits your evidence best; levels are not cumulative. "
    "Where evidence spans two levels, record the lower and say why."
)


def _write_what_settles(item) -> None:
    """What 1.2 carries, written on the rows of the version the round pinned: markers and an
    example at level 2, none at level 1."""
    LevelDescriptor.objects.filter(item=item, value=2).update(evidence=MARKERS, example=EXAMPLE)
    LevelDescriptor.objects.filter(item=item, value=1).update(evidence=[], example="")
    FrameworkVersion.objects.filter(pk=item.version_id).update(placement=RULE)
    forget_published_items()  # the published items a process keeps are read again


@pytest.fixture
def impact(open_round):
    item = items_by_key(open_round)["impact"]
    _write_what_settles(item)
    return item


def _level_option(page, item, value: int):
    radio = page.html.select_one(f"input[name=i{item.pk}_current][value='{value}']")
    return radio.find_parent(class_="level-option")


def test_it_shows_what_settles_a_level_in_its_disclosure_on_the_step(
    django_app, respondent, open_round, impact
):
    url = reverse("assessment-respond", args=[open_round.pk])
    page = django_app.get(f"{url}?item=1", user=respondent)
    disclosure = _level_option(page, impact, 2).select_one("details")
    assert "what settles it" in disclosure.summary.get_text()
    assert [li.get_text(strip=True) for li in disclosure.select(".level-evidence li")] == MARKERS
    example = " ".join(disclosure.select_one(".level-example").get_text().split())
    assert (
        example == "Illustrative Torbay's care trust pooled health and care budgets (2016 report)."
    )
    # Level 1 carries no markers: nothing is said of them.
    assert not _level_option(page, impact, 1).select(".level-evidence")


def test_it_states_the_placement_rule_once_near_the_levels_with_a_link_to_the_framework(
    django_app, respondent, open_round, impact
):
    url = reverse("assessment-respond", args=[open_round.pk])
    page = django_app.get(f"{url}?item=1", user=respondent)
    [rule] = page.html.select(".placement-rule")
    assert "Choose the level that fits your evidence best; levels are not cumulative." in (
        rule.get_text()
    )
    assert rule.find_parent("fieldset").select(".level-option")  # beside the levels
    version = impact.version
    link = rule.find("a")["href"]
    assert link == reverse("frameworks-detail", args=[version.slug, version.version]) + "#placement"


def test_it_shows_the_markers_and_the_rule_once_per_framework_on_the_long_form(
    django_app, respondent, open_round, impact
):
    page = django_app.get(reverse("assessment-respond", args=[open_round.pk]), user=respondent)
    markers = _level_option(page, impact, 2).select(".level-evidence li")
    assert [li.get_text(strip=True) for li in markers] == MARKERS
    # The matrix states its rule once, at its first item (Impact), not again at Place.
    place = items_by_key(open_round)["place"]
    assert len(page.html.select(f"#item-{impact.pk} .placement-rule")) == 1
    assert page.html.select(f"#item-{place.pk} .placement-rule") == []
    assert RULE.split(";")[0] in page.html.select_one(f"#item-{impact.pk} .placement-rule").text


def test_it_says_a_context_item_takes_no_target(django_app, respondent, open_round):
    place = items_by_key(open_round)["place"]
    url = reverse("assessment-respond", args=[open_round.pk])
    page = django_app.get(f"{url}?item=2", user=respondent)
    words = " ".join(page.html.select_one(f"#item-{place.pk} .no-target").get_text().split())
    assert words.startswith("No target: this item describes the place's circumstances")
    assert page.html.select("select[name$=_target]") == []


def test_it_shows_what_settles_each_level_beside_the_answers_at_consensus(
    client, lead, split_at_consensus
):
    impact = items_by_key(split_at_consensus)["impact"]
    _write_what_settles(impact)
    client.force_login(lead)
    page = client.get(item_url(split_at_consensus, impact))
    rows = BeautifulSoup(page.text, "html.parser").select("table.level-answers tbody tr")
    by_level = {" ".join(row.th.contents[0].split()): row for row in rows}
    developed = by_level["2 Developed"]
    guide = developed.select_one("td.level-guide")
    assert [li.get_text(strip=True) for li in guide.select(".level-evidence li")] == MARKERS
    assert "Illustrative" in guide.select_one(".level-example").get_text()
    # Beside the answers: Tom's answer at 2, one dot.
    assert len(developed.select("td ul.list-inline li")) == 1
    assert not by_level["1 Emerging"].select(".level-evidence")
