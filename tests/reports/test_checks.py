"""The system check that warns at start-up when PDFs cannot draw their charts (reports.W001)."""

import io

from django.core.management import call_command

from reports.checks import chart_browser_check


def test_it_warns_when_the_browser_path_points_at_nothing(monkeypatch, tmp_path):
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "chromium"))
    [warning] = chart_browser_check(None)
    assert warning.id == "reports.W001"
    assert "BROWSER_PATH" in warning.hint


def test_it_warns_when_the_browser_path_is_not_a_program(monkeypatch, tmp_path):
    script = tmp_path / "chromium"
    script.write_text("#!/bin/sh\n")  # there, but not executable
    monkeypatch.setenv("BROWSER_PATH", str(script))
    assert [w.id for w in chart_browser_check(None)] == ["reports.W001"]


def test_it_shows_the_warning_when_manage_py_check_runs(db, monkeypatch, tmp_path):
    # db: Django's own model checks ask SQLite whether it supports JSON fields.
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "chromium"))
    errors = io.StringIO()
    call_command("check", stdout=io.StringIO(), stderr=errors)
    assert "(reports.W001) No Chromium browser found" in errors.getvalue()


def test_it_is_silent_with_the_installed_chromium(monkeypatch):
    monkeypatch.delenv("BROWSER_PATH", raising=False)
    assert chart_browser_check(None) == []
    monkeypatch.setenv("BROWSER_PATH", "/usr/bin/chromium")
    assert chart_browser_check(None) == []
