"""E-mail to people: sent by a task on the worker (accounts/tasks.py, assessment/tasks.py),
never inside a request; a failure is logged on one line and reported, never raised."""

import logging
import smtplib
from dataclasses import dataclass, field

from django.core.mail import send_mail
from django.tasks import TaskResult, TaskResultStatus

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Letter:
    to: str
    subject: str
    body: str


@dataclass(frozen=True)
class MailOutcome:
    """Whom an e-mail was for (names as the lead knows them): those the mail server took, those
    it did not, and those a worker has still to send it to."""

    sent: list[str]
    failed: list[str]
    queued: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, result: TaskResult, names: list[str]) -> "MailOutcome":
        """What a mail task's result tells about `names`: a queue's worker will send it later;
        the immediate backend (one process, `make run`, the tests) has sent it already."""
        if not result.is_finished:
            return cls(sent=[], failed=[], queued=names)
        if result.status == TaskResultStatus.SUCCESSFUL:
            return cls(**result.return_value)
        return cls(sent=[], failed=names)  # the task failed; it logged why


class _Unreachable(Exception):
    """The mail server did not answer at all (refused, timed out, hung up, failed TLS)."""


def send_to_person(*, subject: str, body: str, to: str) -> bool:
    """Send one message; False (and one line in the log) when it was not sent."""
    return send_each([Letter(to=to, subject=subject, body=body)])[0]


def send_each(letters: list[Letter]) -> list[bool]:
    """Send each letter on its own: True where the mail server took it. A letter the server
    refuses does not stop the others; once the server cannot be reached, the rest are not tried
    (each would hold the worker for the whole time-out) and count as not sent."""
    sent = []
    for letter in letters:
        try:
            sent.append(_send(letter))
        except _Unreachable:
            sent.append(False)
            break
    return sent + [False] * (len(letters) - len(sent))


def _send(letter: Letter) -> bool:
    # A subject is one header line: a line break in what it is made of (a place's name, a
    # period) becomes a space rather than a refused message.
    subject = " ".join(letter.subject.split())
    try:
        send_mail(subject=subject, message=letter.body, from_email=None, recipient_list=[letter.to])
    except (smtplib.SMTPResponseException, smtplib.SMTPRecipientsRefused) as exc:
        _log(letter, subject, exc)  # the server answered, and refused this one message
        return False
    except OSError as exc:  # refused connections, time-outs, hang-ups, TLS errors
        _log(letter, subject, exc)
        raise _Unreachable from exc
    except Exception as exc:  # noqa: BLE001 - a bad header, or whatever a configured backend raises
        _log(letter, subject, exc)
        return False
    return True


def _log(letter: Letter, subject: str, exc: Exception) -> None:
    # One line, whatever the server said: the reason is enough to act on, a traceback is not.
    reason = " ".join(str(exc).split()) or "no reason given"
    logger.error(
        "E-mail %r to %r was not sent: %s: %s", subject, letter.to, type(exc).__name__, reason
    )
