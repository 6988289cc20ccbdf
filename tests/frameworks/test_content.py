"""What the published frameworks say, checked in the fixture files and in the database.

Most tests run on the parsed fixture file ("file") and on the version as loaded and read back
through the selectors ("db"), so a loader that drops or reorders content fails too. Checks
against the source documents use only what tests/frameworks/data/ ships (see sources.py): the
tests need nothing outside the repository.
"""

import pytest

from frameworks.documents import canonical, default_paths, parse_file
from frameworks.selectors import framework_version_document, framework_version_get
from tests.frameworks.files import PUBLISHED_FILES, published_data
from tests.frameworks.sources import copied, lesson_titles, source_shingles

MATRIX = "lga-maturity-matrix"
LESSONS = "kingsfund-16-lessons"
VERSIONS = ("1.0", "1.1")
FACTOR_KEYS = [
    "impact",
    "place",
    "focus-on-individuals",
    "care-model",
    "information-management",
    "commissioning-and-payment",
    "workforce",
    "governance",
    "leadership",
]
# Factors scored for progress: every factor but the context factor, Place.
PROGRESS_KEYS = [key for key in FACTOR_KEYS if key != "place"]


def _content(request, slug: str, version: str, where: str) -> dict:
    if where == "file":
        return canonical(published_data(slug, version))
    return framework_version_document(framework_version_get(slug=slug, version=version))


def _params(slugs, versions=VERSIONS):
    """Each version as its file says and as the database gives it back."""
    return [
        pytest.param(
            (slug, version, where),
            id=f"{slug}-{version}-{where}",
            # The marker, not a fixture asked for later, so that pytest-django sets up the
            # database even when this module runs alone.
            marks=[pytest.mark.django_db] if where == "db" else [],
        )
        for slug in slugs
        for version in versions
        for where in ("file", "db")
    ]


@pytest.fixture(params=_params([MATRIX]))
def matrix(request) -> dict:
    return _content(request, *request.param)


@pytest.fixture(params=_params([LESSONS]))
def lessons(request) -> dict:
    return _content(request, *request.param)


@pytest.fixture(params=_params([MATRIX], ["1.1"]))
def matrix_1_1(request) -> dict:
    return _content(request, *request.param)


@pytest.fixture(params=_params([LESSONS], ["1.1"]))
def lessons_1_1(request) -> dict:
    return _content(request, *request.param)


@pytest.fixture(params=_params([MATRIX, LESSONS]))
def framework(request) -> dict:
    return _content(request, *request.param)


def _items(document: dict) -> dict[str, dict]:
    return {item["key"]: item for item in document["items"]}


def _related(document: dict) -> dict[str, set[str]]:
    return {key: set(item["related"]) for key, item in _items(document).items()}


def _written_texts(document: dict):
    """Every passage written for the product.

    Not titles (lesson titles are the source's own on purpose, checked below) nor citations and
    section references, which name the source's own headings so that a reader can find them.
    """
    yield "description", document["description"]
    for level in document["scale"]:
        yield f"scale {level['value']}", level["description"]
    for item in document["items"]:
        yield f"{item['key']} summary", item["summary"]
        for text in item.get("questions", []) + item["prompts"]:
            yield f"{item['key']} question or prompt", text
        for level in item["levels"]:
            yield f"{item['key']} level {level['value']}", level["descriptor"]


# The matrix, every version


def test_it_has_the_nine_factors_in_order(matrix):
    assert [item["key"] for item in matrix["items"]] == FACTOR_KEYS


def test_it_scores_the_matrix_from_emerging_to_extensive_development(matrix):
    assert [(level["value"], level["label"]) for level in matrix["scale"]] == [
        (1, "Emerging"),
        (2, "Developed"),
        (3, "Well developed"),
        (4, "Extensive development"),
    ]


def test_it_describes_every_factor_at_four_distinct_levels(matrix):
    for item in matrix["items"]:
        assert [level["value"] for level in item["levels"]] == [1, 2, 3, 4], item["key"]
        assert len({level["descriptor"] for level in item["levels"]}) == 4, item["key"]


def test_it_marks_place_as_the_only_context_factor(matrix):
    assert [item["key"] for item in matrix["items"] if item["context"]] == ["place"]


# The matrix, 1.1


def test_it_names_the_levels_of_place_from_highly_complex_to_simple(matrix_1_1):
    place = _items(matrix_1_1)["place"]
    assert [(level["value"], level.get("label")) for level in place["levels"]] == [
        (1, "Highly complex"),
        (2, "Complex"),
        (3, "Fairly simple"),
        (4, "Simple"),
    ]


def test_it_gives_own_level_labels_to_the_context_factor_only(matrix_1_1):
    labelled = [
        item["key"]
        for item in matrix_1_1["items"]
        if any("label" in level for level in item["levels"])
    ]
    assert labelled == ["place"]


def test_it_cites_the_matrix_source_by_title_and_year(matrix_1_1):
    citation = matrix_1_1["source"]["citation"]
    assert "The journey to integration: learning from seven leading localities" in citation
    assert "Local Government Association (2016)" in citation
    # The report's key has three grades; the description owns up to the app's fourth.
    assert "Emerging, is this app's addition" in matrix_1_1["description"]


# The lessons, every version


def test_it_has_sixteen_numbered_lessons(lessons):
    assert [item["key"] for item in lessons["items"]] == [f"lesson-{n:02}" for n in range(1, 17)]
    assert [item["number"] for item in lessons["items"]] == list(range(1, 17))


def test_it_scores_lessons_from_0_to_3(lessons):
    assert [level["value"] for level in lessons["scale"]] == [0, 1, 2, 3]
    for item in lessons["items"]:
        assert [level["value"] for level in item["levels"]] == [0, 1, 2, 3], item["key"]


def test_it_relates_every_lesson_to_factors_of_the_matrix_of_its_own_version(lessons):
    assert lessons["related_framework"] == {"slug": MATRIX, "version": lessons["version"]}
    for item in lessons["items"]:
        assert item["related"], f"{item['key']} bears on no factor"
        assert set(item["related"]) <= set(FACTOR_KEYS), item["key"]


def test_it_relates_the_lessons_named_in_the_design_to_their_factors(lessons):
    related = _related(lessons)
    assert "commissioning-and-payment" in related["lesson-08"]
    assert "information-management" in related["lesson-12"]
    assert set(PROGRESS_KEYS) <= related["lesson-16"]


def test_it_keeps_the_lesson_titles_of_the_source_exactly(lessons):
    assert [(item["number"], item["title"]) for item in lessons["items"]] == lesson_titles()


# The lessons, 1.1


def test_it_relates_no_lesson_to_the_context_factor(lessons_1_1):
    # A context factor is never a gap, so a link to it would never reach a report.
    for key, related in _related(lessons_1_1).items():
        assert "place" not in related, key


def test_it_relates_the_lessons_reread_for_1_1_to_defensible_factors(lessons_1_1):
    related = _related(lessons_1_1)
    assert related["lesson-01"] == {"governance", "leadership", "commissioning-and-payment"}
    assert related["lesson-02"] == {"leadership", "care-model", "workforce"}
    assert related["lesson-10"] == {"care-model", "governance", "focus-on-individuals"}
    assert "information-management" in related["lesson-11"]
    assert related["lesson-16"] == set(PROGRESS_KEYS)


# Both frameworks, every version


def test_it_never_repeats_a_descriptor_anywhere_in_a_framework(framework):
    descriptors = [
        level["descriptor"].strip().lower()
        for item in framework["items"]
        for level in item["levels"]
    ]
    assert len(set(descriptors)) == len(descriptors)


def test_it_cites_a_section_and_gives_prompts_for_every_item(framework):
    for item in framework["items"]:
        assert item["section"].startswith("Source 00"), item["key"]
        assert len(item["prompts"]) >= 2, item["key"]


def test_it_checks_every_published_file():
    # A new version file must join PUBLISHED_FILES, and so every check in this module.
    published = {
        (doc.slug, doc.version)
        for doc in map(parse_file, default_paths())
        if doc.data["status"] != "draft"
    }
    assert published == set(PUBLISHED_FILES)


# Against the sources, through the shipped hashes of their 8-word windows


def _copied_passages(document: dict) -> list[str]:
    return [
        f"{where}: {window}" for where, text in _written_texts(document) for window in copied(text)
    ]


@pytest.mark.parametrize(("slug", "version"), list(PUBLISHED_FILES))
def test_it_paraphrases_rather_than_copies_its_sources(slug, version):
    copied_passages = _copied_passages(canonical(published_data(slug, version)))
    assert copied_passages == [], "eight words in a row copied from a source:\n" + "\n".join(
        copied_passages
    )


def test_it_ships_the_hashes_of_both_sources():
    shingles = source_shingles()
    assert set(shingles) == {"000", "004"}
    # One hash for nearly every word: about 4,000 words in 000 and 16,000 in 004.
    assert len(shingles["000"]) > 3_500
    assert len(shingles["004"]) > 15_000


def test_it_catches_a_passage_copied_from_the_lessons_source():
    data = published_data(LESSONS, "1.1")
    data["items"][1]["prompts"][0] = (
        "Do we, as public service leaders, need to develop a shared narrative or story to "
        "explain to staff and users why integrated care matters?"
    )
    copied_passages = _copied_passages(canonical(data))
    assert {passage.split(":")[0] for passage in copied_passages} == {
        "lesson-02 question or prompt"
    }
    assert "(source 000)" in copied_passages[0]


def test_it_catches_words_copied_from_the_matrix_source_among_new_ones():
    data = published_data(MATRIX, "1.1")
    # Nine words of source 004 in a row (two windows), inside a sentence of our own and with
    # other punctuation.
    data["items"][4]["levels"][0]["descriptor"] = (
        "Ours differs: no policy barriers, or constraints preventing the basics -- from what "
        "we wrote ourselves."
    )
    copied_passages = _copied_passages(canonical(data))
    assert copied_passages == [
        "information-management level 1: "
        "'no policy barriers or constraints preventing the basics' (source 004)",
        "information-management level 1: "
        "'policy barriers or constraints preventing the basics from' (source 004)",
    ]


def test_it_lets_seven_words_of_a_source_through():
    # The guard's window is eight words: seven shared words in a row are a coincidence of
    # phrasing, not a copied passage.
    assert copied("we think there are no policy barriers or constraints here") == []
