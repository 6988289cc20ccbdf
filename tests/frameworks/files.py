"""The published framework files, and changed copies of them for tests to load."""

import copy
from functools import cache
from pathlib import Path

import yaml

from frameworks.documents import FIXTURES_DIR

MATRIX_FILE = FIXTURES_DIR / "lga-maturity-matrix-1.0.yaml"
LESSONS_FILE = FIXTURES_DIR / "kingsfund-16-lessons-1.0.yaml"
MATRIX_1_1_FILE = FIXTURES_DIR / "lga-maturity-matrix-1.1.yaml"
LESSONS_1_1_FILE = FIXTURES_DIR / "kingsfund-16-lessons-1.1.yaml"
MATRIX_1_2_FILE = FIXTURES_DIR / "lga-maturity-matrix-1.2.yaml"
LESSONS_1_2_FILE = FIXTURES_DIR / "kingsfund-16-lessons-1.2.yaml"
# Every published version of each framework, oldest first.
PUBLISHED_FILES = {
    ("lga-maturity-matrix", "1.0"): MATRIX_FILE,
    ("lga-maturity-matrix", "1.1"): MATRIX_1_1_FILE,
    ("kingsfund-16-lessons", "1.0"): LESSONS_FILE,
    ("kingsfund-16-lessons", "1.1"): LESSONS_1_1_FILE,
    ("lga-maturity-matrix", "1.2"): MATRIX_1_2_FILE,
    ("kingsfund-16-lessons", "1.2"): LESSONS_1_2_FILE,
}


@cache
def _published(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def published_data(slug: str, version: str) -> dict:
    """A published version as parsed data: a fresh copy each call, free to change."""
    return copy.deepcopy(_published(PUBLISHED_FILES[slug, version]))


def matrix_data() -> dict:
    """Matrix 1.0, the version most tests change into drafts of their own."""
    return published_data("lga-maturity-matrix", "1.0")


def lessons_data() -> dict:
    return published_data("kingsfund-16-lessons", "1.0")


def as_draft(data: dict, version: str) -> dict:
    """The same content as an unpublished version, which the lock does not cover."""
    data = {**data, "version": version, "status": "draft"}
    data.pop("published", None)
    return data


def as_published(data: dict, version: str, on: str = "2027-01-15") -> dict:
    return {**data, "version": version, "status": "published", "published": on}


def write_framework(folder: Path, data: dict, name: str | None = None) -> Path:
    path = folder / (name or f"{data['slug']}-{data['version']}.yaml")
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    path.write_text(text, encoding="utf-8")
    return path
