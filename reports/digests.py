"""The one hash of the reports app: what a generated file shows, and what it is made from.

A document (a report PDF, a comparison PDF, a board pack) is stored once per digest. Its digest
covers its content and the source it is drawn with: every file of the project's own apps
(figure builders, their words for screen readers, the analysis, the selectors), every template
and every static file. The files are found by walking those folders, never listed by hand, so a
change to any of them after a deploy makes new documents rather than serving old ones.
"""

import hashlib
import json
import sys
from collections.abc import Iterable
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from django.apps import apps
from django.conf import settings

# The libraries that lay out and draw the documents: an upgrade may change how a page looks.
DRAWN_WITH = ("weasyprint", "plotly", "kaleido", "pydyf", "python-docx")
SKIPPED_FOLDERS = {"__pycache__"}


def content_hash(content) -> str:
    """A short, stable hash of plain data (dicts in any key order, dates as text)."""
    encoded = json.dumps(content, sort_keys=True, default=str).encode()
    return hashlib.sha256(encoded).hexdigest()[:32]


def document_digest(content) -> str:
    """The digest of a document showing `content`, drawn by the code deployed now."""
    return content_hash({"content": content, "code": code_digest()})


@cache
def code_digest() -> str:
    """A hash of everything a document is drawn with, worked out once per process."""
    root = Path(settings.BASE_DIR).resolve()
    return content_hash(
        {
            "source": source_digest(root, drawn_from(root)),
            "libraries": {name: _installed(name) for name in DRAWN_WITH},
        }
    )


def drawn_from(root: Path) -> list[Path]:
    """The folders a document is drawn from, relative to `root`: the project's own apps (not
    the libraries', even where a virtual environment sits inside the project), its template
    folders and its static folders, as the settings name them."""
    libraries = [Path(prefix).resolve() for prefix in (sys.prefix, sys.base_prefix)]
    apps_here = [Path(config.path) for config in apps.get_app_configs()]
    found = [*apps_here, *_template_folders(), *settings.STATICFILES_DIRS]
    folders = {Path(folder).resolve() for folder in found}
    return sorted(
        folder.relative_to(root)
        for folder in folders
        if folder.is_relative_to(root) and not any(map(folder.is_relative_to, libraries))
    )


def source_digest(root: Path, folders: Iterable[Path | str]) -> str:
    """A hash of every file under `folders` (relative to `root`): its path and its bytes.

    The same tree anywhere gives the same hash, so every web node and worker agrees."""
    digest = hashlib.sha256()
    for folder in sorted({Path(f) for f in folders}):
        for path in sorted(_files(root / folder)):
            digest.update(str(path.relative_to(root).as_posix()).encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _files(folder: Path) -> Iterable[Path]:
    for path in folder.rglob("*"):
        if path.is_file() and not SKIPPED_FOLDERS & set(path.parts) and path.suffix != ".pyc":
            yield path


def _template_folders() -> list[str | Path]:
    return [folder for engine in settings.TEMPLATES for folder in engine.get("DIRS", [])]


def _installed(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return ""
