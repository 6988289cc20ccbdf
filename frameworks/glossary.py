"""The glossary: the sources' vocabulary (2013, 2016) beside today's, from fixtures/glossary.yaml.

The file ships and changes with the framework content, and is checked against its schema
(frameworks/schema/glossary.schema.json) by ``load_frameworks``, which refuses a bad one with
its line. Pages read it from the file once per process rather than from a table: rounds do not
pin it (it explains words, it scores nothing), it changes only with a release, and the template
tag that links a term can then look it up with no query, however many terms a page links.
"""

import json
import re
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

import jsonschema
from django.utils.text import slugify

from frameworks.documents import (
    FIXTURES_DIR,
    FrameworkFileError,
    Problem,
    parse_file,
    schema_problems,
)

GLOSSARY_PATH = FIXTURES_DIR.parent / "glossary.yaml"
SCHEMA_PATH = Path(__file__).parent / "schema" / "glossary.schema.json"


@dataclass(frozen=True)
class Term:
    term: str
    then: str
    now: str
    meaning: str
    aliases: tuple[str, ...] = ()

    @property
    def anchor(self) -> str:
        """The id of the term on the glossary page: "term-bcf"."""
        return "term-" + slugify(self.term.replace("/", " "))

    @property
    def names(self) -> tuple[str, ...]:
        return (self.term, *self.aliases)


class Glossary:
    def __init__(self, terms: list[Term]):
        self.terms = terms
        self._by_name = {name.casefold(): term for term in terms for name in term.names}

    def find(self, name: str) -> Term | None:
        """The term a name or alias stands for, in any case."""
        return self._by_name.get(name.strip().casefold())

    def terms_in(self, text: str) -> list[Term]:
        """The terms a text uses, in glossary order."""
        return [term for term, pattern in self._patterns if pattern.search(text)]

    @cached_property
    def _patterns(self) -> list[tuple[Term, re.Pattern]]:
        return [(term, _pattern(term.names)) for term in self.terms]


def _pattern(names: tuple[str, ...]) -> re.Pattern:
    """A whole-word match of any name, plural allowed. An abbreviation (ICB, PbR) matches in its
    own case only, so that "raid" or "ig" in running text is not taken for one; a phrase
    ("care trust") matches in any case."""
    parts = []
    for name in names:
        flags = "" if any(c.isupper() for c in name[1:]) else "(?i:"
        body = re.escape(name) + "s?"
        parts.append(f"{flags}{body})" if flags else body)
    return re.compile(r"(?<![\w/-])(?:" + "|".join(parts) + r")(?![\w/-])")


@cache
def _validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))


def glossary_read(path: Path = GLOSSARY_PATH) -> Glossary:
    """The glossary in ``path``, or FrameworkFileError naming the line of every problem: its
    schema, then a term or alias that two terms share (a link would not know which)."""
    doc = parse_file(path)
    problems = schema_problems(doc, _validator())
    if not problems:
        problems = _shared_names(doc)
    if problems:
        raise FrameworkFileError(problems)
    return Glossary(
        [
            Term(
                term=entry["term"].strip(),
                then=entry["then"].strip(),
                now=entry["now"].strip(),
                meaning=entry["meaning"].strip(),
                aliases=tuple(alias.strip() for alias in entry.get("aliases", [])),
            )
            for entry in doc.data["terms"]
        ]
    )


def _shared_names(doc) -> list[Problem]:
    """A term or alias written twice, in one entry or two: a link would not know which."""
    problems, seen = [], {}
    for index, entry in enumerate(doc.data["terms"]):
        aliases = entry.get("aliases", [])
        for at, name in [("term", entry["term"]), *(("aliases", alias) for alias in aliases)]:
            other = seen.setdefault(name.strip().casefold(), (index, entry["term"]))
            if other != (index, entry["term"]) or (at == "aliases" and _same(name, entry["term"])):
                where = doc.where(f"terms[{index}].{at}")
                problems.append(Problem(doc.path, where, f"{name!r} also names {other[1]!r}"))
    return problems


def _same(one: str, other: str) -> bool:
    return one.strip().casefold() == other.strip().casefold()


@cache
def glossary() -> Glossary:
    """The shipped glossary, read once per process."""
    return glossary_read(GLOSSARY_PATH)
