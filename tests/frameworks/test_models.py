"""Rules on the framework models: the labels an item's levels go by."""

import pytest

from frameworks.selectors import framework_version_get

pytestmark = pytest.mark.django_db


def _items(version: str) -> dict:
    found = framework_version_get(slug="lga-maturity-matrix", version=version)
    return {item.key: item for item in found.items.all()}


def test_it_gives_place_its_own_labels_from_highly_complex_to_simple():
    place = _items("1.1")["place"]
    assert place.has_own_labels
    assert place.level_labels() == [
        (1, "Highly complex"),
        (2, "Complex"),
        (3, "Fairly simple"),
        (4, "Simple"),
    ]


def test_it_gives_other_factors_the_labels_of_the_scale():
    impact = _items("1.1")["impact"]
    assert not impact.has_own_labels
    assert impact.level_labels() == [
        (1, "Emerging"),
        (2, "Developed"),
        (3, "Well developed"),
        (4, "Extensive development"),
    ]


def test_it_gives_place_in_1_0_the_labels_of_the_scale():
    assert _items("1.0")["place"].level_labels()[3] == (4, "Extensive development")


def test_it_reads_labels_without_a_query_once_the_version_is_loaded(django_assert_num_queries):
    items = _items("1.1")
    with django_assert_num_queries(0):
        labels = {key: item.level_labels() for key, item in items.items()}
    assert labels["place"][0] == (1, "Highly complex")
