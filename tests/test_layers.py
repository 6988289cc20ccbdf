"""The apps depend one way only: frameworks ← assessment ← reports, and accounts (sign-in,
people's data, the audit log) below assessment, importing none of them.

A lower app never imports a higher one; it announces what happened (assessment.signals) and
the higher app listens. Imports are read from the source with `ast`, so an import inside a
function counts as much as one at the top of a module.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Each app, and the apps above it that it must never import.
HIGHER = {
    "accounts": {"frameworks", "assessment", "reports"},
    "frameworks": {"assessment", "reports"},
    "assessment": {"reports"},
}


def imported_apps(path: Path) -> set[tuple[int, str]]:
    """(line, top-level package) for every import in a module."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found |= {(node.lineno, alias.name.split(".")[0]) for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add((node.lineno, node.module.split(".")[0]))
    return found


def test_it_reads_imports_of_every_kind():
    source = ROOT / "tests" / "test_layers.py"
    assert (9, "ast") in imported_apps(source)  # `import ast`
    assert any(name == "pathlib" for _, name in imported_apps(source))


@pytest.mark.parametrize("app", sorted(HIGHER))
def test_it_keeps_each_app_from_importing_the_apps_above_it(app):
    breaches = [
        f"{path.relative_to(ROOT)}:{line} imports {name}"
        for path in sorted((ROOT / app).rglob("*.py"))
        for line, name in sorted(imported_apps(path))
        if name in HIGHER[app]
    ]
    assert breaches == []


def test_it_keeps_templates_of_assessment_linking_to_reports_by_url_name_only():
    # A template may {% url 'reports-…' %}; it may not load a reports template tag library.
    loads = [
        f"{path.relative_to(ROOT)}"
        for path in (ROOT / "templates" / "assessment").rglob("*.html")
        if "{% load report" in path.read_text()
    ]
    assert loads == []
