"""Versions that differ are flagged: a report on a superseded version names the newer one, and
"since last round", the plan and the compare page's heat map mark the items whose levels are
worded differently in the two rounds' versions, so a move that is only new wording is not read
as progress."""

import pytest
from django.urls import reverse

from assessment.models import Assessment
from assessment.selectors import forget_published_items
from frameworks.models import LevelDescriptor
from frameworks.selectors import latest_published_versions
from reports import plan_sections
from reports.selectors import report_build
from reports.wording import level_entry, levels_reworded, reworded, reworded_across

from .compare_data import HEATMAP, chosen, closed_round, first_published_versions
from .pages import table

pytestmark = pytest.mark.django_db

FLAG = "Wording changed"


def _page(django_app, user, assessment, name="reports-page"):
    return django_app.get(reverse(name, args=[assessment.pk]), user=user)


def _words(element) -> str:
    return " ".join(element.get_text().split())


# --- a report on a superseded version ---------------------------------------------------------


@pytest.fixture
def on_1_0(place, lead):
    return closed_round(place, "2025 Q4", {"Asha Patel": {}}, versions=first_published_versions())


@pytest.mark.parametrize("name", ["reports-page", "reports-print"])
def test_it_names_the_newer_version_on_a_report_of_a_superseded_one(
    django_app, viewer, on_1_0, name
):
    page = _page(django_app, viewer, on_1_0, name)
    notes = [_words(p) for p in page.html.select(".superseded")]
    matrix = next(v for v in latest_published_versions() if v.is_matrix)
    assert matrix.version != "1.0"
    assert any(
        note.startswith(f"This round was scored on {matrix.title}, version 1.0.")
        and f"A newer version has been published since: {matrix.title}, version {matrix.version}."
        in note
        for note in notes
    ), notes


def test_it_says_nothing_of_newer_versions_on_a_report_of_the_latest(django_app, viewer, place):
    latest = closed_round(place, "2026 Q4", {"Asha Patel": {}})
    page = _page(django_app, viewer, latest)
    assert page.html.select(".superseded") == []
    assert "A newer version has been published" not in page.text


# --- since last round, the plan and the heat map ----------------------------------------------


def _word_alike_but(old_versions, new_versions, key: str) -> None:
    """The old versions' levels worded as the new ones', except level 2 of `key`: which items
    differ is then known, whatever the shipped versions say."""
    for new in new_versions:
        old = next(v for v in old_versions if v.framework_id == new.framework_id)
        for level in LevelDescriptor.objects.filter(item__version=new).select_related("item"):
            LevelDescriptor.objects.filter(
                item__version=old, item__key=level.item.key, value=level.value
            ).update(descriptor=level.descriptor, label=level.label)
    LevelDescriptor.objects.filter(item__version__in=old_versions, item__key=key, value=2).update(
        descriptor="Level 2 as the older version worded it."
    )
    forget_published_items()


@pytest.fixture
def reworded_rounds(place, lead):
    """Riverside's 2025 Q4 on the first versions, 2026 Q4 on the latest: Governance's levels
    are worded differently, every other item's alike. Governance moves from 2 to 3."""
    old, new = first_published_versions(), latest_published_versions()
    _word_alike_but(old, new, "governance")
    previous = closed_round(place, "2025 Q4", {"Asha Patel": {"governance": (2, 4)}}, versions=old)
    current = closed_round(place, "2026 Q4", {"Asha Patel": {"governance": (3, 4)}}, versions=new)
    return previous, current


def test_it_flags_since_last_round_the_items_whose_levels_were_reworded(
    django_app, viewer, reworded_rounds
):
    page = _page(django_app, viewer, reworded_rounds[1])
    rows = page.html.select(".since-table tbody tr")
    flagged = [_words(row.th) for row in rows if row.select(".reworded-flag")]
    assert flagged == [f"Governance {FLAG}"]
    note = _words(page.html.select_one(".report-since .reworded-note"))
    assert "1 item is described differently" in note and "Governance" in note
    assert note.endswith("the wording changed: a move may be new wording, not progress.")


@pytest.mark.parametrize("name", ["reports-page", "reports-print"])
def test_it_flags_the_reworded_item_among_the_plan_s_gaps(
    django_app, viewer, reworded_rounds, name
):
    page = _page(django_app, viewer, reworded_rounds[1], name)
    # A gap is a group of its actions, or a row of the table of gaps with no action yet.
    rows = page.html.select(".plan-table tr.group-row, .no-action-table tbody tr")
    flagged = [_words(tr) for tr in rows if tr.select(".reworded-flag")]
    assert len(flagged) == 1 and flagged[0].startswith("Governance")
    assert "now 3" in flagged[0].lower() and f"{FLAG} since 2025 Q4" in flagged[0]


def test_it_flags_nothing_when_both_rounds_are_on_the_same_versions(django_app, viewer, place):
    closed_round(place, "2025 Q4", {"Asha Patel": {"governance": (2, 4)}})
    current = closed_round(place, "2026 Q4", {"Asha Patel": {"governance": (3, 4)}})
    page = _page(django_app, viewer, current)
    assert page.html.select(".since-table tbody tr")  # the rounds are set side by side
    assert page.html.select(".reworded-flag") == []
    assert FLAG not in page.text


def test_it_reads_the_older_wording_in_one_query(reworded_rounds, django_assert_num_queries):
    report = report_build(Assessment.objects.get(pk=reworded_rounds[1].pk))
    # The round before, who responded, the actions (none), the previous round's kept results,
    # and the level descriptors of the versions it was scored on.
    with django_assert_num_queries(5):
        sections = plan_sections.build(report)
    assert sections.reworded == {"governance"}


def test_it_marks_the_reworded_item_s_column_on_the_heat_map(django_app, staff, reworded_rounds):
    page = django_app.get(reverse("reports-compare"), chosen(*reworded_rounds), user=staff)
    header = table(page, HEATMAP)[0]
    marked = [title for title in header if "‡" in title]
    assert marked == ["Governance ‡ (wording changed between versions)"]
    caption = _words(page.html.find("caption", string=lambda s: s and HEATMAP in s))
    assert "a column marked ‡" in caption and "a move may be new wording, not progress" in caption


def test_it_marks_no_column_when_the_rounds_share_a_version(django_app, staff, place, other_place):
    rounds = [closed_round(p, "2026 Q4", {"Asha Patel": {}}) for p in (place, other_place)]
    page = django_app.get(reverse("reports-compare"), chosen(*rounds), user=staff)
    assert not any("‡" in title for title in table(page, HEATMAP)[0])


# --- what counts as reworded (no database) ----------------------------------------------------


def _levels(*texts, label=""):
    return [level_entry(n, text, label) for n, text in enumerate(texts, start=1)]


def test_it_counts_a_changed_descriptor_or_level_name_as_reworded():
    before = _levels("Some joint work.", "A signed agreement.")
    assert not levels_reworded(before, _levels("Some joint work.", "  A signed agreement.\n"))
    assert levels_reworded(before, _levels("Some joint work.", "A signed, pooled agreement."))
    assert levels_reworded(before, _levels("Some joint work.", "A signed agreement.", label="Own"))
    assert levels_reworded(before, _levels("Some joint work."))  # a level dropped


def test_it_compares_only_the_items_two_versions_share():
    old = {"impact": _levels("A."), "place": _levels("B.")}
    new = {"impact": _levels("A, reworded."), "place": _levels("B."), "new-item": _levels("C.")}
    assert reworded(old, new) == {"impact"}
    third = {"impact": _levels("A."), "place": _levels("B, reworded.")}
    assert reworded_across({"1.0": old, "1.1": new, "1.2": third}) == {"impact", "place"}
