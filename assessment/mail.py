"""E-mail to people of a place: a failure is logged and reported, never a server error."""

import logging

from django.core.mail import send_mail

logger = logging.getLogger(__name__)


def send_to_person(*, subject: str, body: str, to: str) -> bool:
    """Send one message; False (and a log entry) when the mail server did not take it."""
    try:
        send_mail(subject=subject, message=body, from_email=None, recipient_list=[to])
    except OSError:  # smtplib's errors, refused connections and time-outs alike
        logger.exception("E-mail %r to %s was not sent", subject, to)
        return False
    return True
