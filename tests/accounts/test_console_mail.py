"""Under `make run` e-mail is printed for the person at the terminal: decoded, with each link
whole on one line, so an invitation's link can be copied as it is."""

import io

import pytest
from django.core import mail

from accounts.invitations import mail_person_invitation, new_person

BACKEND = "accounts.console_mail.EmailBackend"


@pytest.fixture
def printed(settings):
    """What the backend prints, as the terminal shows it."""
    stream = io.StringIO()
    settings.MAILERS = {"default": {"BACKEND": BACKEND, "OPTIONS": {"stream": stream}}}
    return stream


def test_an_invitation_is_printed_with_its_link_whole_on_one_line(db, printed):
    person = new_person(email="aled.pritchard@ynysmon.example.org", name="Aled Prītchard")
    assert mail_person_invitation.call(user_id=person.pk, base_url="http://127.0.0.1:8000")
    text = printed.getvalue()
    assert "To: aled.pritchard@ynysmon.example.org" in text
    [link] = [line for line in text.splitlines() if "/accounts/reset/" in line]
    assert link.startswith("http://127.0.0.1:8000/accounts/reset/") and link.endswith("/")
    assert "=\n" not in text and "=E2=80" not in text  # nothing quoted-printable
    assert "Hello Aled Prītchard," in text
    assert "“E-mail me a sign-in code”" in text


def test_it_names_what_a_plain_terminal_cannot_show(db, printed):
    message = mail.EmailMultiAlternatives("Board paper", "See the paper.", to=["a@example.org"])
    message.attach_alternative("<p>See the paper.</p>", "text/html")
    message.attach("report.pdf", b"%PDF-1.7", "application/pdf")
    message.send()
    text = printed.getvalue()
    assert "Subject: Board paper\n\nSee the paper." in text
    assert "[also sent as text/html]" in text
    assert "[attached: report.pdf]" in text
