"""A real SMTP server on loopback (aiosmtpd, in a thread) for the mail tests: it takes every
message, refuses each one with a 550, or hangs on each one until the test releases it."""

import asyncio
import contextlib
import socket
import threading
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller

TAKE, REFUSE, HANG = "take", "refuse", "hang"


class LoopbackSmtp:
    def __init__(self):
        self.mode = TAKE
        self.received: list[EmailMessage] = []
        self.held = threading.Event()  # set once a message is held by a hanging server
        self.release = threading.Event()  # the test sets it to let a hanging server answer

    async def handle_DATA(self, server, session, envelope) -> str:
        if self.mode == HANG:
            self.held.set()
            # Waits in a thread of its own: the server's loop stays free to be stopped.
            await asyncio.get_running_loop().run_in_executor(None, self.release.wait)
        if self.mode == REFUSE:
            return "550 Mailbox unavailable"
        self.received.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    @property
    def recipients(self) -> list[str]:
        return [message["To"] for message in self.received]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def loopback_smtp(settings, *, timeout: float = 5) -> Iterator[LoopbackSmtp]:
    """Serve on a free loopback port, with Django's SMTP backend pointed at it through the
    pytest-django `settings` fixture."""
    server = LoopbackSmtp()
    controller = Controller(server, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": controller.hostname,
                "port": controller.port,
                "use_tls": False,
                "timeout": timeout,
            },
        }
    }
    try:
        yield server
    finally:
        server.release.set()
        controller.stop()
