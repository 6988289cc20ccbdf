"""manage.py export_framework: a version as JSON, in the shape its fixture file has."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from frameworks.documents import canonical, parse_file
from tests.frameworks.files import (
    PUBLISHED_FILES,
    as_draft,
    as_published,
    matrix_data,
    write_framework,
)

pytestmark = pytest.mark.django_db


def _export(*args) -> dict:
    out = StringIO()
    call_command("export_framework", *args, stdout=out)
    return json.loads(out.getvalue())


def _load(*paths) -> str:
    out = StringIO()
    call_command("load_frameworks", *map(str, paths), stdout=out, stderr=StringIO())
    return out.getvalue()


def test_it_prints_the_matrix_with_its_scale_and_factors():
    document = _export("lga-maturity-matrix")
    assert (document["slug"], document["version"]) == ("lga-maturity-matrix", "1.2")
    assert document["title"] == "Integration maturity matrix: nine factors"
    assert document["source"]["document"] == "LGA, The journey to integration (2016)"
    assert [(level["value"], level["label"]) for level in document["scale"]][::3] == [
        (1, "Emerging"),
        (4, "Extensive development"),
    ]
    assert set(document["scale"][0]) == {"value", "label", "description"}
    impact, place = document["items"][:2]
    assert {"key", "title", "summary", "levels", "related"} <= set(place)
    assert (place["key"], place["title"], place["context"]) == ("place", "Place", True)
    assert [level["value"] for level in place["levels"]] == [1, 2, 3, 4]
    # Place names its own levels; a factor on the common scale carries no labels. Each level
    # says what settles it (its evidence markers), and some name an illustrative example.
    assert set(place["levels"][0]) == {"value", "descriptor", "label", "evidence", "example"}
    assert place["levels"][3]["label"] == "Simple"
    assert set(impact["levels"][0]) == {"value", "descriptor", "evidence"}
    assert 2 <= len(impact["levels"][0]["evidence"]) <= 4


@pytest.mark.parametrize(("slug", "version"), list(PUBLISHED_FILES), ids="-".join)
def test_it_prints_what_the_fixture_file_says(slug, version):
    # Same content as the published file: the export is a faithful copy, not a summary.
    exported = _export(slug, "--version", version)
    assert canonical(exported) == canonical(parse_file(PUBLISHED_FILES[slug, version]).data)


def test_it_names_the_factors_each_lesson_bears_on():
    lessons = {item["key"]: item for item in _export("kingsfund-16-lessons")["items"]}
    assert set(lessons["lesson-12"]["related"]) == {
        "information-management",
        "governance",
        "focus-on-individuals",
    }
    # 1.2: the cross-cutting lesson bears on leadership and governance, each with its reason.
    assert set(lessons["lesson-16"]["related"]) == {"leadership", "governance"}
    assert set(lessons["lesson-16"]["related_reasons"]) == {"leadership", "governance"}
    older = {
        item["key"]: item for item in _export("kingsfund-16-lessons", "--version", "1.1")["items"]
    }
    assert len(older["lesson-16"]["related"]) == 8  # 1.1: every factor but the context one


def test_it_exports_the_latest_published_version_by_default(tmp_path, lock_path):
    _load(write_framework(tmp_path, as_draft(matrix_data(), "3.0")))
    assert _export("lga-maturity-matrix")["version"] == "1.2"  # a draft is not the default
    published = write_framework(tmp_path, as_published(matrix_data(), "2.0"))
    call_command("lock_frameworks", str(published), stdout=StringIO())
    _load(published)
    assert _export("lga-maturity-matrix")["version"] == "2.0"


def test_it_exports_the_version_asked_for(tmp_path):
    _load(write_framework(tmp_path, as_draft(matrix_data(), "3.0")))
    assert _export("lga-maturity-matrix", "--version", "3.0")["status"] == "draft"
    assert _export("lga-maturity-matrix", "--version", "1.0")["status"] == "published"


def test_it_refuses_an_unknown_framework():
    with pytest.raises(CommandError, match="No framework version"):
        _export("lga-maturity-matrx")


def test_it_refuses_an_unknown_version():
    with pytest.raises(CommandError, match="No framework version"):
        _export("lga-maturity-matrix", "--version", "7.0")


@pytest.mark.parametrize("version", ["\x00", "1.0\x00", "../1.0", "1" * 300])
def test_it_refuses_a_version_that_cannot_exist(version):
    # A NUL byte would make PostgreSQL raise; the command says what is wrong instead.
    with pytest.raises(CommandError, match="No such framework version"):
        _export("lga-maturity-matrix", "--version", version)


def test_it_refuses_a_slug_that_cannot_exist():
    with pytest.raises(CommandError, match="No such framework version"):
        _export("lga-maturity-matrix\x00")


@pytest.mark.parametrize(("slug", "version"), list(PUBLISHED_FILES), ids="-".join)
def test_it_loads_its_own_export_back_unchanged(tmp_path, slug, version):
    first = _export(slug, "--version", version)
    path = tmp_path / "x.json"
    path.write_text(json.dumps(first, indent=2, ensure_ascii=False), encoding="utf-8")
    assert "0 created, 0 updated, 1 unchanged" in _load(path)
    assert _export(slug, "--version", version) == first


def test_it_loads_an_export_of_a_draft_with_labels_back_with_its_labels(tmp_path):
    data = as_draft(matrix_data(), "3.0")
    for level, label in zip(data["items"][0]["levels"], "ABCD", strict=True):
        level["label"] = f"Stage {label}"
    _load(write_framework(tmp_path, data))
    exported = _export("lga-maturity-matrix", "--version", "3.0")
    assert [level["label"] for level in exported["items"][0]["levels"]] == [
        "Stage A",
        "Stage B",
        "Stage C",
        "Stage D",
    ]
    path = tmp_path / "export.json"
    path.write_text(json.dumps(exported, ensure_ascii=False), encoding="utf-8")
    assert "0 created, 0 updated, 1 unchanged" in _load(path)
