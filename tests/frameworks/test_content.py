"""What the two published frameworks say, checked in the fixture files and in the database.

Most tests run twice: on the parsed fixture file ("file") and on the version as loaded and
read back through the selectors ("db"), so a loader that drops or reorders content fails too.
"""

import re
from pathlib import Path

import pytest

from frameworks.documents import canonical
from frameworks.selectors import framework_version_document, framework_version_get
from tests.frameworks.files import lessons_data, matrix_data

SEEDS = Path(__file__).parents[2].parent / "shared" / "seeds"
MATRIX_SOURCE = SEEDS / "004_c7181377b074ca3b.txt"
LESSONS_SOURCE = SEEDS / "000_cee9da12aeb4ba90.txt"

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


PUBLISHED = {"lga-maturity-matrix": matrix_data, "kingsfund-16-lessons": lessons_data}


def _content(request, slug: str, where: str) -> dict:
    if where == "file":
        return canonical(PUBLISHED[slug]())
    request.getfixturevalue("db")
    return framework_version_document(framework_version_get(slug=slug, version="1.0"))


@pytest.fixture(params=["file", "db"])
def matrix(request) -> dict:
    return _content(request, "lga-maturity-matrix", request.param)


@pytest.fixture(params=["file", "db"])
def lessons(request) -> dict:
    return _content(request, "kingsfund-16-lessons", request.param)


@pytest.fixture(
    params=[(slug, where) for slug in PUBLISHED for where in ("file", "db")], ids="-".join
)
def framework(request) -> dict:
    return _content(request, *request.param)


def _items(document: dict) -> dict[str, dict]:
    return {item["key"]: item for item in document["items"]}


def _words(text: str) -> list[str]:
    # Punctuation becomes a space, so "north-west" and a line-broken "north-\nwest" compare alike.
    return re.sub(r"[^\w\s]", " ", text.lower()).split()


def _written_texts(document: dict):
    """Every passage written for the product (titles are quoted from the source on purpose)."""
    yield "description", document["description"]
    for level in document["scale"]:
        yield f"scale {level['value']}", level["description"]
    for item in document["items"]:
        yield f"{item['key']} summary", item["summary"]
        for text in item.get("questions", []) + item["prompts"]:
            yield f"{item['key']} question or prompt", text
        for level in item["levels"]:
            yield f"{item['key']} level {level['value']}", level["descriptor"]


# The matrix


def test_it_has_the_nine_factors_in_order(matrix):
    assert [item["key"] for item in matrix["items"]] == FACTOR_KEYS


def test_it_scores_the_matrix_from_emerging_to_extensive_development(matrix):
    assert [(level["value"], level["label"]) for level in matrix["scale"]] == [
        (1, "Emerging"),
        (2, "Developed"),
        (3, "Well developed"),
        (4, "Extensive development"),
    ]


def test_it_describes_every_factor_at_every_level(matrix):
    for item in matrix["items"]:
        assert [level["value"] for level in item["levels"]] == [1, 2, 3, 4], item["key"]


def test_it_marks_place_as_the_only_context_factor(matrix):
    assert [item["key"] for item in matrix["items"] if item["context"]] == ["place"]


# The lessons


def test_it_has_sixteen_numbered_lessons(lessons):
    assert [item["key"] for item in lessons["items"]] == [f"lesson-{n:02}" for n in range(1, 17)]
    assert [item["number"] for item in lessons["items"]] == list(range(1, 17))


def test_it_scores_lessons_from_0_to_3(lessons):
    assert [level["value"] for level in lessons["scale"]] == [0, 1, 2, 3]
    for item in lessons["items"]:
        assert [level["value"] for level in item["levels"]] == [0, 1, 2, 3], item["key"]


def test_it_relates_lessons_to_factors_of_matrix_1_0(lessons):
    assert lessons["related_framework"] == {"slug": "lga-maturity-matrix", "version": "1.0"}
    for item in lessons["items"]:
        assert item["related"], f"{item['key']} bears on no factor"
        assert set(item["related"]) <= set(FACTOR_KEYS), item["key"]


def test_it_relates_the_lessons_named_in_the_design_to_their_factors(lessons):
    related = {key: set(item["related"]) for key, item in _items(lessons).items()}
    assert related["lesson-16"] == set(FACTOR_KEYS)
    assert "commissioning-and-payment" in related["lesson-08"]
    assert "information-management" in related["lesson-12"]


# Both frameworks


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


# Against the source texts in ../shared/seeds


def test_it_keeps_the_lesson_titles_of_the_source():
    source = " ".join(_words(LESSONS_SOURCE.read_text(encoding="utf-8")))
    for item in lessons_data()["items"]:
        # The source heads each lesson "N: Title", wrapped over several lines.
        heading = " ".join(_words(f"{item['number']}: {item['title']}"))
        assert heading in source, f"{item['key']} title {item['title']!r} is not in the source"


def _copied_passages(document: dict, source_text: str) -> list[str]:
    source = " " + " ".join(_words(source_text)) + " "
    copied = []
    for where, text in _written_texts(document):
        words = _words(text)
        for start in range(len(words) - 9):
            window = " ".join(words[start : start + 10])
            if f" {window} " in source:
                copied.append(f"{where}: {window!r}")
                break
    return copied


@pytest.mark.parametrize(
    ("data", "source_path"),
    [(matrix_data, MATRIX_SOURCE), (lessons_data, LESSONS_SOURCE)],
    ids=["matrix", "lessons"],
)
def test_it_paraphrases_rather_than_copies_its_source(data, source_path):
    copied = _copied_passages(data(), source_path.read_text(encoding="utf-8"))
    assert copied == [], "ten words in a row copied from the source:\n" + "\n".join(copied)


def test_it_catches_a_passage_copied_from_the_source():
    data = lessons_data()
    data["items"][1]["prompts"][0] = (
        "Do we, as public service leaders, need to develop a shared narrative or story to "
        "explain to staff and users why integrated care matters?"
    )
    copied = _copied_passages(data, LESSONS_SOURCE.read_text(encoding="utf-8"))
    assert [passage.split(":")[0] for passage in copied] == ["lesson-02 question or prompt"]
