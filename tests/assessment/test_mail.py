"""Sending one e-mail, against a real SMTP server on loopback: whatever goes wrong is one line in
the log and a False, never an exception that ends a request or stops a batch."""

import logging

import pytest

from accounts.mail import Letter, send_each, send_to_person
from tests.smtp import REFUSE, free_port, loopback_smtp

pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp(settings):
    with loopback_smtp(settings) as server:
        yield server


def _log_lines(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "accounts.mail"]


def test_it_reports_a_message_the_mail_server_refuses_on_one_line(smtp, caplog):
    smtp.mode = REFUSE
    assert send_to_person(subject="Hello", body="Hi", to="tom@example.org") is False
    [record] = [r for r in caplog.records if r.name == "accounts.mail"]
    assert "'tom@example.org' was not sent: SMTPDataError" in record.getMessage()
    assert record.exc_info is None and "\n" not in record.getMessage()


def test_it_sends_a_subject_made_with_a_line_break_as_one_line(smtp):
    subject = "Score Riverside\r\nBcc: everyone@example.org: 2026 Q4"
    assert send_to_person(subject=subject, body="Hi", to="tom@example.org") is True
    [message] = smtp.received
    assert message["Subject"] == "Score Riverside Bcc: everyone@example.org: 2026 Q4"
    assert message["Bcc"] is None


def test_it_reports_an_address_with_a_line_break_without_raising(smtp, caplog):
    to = "tom@example.org\nBcc: everyone@example.org"
    assert send_to_person(subject="Hello", body="Hi", to=to) is False
    assert smtp.received == []
    assert len(_log_lines(caplog)) == 1


def test_it_sends_the_rest_of_a_batch_after_one_bad_address(smtp):
    letters = [
        Letter(to="tom@example.org\r\nBcc: x@example.org", subject="Hi", body="Hi"),
        Letter(to="priya@example.org", subject="Hi", body="Hi"),
    ]
    assert send_each(letters) == [False, True]
    assert smtp.recipients == ["priya@example.org"]


def test_it_stops_a_batch_once_the_mail_server_cannot_be_reached(settings, caplog):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": free_port(), "use_tls": False},
        }
    }
    letters = [Letter(to=f"p{n}@example.org", subject="Hi", body="Hi") for n in range(3)]
    with caplog.at_level(logging.ERROR):
        assert send_each(letters) == [False, False, False]
    assert len(_log_lines(caplog)) == 1, "one attempt: each would wait for its own time-out"
