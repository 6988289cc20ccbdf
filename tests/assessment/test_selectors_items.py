"""A round's items: read once a process for published versions, which never change."""

from io import StringIO

import pytest
from django.core.management import call_command

from assessment.selectors import assessment_items
from frameworks.models import FrameworkVersion, Item
from tests.frameworks.files import as_draft, matrix_data, write_framework

pytestmark = pytest.mark.django_db


def _shown(items):
    return [
        (item.version.framework.slug, item.key, item.title, item.level_labels()) for item in items
    ]


def test_a_later_page_reads_the_published_items_in_one_query(open_round, django_assert_num_queries):
    first = _shown(assessment_items(open_round))
    with django_assert_num_queries(1):  # the pinned versions, to know which items to give
        later = assessment_items(open_round)
        shown = _shown(later)
    assert shown == first
    assert [key for _, key, *_ in first[:2]] == ["impact", "place"]  # factors first
    assert len(first) == 25


def test_each_page_gets_its_own_list(open_round):
    assessment_items(open_round).clear()  # a caller that reorders or trims its list
    assert len(assessment_items(open_round)) == 25


def test_a_round_on_other_versions_gets_their_items(open_round, place, lead, tmp_path):
    # A round pinning a draft (not something a lead can do: the ORM here) reads it afresh each
    # time, since a draft may be loaded again with new content.
    call_command(
        "load_frameworks",
        str(write_framework(tmp_path, as_draft(matrix_data(), "2.0"))),
        stdout=StringIO(),
    )
    draft = FrameworkVersion.objects.get(version="2.0")
    trial = open_round.__class__.objects.create(place=place, period="2027 Q1")
    trial.framework_versions.set([draft])
    assert {item.version for item in assessment_items(trial)} == {draft}
    Item.objects.filter(version=draft, key="impact").update(title="Impact, as redrafted")
    titles = {item.key: item.title for item in assessment_items(trial)}
    assert titles["impact"] == "Impact, as redrafted"
    assert "lesson-01" in {item.key for item in assessment_items(open_round)}
