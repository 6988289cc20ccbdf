"""A framework's source as reports cite it: sections in author–year form, full references with
no shortened links. The pure helpers first, then the published fixtures through the models."""

import pytest

from frameworks.citations import author_year, cited_section, full_reference
from frameworks.selectors import framework_version_get

KINGS_FUND = (
    "Ham C, Walsh N (2013). Making integrated care happen at scale and pace:\n"
    "lessons from experience. London: The King's Fund."
)


def test_it_cites_two_people_by_surname_and_year():
    assert author_year(KINGS_FUND, fallback="The King's Fund") == "Ham and Walsh (2013)"


def test_it_cites_three_or_more_people_as_the_first_et_al():
    citation = "Ham C, Walsh N, Smith JA (2013). A title. London: A publisher."
    assert author_year(citation, fallback="x") == "Ham et al. (2013)"


def test_it_cites_an_organisation_by_its_name_and_year():
    citation = "Local Government Association (2016). The journey to integration."
    assert author_year(citation, fallback="x") == "Local Government Association (2016)"


def test_it_falls_back_to_the_short_name_when_no_year_opens_the_citation():
    citation = "Carnall Farrar, report commissioned by the Local Government Association (LGA)."
    assert author_year(citation, fallback="Carnall Farrar for the LGA") == (
        "Carnall Farrar for the LGA"
    )


def test_it_names_the_source_of_a_section_instead_of_its_number():
    assert cited_section("Source 000, lesson 1", source="Ham and Walsh (2013)") == (
        "Ham and Walsh (2013), lesson 1"
    )


def test_it_puts_the_source_before_a_section_that_names_none():
    assert cited_section("chapter 2", source="LGA (2016)") == "LGA (2016), chapter 2"


def test_it_drops_the_sentence_that_only_points_to_a_shortened_link():
    citation = (
        "Local Government Association (2016). The journey.\nCase studies at\nhttp://bit.ly/1TkK4TV."
    )
    assert full_reference(citation) == "Local Government Association (2016). The journey."


def test_it_keeps_a_citation_without_shortened_links_whole_on_one_line():
    assert full_reference(KINGS_FUND) == (
        "Ham C, Walsh N (2013). Making integrated care happen at scale and pace: "
        "lessons from experience. London: The King's Fund."
    )


# --- the published frameworks ---------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("version", ["1.0", "1.1"])
def test_it_cites_every_lesson_by_author_and_year(version):
    found = framework_version_get(slug="kingsfund-16-lessons", version=version)
    sections = [item.section_reference for item in found.items.all()]
    assert sections[0] == "Ham and Walsh (2013), lesson 1"
    assert not any("Source" in section for section in sections)


@pytest.mark.django_db
def test_it_cites_the_matrix_by_its_publisher_and_year_without_the_bit_ly_link():
    found = framework_version_get(slug="lga-maturity-matrix", version="1.1")
    impact = found.items.get(key="impact")
    assert impact.section_reference.startswith(
        "Local Government Association (2016), chapter 1 'Impact'"
    )
    assert found.reference.startswith(
        "Local Government Association (2016). The journey to integration: learning from seven"
    )
    assert found.reference.endswith("London: Local Government Association.")
    assert "bit.ly" not in found.reference


@pytest.mark.django_db
def test_it_cites_matrix_1_0_by_its_short_name_having_no_year_to_cite():
    found = framework_version_get(slug="lga-maturity-matrix", version="1.0")
    assert found.items.get(key="impact").section_reference.startswith(
        "Carnall Farrar for the LGA, chapter 1 'Impact'"
    )
    assert "bit.ly" not in found.reference and found.reference.startswith("Carnall Farrar")
