"""A framework's source as a reader cites it: an author–year form for each item's section, and
the full reference for a list of references.

The framework files are published and locked (fixtures/frameworks.lock.json), so their text is
read as written: "Source 004, chapter 1" names the version's one source by a number a reader
cannot look up, and a citation may end with a shortened link (bit.ly and the like) that hides
where it leads and may stop working. Both are presented here, never changed in the files.
"""

import re

# Link shorteners: a reader cannot tell where such a link leads, and many no longer resolve.
SHORTENED_URL = re.compile(
    r"(?:https?://)?(?:www\.)?(?:bit\.ly|tinyurl\.com|goo\.gl|t\.co|ow\.ly|buff\.ly|is\.gd|"
    r"tiny\.cc|rb\.gy|shorturl\.at)/\S*",
    re.IGNORECASE,
)
SOURCE_NUMBER = re.compile(r"\bSource \d+\b", re.IGNORECASE)
# "Ham C, Walsh N (2013). Title…" or "Local Government Association (2016). Title…"
AUTHOR_YEAR = re.compile(r"(?P<authors>[^.()]+?)\s*\((?P<year>\d{4}[a-z]?)\)")
# One person in Vancouver style: a surname and up to three initials ("Ham C", "Walsh NJ").
PERSON = re.compile(r"(?P<surname>.+?) (?:[A-Z]{1,3})")
SENTENCE_END = re.compile(r"(?<=\.)\s+")


def full_reference(citation: str) -> str:
    """The citation on one line, without any sentence that only points to a shortened link."""
    sentences = SENTENCE_END.split(" ".join(citation.split()))
    return " ".join(s for s in sentences if s and not SHORTENED_URL.search(s))


def author_year(citation: str, *, fallback: str) -> str:
    """ "Ham and Walsh (2013)", "Local Government Association (2016)", "Ham et al. (2013)";
    `fallback` (the source's short name) when the citation opens with no authors and year."""
    found = AUTHOR_YEAR.match(" ".join(citation.split()))
    if found is None:
        return fallback
    names = [name.strip() for name in found["authors"].split(",")]
    people = [PERSON.fullmatch(name) for name in names]
    if all(people):
        surnames = [person["surname"] for person in people]
        authors = f"{surnames[0]} et al." if len(surnames) > 2 else " and ".join(surnames)
    else:
        authors = found["authors"]  # an organisation, named as it is
    return f"{authors} ({found['year']})"


def cited_section(section: str, *, source: str) -> str:
    """An item's section with its source named as `source` (an author–year form): "Source 000,
    lesson 1" reads "Ham and Walsh (2013), lesson 1"; a section that names no source gets it
    in front."""
    section = " ".join(section.split())
    if SOURCE_NUMBER.search(section):
        return SOURCE_NUMBER.sub(lambda _: source, section)
    return f"{source}, {section}" if section else source
