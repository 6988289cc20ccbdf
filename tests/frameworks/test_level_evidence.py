"""The fields content 1.2 adds: each level's evidence markers and example, the version's
placement rule and each lesson's reasons for the factors it bears on. They load, export, and
round-trip through the workbook; a reason for a factor the lesson does not bear on is refused
with its line; files without them keep their locked hashes (test_lock)."""

import io
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from frameworks.changes import version_changes
from frameworks.documents import FrameworkFileError, canonical
from frameworks.models import FrameworkVersion, Item, LevelDescriptor
from frameworks.selectors import framework_version_document, framework_version_get
from frameworks.uploads import framework_file_read
from frameworks.workbook import workbook_write
from frameworks.workbook_reader import workbook_read
from tests.frameworks.files import as_draft, published_data, write_framework
from tests.frameworks.workbooks import cell, edited, renamed

pytestmark = pytest.mark.django_db

PLACEMENT = (
    "Best fit: choose the level whose descriptor and markers most of the team's evidence "
    "matches. Levels are cumulative. Evidence that spans two levels takes the lower one."
)
EVIDENCE = ["A signed information-sharing agreement, and who signed it", "Share of spend pooled"]
EXAMPLE = "Illustrative: Torbay's care trust pooled health and social care budgets (2016 report)."
REASONS = {
    "governance": "Joint boards are where information sharing is agreed.",
    "information-management": "Shared records are what the lesson asks for.",
}


def matrix_with_evidence(version: str = "3.0") -> dict:
    data = as_draft(published_data("lga-maturity-matrix", "1.1"), version)
    data["placement"] = PLACEMENT
    impact = data["items"][0]
    for level in impact["levels"]:
        level["evidence"] = [f"{marker} (level {level['value']})" for marker in EVIDENCE]
    impact["levels"][2]["example"] = EXAMPLE
    return data


def lessons_with_reasons(version: str = "3.0") -> dict:
    data = as_draft(published_data("kingsfund-16-lessons", "1.1"), version)
    lesson_12 = data["items"][11]
    assert sorted(lesson_12["related"]) == sorted(REASONS)
    lesson_12["related_reasons"] = dict(REASONS)
    return data


def _load(*paths) -> str:
    out = StringIO()
    call_command("load_frameworks", *map(str, paths), stdout=out, stderr=StringIO())
    return out.getvalue()


def _export(slug: str, version: str) -> dict:
    out = StringIO()
    call_command("export_framework", slug, "--version", version, stdout=out)
    return json.loads(out.getvalue())


def test_it_stores_the_evidence_example_and_placement_of_a_file(tmp_path):
    _load(write_framework(tmp_path, matrix_with_evidence()))
    version = FrameworkVersion.objects.get(framework__slug="lga-maturity-matrix", version="3.0")
    assert version.placement == PLACEMENT
    level_3 = LevelDescriptor.objects.get(item__version=version, item__key="impact", value=3)
    assert level_3.evidence == [f"{marker} (level 3)" for marker in EVIDENCE]
    assert level_3.example == EXAMPLE
    assert level_3.example_text.startswith("Torbay's care trust")
    # A level the file gives no example, and a factor with no markers, store none.
    assert (
        LevelDescriptor.objects.get(item__version=version, item__key="impact", value=1).example
        == ""
    )
    assert not LevelDescriptor.objects.get(
        item__version=version, item__key="place", value=1
    ).evidence


def test_it_stores_a_lessons_reasons_for_the_factors_it_bears_on(tmp_path):
    _load(write_framework(tmp_path, lessons_with_reasons()))
    lesson = Item.objects.get(version__version="3.0", key="lesson-12")
    reasons = {factor.key: reason for factor, reason in lesson.bears_on()}
    assert reasons == REASONS


def test_it_exports_the_new_fields_and_loads_the_export_back_unchanged(tmp_path):
    _load(write_framework(tmp_path, matrix_with_evidence()))
    _load(write_framework(tmp_path, lessons_with_reasons()))
    matrix = _export("lga-maturity-matrix", "3.0")
    lessons = _export("kingsfund-16-lessons", "3.0")
    assert matrix["placement"] == PLACEMENT
    assert matrix["items"][0]["levels"][2]["example"] == EXAMPLE
    assert "example" not in matrix["items"][0]["levels"][0]
    assert "evidence" not in matrix["items"][1]["levels"][0]
    assert lessons["items"][11]["related_reasons"] == REASONS
    assert "related_reasons" not in lessons["items"][0]
    for name, exported in (("m.json", matrix), ("l.json", lessons)):
        path = tmp_path / name
        path.write_text(json.dumps(exported, ensure_ascii=False), encoding="utf-8")
        assert "0 created, 0 updated, 1 unchanged" in _load(path)


@pytest.mark.parametrize(
    "data", [matrix_with_evidence, lessons_with_reasons], ids=["matrix", "lessons"]
)
def test_it_round_trips_the_new_fields_through_the_workbook(tmp_path, data):
    document = data()
    _load(write_framework(tmp_path, document))
    version = framework_version_get(slug=document["slug"], version="3.0")
    read = workbook_read("download.xlsx", workbook_write(framework_version_document(version)))
    assert read.content_hash == version.content_hash
    items = {item["key"]: item for item in read.data["items"]}
    if version.is_matrix:
        assert read.data["placement"] == PLACEMENT
        assert items["impact"]["levels"][2]["evidence"] == [f"{m} (level 3)" for m in EVIDENCE]
        assert items["impact"]["levels"][2]["example"] == EXAMPLE
    else:
        assert items["lesson-12"]["related_reasons"] == REASONS


def test_it_writes_reasons_and_markers_one_a_line_in_the_workbook(tmp_path):
    _load(write_framework(tmp_path, lessons_with_reasons()))
    document = framework_version_document(
        framework_version_get(slug="kingsfund-16-lessons", version="3.0")
    )
    content = workbook_write(document)
    book = load_workbook(io.BytesIO(content))
    headings = [c.value for c in book["Items"][1]]
    column = headings.index("Related reasons")
    lesson_12 = book["Items"][13][column].value
    assert lesson_12.splitlines() == [f"{key}: {reason}" for key, reason in REASONS.items()]
    assert [c.value for c in book["Descriptors"][1]][-2:] == ["Evidence", "Example"]


def test_it_refuses_a_reason_for_a_factor_the_lesson_does_not_bear_on(tmp_path):
    data = lessons_with_reasons()
    data["items"][11]["related_reasons"]["leadership"] = "Leaders sign the agreements."
    path = write_framework(tmp_path, data)
    line = next(
        number
        for number, text in enumerate(path.read_text().splitlines(), start=1)
        if text.strip().startswith("leadership: Leaders sign")
    )
    err = StringIO()
    with pytest.raises(CommandError, match="nothing was loaded"):
        call_command("load_frameworks", str(path), stdout=StringIO(), stderr=err)
    assert (
        f"{path}: line {line} (items[11].related_reasons.leadership): lesson-12: a reason for "
        "'leadership', which is not in its 'related' list"
    ) in err.getvalue()
    assert not FrameworkVersion.objects.filter(version="3.0").exists()


@pytest.mark.parametrize(
    "evidence, message",
    [(["Only one marker"], "is too short"), ([f"Marker {n}" for n in range(5)], "is too long")],
    ids=["one marker", "five markers"],
)
def test_it_refuses_fewer_than_two_or_more_than_four_markers(tmp_path, evidence, message):
    data = matrix_with_evidence()
    data["items"][0]["levels"][1]["evidence"] = evidence
    err = StringIO()
    with pytest.raises(CommandError):
        call_command(
            "load_frameworks", str(write_framework(tmp_path, data)), stdout=StringIO(), stderr=err
        )
    assert "(items[0].levels[1].evidence)" in err.getvalue()
    assert message in err.getvalue()


def test_it_names_the_cell_of_a_reason_without_its_key(tmp_path):
    _load(write_framework(tmp_path, lessons_with_reasons()))
    content = workbook_write(
        framework_version_document(
            framework_version_get(slug="kingsfund-16-lessons", version="3.0")
        )
    )
    content = edited(content, *renamed("our-lessons"), cell("Items", "K13", "Shared boards."))
    with pytest.raises(FrameworkFileError) as refused:
        framework_file_read(name="lessons.xlsx", content=content)
    problems = [str(p) for p in refused.value.problems]
    assert (
        "lessons.xlsx: sheet Items, cell K13: 'Shared boards.': write each reason as 'key: reason'"
    ) in problems


def test_it_reads_a_workbook_made_before_the_new_columns(tmp_path):
    """A workbook downloaded before content 1.2 has no Related reasons, Evidence or Example
    columns; it still reads, as a version without them."""
    document = framework_version_document(
        framework_version_get(slug="lga-maturity-matrix", version="1.1")
    )

    def drop_new_columns(book):
        book["Items"].delete_cols(11)
        book["Descriptors"].delete_cols(5, 2)
        book["Framework"].delete_rows(13)

    read = workbook_read("old.xlsx", edited(workbook_write(document), drop_new_columns))
    shipped = framework_version_get(slug="lga-maturity-matrix", version="1.1")
    assert read.content_hash == shipped.content_hash


def test_it_lists_new_markers_examples_and_reasons_among_what_changed():
    matrix = version_changes(
        canonical(published_data("lga-maturity-matrix", "1.1")), canonical(matrix_with_evidence())
    )
    impact = next(entry for entry in matrix if entry.key == "impact")
    names = [change.name for change in impact.changes]
    assert names == [
        "Evidence markers of level 1",
        "Evidence markers of level 2",
        "Evidence markers of level 3",
        "Example of level 3",
        "Evidence markers of level 4",
    ]
    assert impact.changes[0].before == ""
    lessons = version_changes(
        canonical(published_data("kingsfund-16-lessons", "1.1")),
        canonical(lessons_with_reasons()),
        related_titles={"governance": "Governance", "information-management": "Information"},
    )
    lesson_12 = next(entry for entry in lessons if entry.key == "lesson-12")
    [reasons] = lesson_12.changes
    assert (reasons.name, reasons.after) == (
        "Why it bears on them",
        f"Governance: {REASONS['governance']}\nInformation: {REASONS['information-management']}",
    )
