"""E-mail printed for a person at a terminal (`make run`): each message as its reader would see
it, decoded, so a link to set a password or join a round is whole on one line and can be copied.
Django's own console backend prints the message as sent, quoted-printable, which splits long
lines with "=" and spells characters as "=E2=80=99"."""

from django.core.mail.backends.console import EmailBackend as ConsoleBackend

RULE = "-" * 79


class EmailBackend(ConsoleBackend):
    def write_message(self, message) -> None:
        lines = [
            f"From: {message.from_email}",
            f"To: {', '.join(message.to)}",
            *([f"Cc: {', '.join(message.cc)}"] if message.cc else []),
            f"Subject: {message.subject}",
            "",
            message.body.rstrip("\n"),
        ]
        for alternative in getattr(message, "alternatives", []):
            lines.append(f"[also sent as {alternative.mimetype}]")
        for attachment in message.attachments:
            # Django's EmailAttachment names its file; a MIME part attached as such, its header.
            name = getattr(attachment, "filename", None) or attachment.get_filename() or "a file"
            lines.append(f"[attached: {name}]")
        self.stream.write("\n".join([*lines, RULE, ""]))
