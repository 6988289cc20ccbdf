"""Hashed word shingles: how the paraphrase guard compares framework text with its sources.

The source documents stay outside the repository. ``scripts/make_source_shingles.py`` hashes
every window of ``WINDOW`` words of each source once, where the sources are at hand, and the
tests ship only those salted hashes: enough to tell that a fixture repeats eight words of a
source in a row, not enough to read the source back. No database and no Django here, so the
script can use it too.
"""

import hashlib
import re
from collections.abc import Iterable, Iterator

WINDOW = 8
DIGEST_SIZE = 8  # bytes per shingle: 2**64 values, so a chance match is out of reach


def words(text: str) -> list[str]:
    """Lower-case words; any punctuation becomes a space.

    So "north-west" and a line-broken "north-\\nwest" compare alike, as do curly and straight
    quotes.
    """
    return re.sub(r"[^\w\s]", " ", text.lower()).split()


def windows(text: str, size: int = WINDOW) -> Iterator[str]:
    """Every run of ``size`` consecutive words, joined by single spaces."""
    found = words(text)
    for start in range(len(found) - size + 1):
        yield " ".join(found[start : start + size])


def shingle(window: str, *, salt: bytes) -> bytes:
    return hashlib.blake2b(window.encode("utf-8"), digest_size=DIGEST_SIZE, salt=salt).digest()


def shingles(text: str, *, salt: bytes, size: int = WINDOW) -> set[bytes]:
    return {shingle(window, salt=salt) for window in windows(text, size)}


def pack(hashes: Iterable[bytes]) -> bytes:
    """Sorted and concatenated: the compact form the tests ship."""
    return b"".join(sorted(set(hashes)))


def unpack(blob: bytes) -> set[bytes]:
    if len(blob) % DIGEST_SIZE:
        raise ValueError(f"a shingle file holds whole {DIGEST_SIZE}-byte hashes")
    return {blob[i : i + DIGEST_SIZE] for i in range(0, len(blob), DIGEST_SIZE)}


def copied_windows(text: str, known: set[bytes], *, salt: bytes) -> list[str]:
    """The windows of ``text`` whose hash is among ``known``, in order."""
    return [window for window in windows(text) if shingle(window, salt=salt) in known]
