"""Write the copying and paraphrase guards' data: salted hashes of the sources, and the titles.

The source documents are not part of the repository, yet the tests must show that framework
files paraphrase them rather than copy them, and that lesson titles are the source's own. Run
this once, wherever the source documents are, and commit what it writes:

    .venv/bin/python scripts/make_source_shingles.py PATH/TO/SEEDS

PATH/TO/SEEDS is the folder of source texts (files named 000_….txt, 002_….txt, 004_….txt). It
writes, into tests/frameworks/data/ (or --out):

- ``shingles.json``: the salt, window size and hash, and per source document its file name,
  SHA-256 and counts, so a later run can tell whether the sources changed;
- ``NNN.shingles``: for each source document, the sorted 8-byte BLAKE2b hashes (salted) of
  every window of eight normalised words (see frameworks/shingles.py): 8 bytes a window;
- ``NNN.paraphrase``: for each source document, the salted hash of every content-word shingle
  of each sentence with that sentence's number (see frameworks/paraphrase.py): 12 bytes a
  shingle, sorted by hash;
- ``lesson-titles.json``: the sixteen lesson titles exactly as source 000 heads them, each
  checked against the list of titles in source 002.

The salt of an existing shingles.json is kept, so a second run over the same sources writes
the same bytes; --new-salt draws a fresh one.
"""

import argparse
import hashlib
import json
import re
import secrets
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from frameworks import paraphrase  # noqa: E402
from frameworks.shingles import DIGEST_SIZE, WINDOW, pack, shingles, words  # noqa: E402

DEFAULT_OUT = REPO / "tests" / "frameworks" / "data"
# The documents the frameworks are written from: 000 the lessons, 004 the matrix.
DOCUMENTS = ("000", "004")
LESSONS_DOCUMENT, TITLE_LIST_DOCUMENT = "000", "002"
SALT_SIZE = 16  # the most BLAKE2b takes


def source_file(seeds: Path, number: str) -> Path:
    found = sorted(seeds.glob(f"{number}_*.txt"))
    if len(found) != 1:
        raise SystemExit(f"error: expected one file {number}_*.txt in {seeds}, found {len(found)}")
    return found[0]


def listed_titles(text: str) -> dict[int, list[str]]:
    """Source 002 lists the lessons as "N. Title" under the paper's name: their words, by number."""
    start = text.index("Making integrated care happen at scale and pace:")
    listing = text[start:].split("http", 1)[0]
    entries = re.findall(r"(?m)^\s*(\d{1,2})\.\s+(.*?)(?=^\s*\d{1,2}\.\s|\Z)", listing, re.S)
    return {int(number): words(title) for number, title in entries}


def headed_title(text: str, number: int, expected: list[str]) -> str:
    """Source 000 heads each lesson "N: Title" over several lines; the heading's own characters."""
    match = re.search(rf"(?m)^[ \t]*{number}: (.*)", text)
    if match is None:
        raise SystemExit(f"error: lesson {number} has no heading in source {LESSONS_DOCUMENT}")
    title = ""
    for token in text[match.start(1) :].split():
        # A hyphen at the end of a line joins the next line's word ("skill-" "mix").
        title += token if not title or title.endswith("-") else f" {token}"
        found = words(title)
        if found == expected:
            return title
        if found != expected[: len(found)]:
            break
    raise SystemExit(
        f"error: the heading of lesson {number} in source {LESSONS_DOCUMENT} does not match "
        f"its title in source {TITLE_LIST_DOCUMENT}"
    )


def lesson_titles(seeds: Path) -> list[dict]:
    heads = source_file(seeds, LESSONS_DOCUMENT).read_text(encoding="utf-8")
    listed = listed_titles(source_file(seeds, TITLE_LIST_DOCUMENT).read_text(encoding="utf-8"))
    if sorted(listed) != list(range(1, 17)):
        raise SystemExit(f"error: source {TITLE_LIST_DOCUMENT} lists lessons {sorted(listed)}")
    return [
        {"number": number, "title": headed_title(heads, number, listed[number])}
        for number in range(1, 17)
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("seeds", type=Path, help="the folder of source texts")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where to write")
    parser.add_argument("--new-salt", action="store_true", help="draw a fresh salt")
    args = parser.parse_args(argv)
    if not args.seeds.is_dir():
        raise SystemExit(f"error: {args.seeds} is not a folder")

    meta_path = args.out / "shingles.json"
    salt = secrets.token_bytes(SALT_SIZE)
    if meta_path.exists() and not args.new_salt:
        salt = bytes.fromhex(json.loads(meta_path.read_text(encoding="utf-8"))["salt"])

    args.out.mkdir(parents=True, exist_ok=True)
    sources = {}
    for number in DOCUMENTS:
        path = source_file(args.seeds, number)
        text = path.read_text(encoding="utf-8")
        hashes = shingles(text, salt=salt)
        (args.out / f"{number}.shingles").write_bytes(pack(hashes))
        records = set(paraphrase.source_records(text, salt=salt))
        (args.out / f"{number}.paraphrase").write_bytes(paraphrase.pack(records))
        sources[number] = {
            "file": path.name,
            "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
            "words": len(words(text)),
            "shingles": len(hashes),
            "sentences": len(paraphrase.sentences(text)),
            "paraphrase_shingles": len(records),
        }
    meta = {
        "about": "Salted hashes of every window of words in the source documents; written by "
        "scripts/make_source_shingles.py. See frameworks/shingles.py for the normalisation.",
        "hash": "blake2b",
        "digest_size": DIGEST_SIZE,
        "window": WINDOW,
        "salt": salt.hex(),
        "paraphrase": {
            "size": paraphrase.SIZE,
            "window": paraphrase.WINDOW,
            "sentence_number_size": paraphrase.SENTENCE_NUMBER_SIZE,
        },
        "sources": sources,
    }
    meta_path.write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    titles = {
        "about": f"The lesson titles as source {LESSONS_DOCUMENT} heads them, checked against "
        f"the list in source {TITLE_LIST_DOCUMENT}; written by scripts/make_source_shingles.py.",
        "source": source_file(args.seeds, LESSONS_DOCUMENT).name,
        "lessons": lesson_titles(args.seeds),
    }
    (args.out / "lesson-titles.json").write_text(
        json.dumps(titles, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    counts = ", ".join(
        f"{n}: {s['shingles']} shingles, {s['paraphrase_shingles']} paraphrase shingles"
        for n, s in sources.items()
    )
    print(f"Wrote {args.out}: {counts}; 16 lesson titles.")


if __name__ == "__main__":
    main()
