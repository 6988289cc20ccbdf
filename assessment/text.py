"""Text: what people may type into names and titles, how it goes into a file name, and how a
level's descriptor is cut to one line for a phone.

A period, a name or an action's title is shown on pages, in e-mails, in reports and in the names
of downloaded files. Control characters there end lines in a mail header, break a spreadsheet or
a terminal, or hide text; bidirectional overrides and isolates make "2026 Q1" display as
something else (the "Trojan Source" trick). Invalid UTF-8 reaches a form as U+FFFD, the
replacement character, and is refused too: what was meant cannot be known.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.text import slugify

# C0 controls, DEL and the C1 controls: none has a place in a one-line field.
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# Left-to-right, right-to-left and Arabic letter marks, embeddings, overrides and isolates.
DIRECTION = re.compile(r"[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
UNREADABLE = "\ufffd"
# Characters that show nothing: format characters (zero-width space, byte-order mark, soft
# hyphen, tags), line and paragraph separators, private-use and unassigned code points, and the
# Hangul fillers that draw as blanks. Zero-width (non-)joiners stay: Persian and Indian scripts
# and emoji need them.
INVISIBLE_CATEGORIES = {"Cf", "Zl", "Zp", "Co", "Cn", "Cs"}
JOINERS = {"\u200c", "\u200d"}
BLANK_LETTERS = {"\u115f", "\u1160", "\u3164", "\uffa0"}


def _invisible(value: str) -> bool:
    return any(
        ch in BLANK_LETTERS
        or (unicodedata.category(ch) in INVISIBLE_CATEGORIES and ch not in JOINERS)
        for ch in value
    )


@deconstructible  # so that a model field may use it too (the admin's forms then check it)
class PlainText:
    """A validator for a one-line field that refuses control and direction-changing characters
    and unreadable text, naming the field in its message: ``PlainText("The period")``."""

    def __init__(self, field: str):
        self.field = field

    def __call__(self, value: str) -> None:
        if CONTROL.search(value):
            raise ValidationError(
                f"{self.field} cannot contain control characters (such as tabs).",
                code="control_character",
            )
        if DIRECTION.search(value):
            raise ValidationError(
                f"{self.field} cannot contain characters that change the direction of text.",
                code="direction_character",
            )
        if _invisible(value):
            raise ValidationError(
                f"{self.field} cannot contain characters that show nothing (such as a "
                f"zero-width space).",
                code="invisible_character",
            )
        if UNREADABLE in value:
            raise ValidationError(
                f"{self.field} has characters that could not be read: type it again.",
                code="unreadable",
            )

    def __eq__(self, other) -> bool:
        return isinstance(other, PlainText) and self.field == other.field


def file_name_part(text: str) -> str:
    """Text as part of a download's name, whole: letters of any language and digits stay, and
    every run of anything else becomes one hyphen, so "2026/27 Q1" gives "2026-27-q1" (a slash
    left in would make the browser save only what follows it)."""
    return slugify(re.sub(r"[\W_]+", " ", text), allow_unicode=True)


SUMMARY_LENGTH = 85


def level_summary(descriptor: str, length: int = SUMMARY_LENGTH) -> str:
    """A level's descriptor in one short line, shown beside the level's name on a phone (the whole
    descriptor stays a click away): its first sentence, and when that is long, cut at the last
    clause (a colon, semicolon, dash or comma) or else word that fits, marked with an ellipsis.
    A sentence ends at ". ", "! " or "? " before a capital, so "e.g. the NHS" does not end one."""
    text = " ".join(descriptor.split())
    end = re.search(r"(?<!\be\.g)(?<!\bi\.e)(?<!\betc)[.!?](?=\s+[A-Z0-9“\"(])", text)
    sentence = text[: end.end()] if end else text
    if len(sentence) <= length:
        return sentence
    head = sentence[: length + 1]
    clauses = [m.start() for m in re.finditer(r"[:;,]\s| [—–-] ", head) if m.start() >= length // 2]
    cut = clauses[-1] if clauses else head.rindex(" ")
    return sentence[:cut].rstrip(" ,;:—–-") + "…"
