"""What the tests know of the source documents: shipped data, never the documents themselves.

tests/frameworks/data/ holds salted hashes of every 8-word window of sources 000 and 004, of
every content-word shingle of their sentences (with the sentence's number, for the paraphrase
guard of frameworks/paraphrase.py) and the sixteen lesson titles as source 000 heads them,
written by scripts/make_source_shingles.py where the sources were at hand. See that script to
regenerate them.
"""

import json
from functools import cache
from pathlib import Path

from frameworks import paraphrase
from frameworks.shingles import WINDOW, copied_windows, unpack

DATA = Path(__file__).parent / "data"


@cache
def _meta() -> dict:
    return json.loads((DATA / "shingles.json").read_text(encoding="utf-8"))


def salt() -> bytes:
    return bytes.fromhex(_meta()["salt"])


@cache
def source_shingles() -> dict[str, frozenset[bytes]]:
    """Per source document number ("000", "004"), the hashes of its windows."""
    meta = _meta()
    assert meta["window"] == WINDOW, "the shipped shingles were made with another window size"
    return {
        number: frozenset(unpack((DATA / f"{number}.shingles").read_bytes()))
        for number in meta["sources"]
    }


def copied(text: str) -> list[str]:
    """The windows of ``text`` that also occur in a source, with the source's number."""
    found = []
    for number, known in source_shingles().items():
        found.extend(
            f"{window!r} (source {number})" for window in copied_windows(text, known, salt=salt())
        )
    return found


@cache
def paraphrase_index() -> paraphrase.SourceIndex:
    """Each content-word shingle of sources 000 and 004, with the sentences that hold it."""
    meta = _meta()["paraphrase"]
    assert (meta["size"], meta["window"]) == (paraphrase.SIZE, paraphrase.WINDOW), (
        "the shipped paraphrase shingles were made with another shingle shape"
    )
    return paraphrase.source_index(
        {
            number: paraphrase.unpack((DATA / f"{number}.paraphrase").read_bytes())
            for number in _meta()["sources"]
        }
    )


def likeness(sentence: str) -> paraphrase.Likeness:
    return paraphrase.likeness(sentence, paraphrase_index(), salt=salt())


def near_copies(text: str) -> list[paraphrase.Likeness]:
    """The sentences of ``text`` that follow one sentence of a source closely."""
    return paraphrase.near_copies(text, paraphrase_index(), salt=salt())


@cache
def lesson_titles() -> list[tuple[int, str]]:
    lessons = json.loads((DATA / "lesson-titles.json").read_text(encoding="utf-8"))["lessons"]
    return [(lesson["number"], lesson["title"]) for lesson in lessons]
