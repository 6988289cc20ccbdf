"""The log: a refused request (403, 400) is one line; a server error keeps its traceback."""

import io
import logging
from unittest.mock import patch

import pytest
from django.test import Client

from config.logs import RefusalsOnOneLine

pytestmark = pytest.mark.django_db

ADD_URL = "/places/riverside/members/"


def _request_log(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "django.request"]


def test_it_logs_a_forbidden_request_as_one_line(client, respondent, place, caplog):
    client.force_login(respondent)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.post(ADD_URL, {"email": "x@example.org"})
    assert response.status_code == 403
    [record] = _request_log(caplog)
    assert record.exc_info is None
    assert caplog.text.count("\n") == 1, caplog.text
    assert f"Forbidden (Permission denied): {ADD_URL}" in caplog.text


def test_it_logs_a_form_it_cannot_read_as_one_line(caplog):
    browser = Client(enforce_csrf_checks=True)
    browser.get("/accounts/login/")
    token = browser.cookies["csrftoken"].value
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = browser.post(
            "/accounts/login/",
            f"csrfmiddlewaretoken={token}&login=a@example.org&password=b",
            content_type="application/x-www-form-urlencoded; charset=latin-1",
        )
    assert response.status_code == 400
    assert "Traceback" not in caplog.text
    assert "must be UTF-8 encoded" in caplog.text


def test_it_logs_a_server_error_with_its_traceback(respondent, place, caplog, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the place page broke")

    monkeypatch.setattr("assessment.views.places._place_page", broken)
    browser = Client(raise_request_exception=False)
    browser.force_login(respondent)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = browser.get("/places/riverside/")
    assert response.status_code == 500
    assert "Traceback" in caplog.text
    assert "RuntimeError: the place page broke" in caplog.text


def test_it_logs_a_suspicious_request_as_one_line_too(client, analyst):
    # django.security.* records (here TooManyFieldsSent, a 400) pass the console handler too.
    console = next(
        h
        for h in logging.getLogger().handlers
        if any(isinstance(f, RefusalsOnOneLine) for f in h.filters)
    )
    written = io.StringIO()
    client.force_login(analyst)
    with patch.object(console, "stream", written):
        response = client.get("/compare/?" + "&".join(["assessment=1"] * 2000))
    assert response.status_code == 400
    assert "The number of GET/POST parameters exceeded" in written.getvalue()
    assert written.getvalue().count("\n") == 1, written.getvalue()
