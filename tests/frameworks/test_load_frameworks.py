"""manage.py load_frameworks: validate every file, then load them all or nothing."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from frameworks.models import FrameworkVersion, Item, LevelDescriptor, VersionStatus
from tests.frameworks.files import (
    as_draft,
    as_published,
    lessons_data,
    matrix_data,
    write_framework,
)

pytestmark = pytest.mark.django_db


def _load(*paths) -> str:
    out = StringIO()
    call_command("load_frameworks", *map(str, paths), stdout=out, stderr=StringIO())
    return out.getvalue()


def _load_refused(*paths) -> str:
    """Run a load that must fail; return the problems it reports."""
    err = StringIO()
    with pytest.raises(CommandError, match="nothing was loaded"):
        call_command("load_frameworks", *map(str, paths), stdout=StringIO(), stderr=err)
    return err.getvalue()


def _refused(tmp_path, broken) -> str:
    """Load a broken file beside a valid new draft: neither may load."""
    valid = write_framework(tmp_path, as_draft(matrix_data(), "3.0"))
    versions = FrameworkVersion.objects.count()
    problems = _load_refused(valid, broken)
    assert not FrameworkVersion.objects.filter(version="3.0").exists()
    assert FrameworkVersion.objects.count() == versions
    return problems


def _line_of(path, text: str, occurrence: int = 1) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [number for number, line in enumerate(lines, start=1) if line == text][occurrence - 1]


def _descriptor(version: str, key: str, value: int) -> str:
    return LevelDescriptor.objects.get(
        item__version__framework__slug="lga-maturity-matrix",
        item__version__version=version,
        item__key=key,
        value=value,
    ).descriptor


def test_it_changes_nothing_when_run_twice():
    counts = (Item.objects.count(), LevelDescriptor.objects.count())
    loaded_at = list(FrameworkVersion.objects.values_list("loaded_at", flat=True))
    # The session set-up already ran it once.
    assert "Frameworks: 0 created, 0 updated, 6 unchanged (6 file(s) checked)." in _load()
    assert "0 created, 0 updated, 6 unchanged" in _load()
    assert (Item.objects.count(), LevelDescriptor.objects.count()) == counts
    assert list(FrameworkVersion.objects.values_list("loaded_at", flat=True)) == loaded_at


def test_it_reports_the_line_of_a_yaml_syntax_error(tmp_path):
    path = write_framework(tmp_path, as_draft(matrix_data(), "2.0"))
    text = path.read_text(encoding="utf-8").replace(
        "kind: maturity-matrix", "kind: maturity-matrix: nine factors"
    )
    path.write_text(text, encoding="utf-8")
    line = _line_of(path, "kind: maturity-matrix: nine factors")
    assert f"{path}: line {line}: not valid YAML" in _refused(tmp_path, path)


def test_it_names_the_file_line_and_field_of_a_factor_without_levels(tmp_path):
    data = as_draft(matrix_data(), "2.0")
    del data["items"][1]["levels"]
    path = write_framework(tmp_path, data)
    line = _line_of(path, "- key: place")
    expected = f"{path}: line {line} (items[1]): 'levels' is a required property"
    assert expected in _refused(tmp_path, path)


def test_it_refuses_a_level_off_the_scale(tmp_path):
    data = as_draft(matrix_data(), "2.0")
    data["items"][0]["levels"][3]["value"] = 5
    path = write_framework(tmp_path, data)
    problems = _refused(tmp_path, path)
    assert f"{path}: line " in problems
    assert "impact: needs one descriptor for each scale value [1, 2, 3, 4], has [1, 2, 3, 5]" in (
        problems
    )


def test_it_refuses_a_related_key_that_is_not_a_factor(tmp_path):
    data = as_draft(lessons_data(), "2.0")
    data["items"][0]["related"].append("finance")
    path = write_framework(tmp_path, data)
    problems = _refused(tmp_path, path)
    assert "lesson-01: 'finance' is not an item of lga-maturity-matrix@1.0" in problems
    assert not FrameworkVersion.objects.filter(version="2.0").exists()


def _label_place(data: dict, labels: list[str]) -> None:
    for level, label in zip(data["items"][1]["levels"], labels, strict=True):
        level["label"] = label


def test_it_loads_the_labels_a_factor_gives_its_own_levels(tmp_path):
    data = as_draft(matrix_data(), "2.0")
    _label_place(data, ["Tangled", "Knotty", "Tidy", "Clear"])
    _load(write_framework(tmp_path, data))
    place = Item.objects.get(version__version="2.0", key="place")
    assert place.level_labels() == [(1, "Tangled"), (2, "Knotty"), (3, "Tidy"), (4, "Clear")]
    impact = Item.objects.get(version__version="2.0", key="impact")
    assert impact.level_labels()[0] == (1, "Emerging")


def test_it_refuses_labels_on_only_some_levels_of_a_factor(tmp_path):
    data = as_draft(matrix_data(), "2.0")
    data["items"][1]["levels"][0]["label"] = "Tangled"
    path = write_framework(tmp_path, data)
    problems = _refused(tmp_path, path)
    assert "place: labels its own levels, so needs a label on every level" in problems
    assert f"{path}: line " in problems


def test_it_refuses_a_label_used_for_two_levels(tmp_path):
    data = as_draft(matrix_data(), "2.0")
    _label_place(data, ["Tangled", "Tidy", "tidy", "Clear"])
    problems = _refused(tmp_path, write_framework(tmp_path, data))
    assert "place: labels repeat" in problems


def test_it_refuses_a_label_too_short_to_read(tmp_path):
    data = as_draft(matrix_data(), "2.0")
    _label_place(data, ["A", "Bb", "Cc", "Dd"])
    problems = _refused(tmp_path, write_framework(tmp_path, data))
    assert "(items[1].levels[0].label): 'A' is too short" in problems


def test_it_refuses_a_duplicate_factor_key(tmp_path):
    data = as_draft(matrix_data(), "2.0")
    data["items"][8]["key"] = "impact"
    path = write_framework(tmp_path, data)
    line = _line_of(path, "- key: impact", occurrence=2)
    assert f"{path}: line {line} (items[8].key): key 'impact' repeats" in _refused(tmp_path, path)


def test_it_refuses_a_field_written_twice_in_one_factor(tmp_path):
    # YAML parsers keep the last of two equal keys; the first factor title would vanish unseen.
    path = write_framework(tmp_path, as_draft(matrix_data(), "2.0"))
    text = path.read_text(encoding="utf-8").replace(
        "  title: Impact\n", "  title: Impact\n  title: Outcomes\n", 1
    )
    path.write_text(text, encoding="utf-8")
    line = _line_of(path, "  title: Outcomes")
    assert f"{path}: line {line}" in _refused(tmp_path, path)


def test_it_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        _load(tmp_path / "lga-maturity-matrix-2.0.yaml")


def test_it_reloads_a_draft_with_changed_content(tmp_path):
    data = as_draft(matrix_data(), "2.0")
    path = write_framework(tmp_path, data)
    assert "1 created, 0 updated, 0 unchanged" in _load(path)
    data["items"][2]["levels"][0]["descriptor"] = "Nobody has yet decided which people to focus on."
    write_framework(tmp_path, data)
    assert "0 created, 1 updated, 0 unchanged" in _load(path)
    assert _descriptor("2.0", "focus-on-individuals", 1) == (
        "Nobody has yet decided which people to focus on."
    )
    assert LevelDescriptor.objects.filter(item__version__version="2.0").count() == 9 * 4


def test_it_publishes_a_locked_draft(tmp_path, lock_path):
    write_framework(tmp_path, as_draft(matrix_data(), "2.0"))
    _load(tmp_path / "lga-maturity-matrix-2.0.yaml")
    path = write_framework(tmp_path, as_published(matrix_data(), "2.0"))
    call_command("lock_frameworks", str(path), stdout=StringIO())
    assert "0 created, 1 updated, 0 unchanged" in _load(path)
    version = FrameworkVersion.objects.get(framework__slug="lga-maturity-matrix", version="2.0")
    assert version.status == VersionStatus.PUBLISHED
    assert version.published_on.isoformat() == "2027-01-15"


@pytest.fixture
def published_2_0(tmp_path, lock_path):
    """Matrix 2.0, loaded as a draft and then published with a lock entry."""
    _load(write_framework(tmp_path, as_draft(matrix_data(), "2.0")))
    path = write_framework(tmp_path, as_published(matrix_data(), "2.0"))
    call_command("lock_frameworks", str(path), stdout=StringIO())
    _load(path)
    return path


def test_it_refuses_changed_content_for_a_published_version(tmp_path, published_2_0):
    data = as_published(matrix_data(), "2.0")
    data["items"][0]["levels"][0]["descriptor"] = "Impact has not been discussed at all yet."
    write_framework(tmp_path, data)
    problems = _load_refused(published_2_0)
    assert "the content of published version lga-maturity-matrix@2.0 has changed" in problems
    assert "immutable" in problems
    assert (
        _descriptor("2.0", "impact", 1)
        == matrix_data()["items"][0]["levels"][0]["descriptor"].strip()
    )


def test_it_refuses_changed_content_marked_as_a_draft_once_published(tmp_path, published_2_0):
    # The lock cannot see a draft, so it is the database that holds the line here.
    data = as_draft(matrix_data(), "2.0")
    data["items"][0]["levels"][0]["descriptor"] = "Impact has not been discussed at all yet."
    changed = write_framework(tmp_path, data)
    also_new = write_framework(tmp_path, as_draft(matrix_data(), "3.0"))
    problems = _load_refused(also_new, changed)
    assert "lga-maturity-matrix@2.0 was published with other content" in problems
    assert "immutable" in problems
    assert _descriptor("2.0", "impact", 1) != "Impact has not been discussed at all yet."
    assert not FrameworkVersion.objects.filter(version="3.0").exists()  # one transaction


def test_it_refuses_to_turn_a_published_version_back_into_a_draft(tmp_path, published_2_0):
    path = write_framework(tmp_path, as_draft(matrix_data(), "2.0"))
    problems = _load_refused(path)
    assert "lga-maturity-matrix@2.0 is published; it cannot become a draft" in problems
    version = FrameworkVersion.objects.get(framework__slug="lga-maturity-matrix", version="2.0")
    assert version.status == VersionStatus.PUBLISHED


def test_it_keeps_lessons_related_to_a_draft_matrix_that_is_reloaded(tmp_path):
    matrix = as_draft(matrix_data(), "2.0")
    lessons = as_draft(lessons_data(), "2.0")
    lessons["related_framework"] = {"slug": "lga-maturity-matrix", "version": "2.0"}
    matrix_path = write_framework(tmp_path, matrix)
    lessons_path = write_framework(tmp_path, lessons)
    assert "2 created" in _load(matrix_path, lessons_path)
    matrix["items"][0]["levels"][0]["descriptor"] = "Impact has not been discussed at all yet."
    write_framework(tmp_path, matrix)
    _load(matrix_path)
    lesson_16 = Item.objects.get(version__version="2.0", key="lesson-16")
    assert lesson_16.related.count() == 9
    assert {item.version.version for item in lesson_16.related.all()} == {"2.0"}
