"""What changed between two versions of a framework, item by item. Pure: no database.

Both versions come in the shape of their fixture files (``framework_version_document`` gives
that shape from the database), so the list is generated from the content itself and can never
drift from it. Items are matched by key.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class ItemStatus(StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class Change:
    """One field of one item, before and after ("" where it did not exist)."""

    # title, context, summary, questions, prompts, level, label, evidence, example, related,
    # reasons, section
    field: str
    name: str  # as a reader would name it: "Summary", "Level 3", "Label of level 1"
    before: str
    after: str


@dataclass(frozen=True)
class ItemChanges:
    key: str
    title: str
    status: ItemStatus
    changes: list[Change] = field(default_factory=list)


def version_changes(
    old: Mapping, new: Mapping, *, related_titles: Mapping[str, str] | None = None
) -> list[ItemChanges]:
    """Every item of ``new`` in its order, then the items ``new`` dropped.

    ``related_titles`` names the related items (factors, for lessons) by title instead of key.
    """
    names = related_titles or {}
    before = {item["key"]: item for item in old["items"]}
    out = []
    for item in new["items"]:
        previous = before.pop(item["key"], None)
        if previous is None:
            out.append(ItemChanges(item["key"], item["title"], ItemStatus.ADDED))
            continue
        changes = item_changes(previous, item, names, _scale(old), _scale(new))
        status = ItemStatus.CHANGED if changes else ItemStatus.UNCHANGED
        out.append(ItemChanges(item["key"], item["title"], status, changes))
    out.extend(
        ItemChanges(item["key"], item["title"], ItemStatus.REMOVED) for item in before.values()
    )
    return out


def item_changes(
    old: Mapping,
    new: Mapping,
    names: Mapping[str, str],
    old_scale: Mapping[int, str],
    new_scale: Mapping[int, str],
) -> list[Change]:
    """The fields of one item that differ; a level's label is the item's own or its scale's."""
    changes: list[Change] = []

    def compare(field_name: str, name: str, before: str, after: str) -> None:
        if before != after:
            changes.append(Change(field_name, name, before, after))

    compare("title", "Title", old["title"], new["title"])
    compare(
        "context",
        "Context factor",
        _yes_no(old.get("context", False)),
        _yes_no(new.get("context", False)),
    )
    compare("summary", "Summary", old["summary"].strip(), new["summary"].strip())
    compare(
        "questions", "Questions", _lines(old.get("questions", [])), _lines(new.get("questions", []))
    )
    compare("prompts", "Prompts", _lines(old["prompts"]), _lines(new["prompts"]))
    old_levels = {level["value"]: level for level in old["levels"]}
    new_levels = {level["value"]: level for level in new["levels"]}
    for value in sorted(old_levels.keys() | new_levels.keys()):
        was, now = old_levels.get(value, {}), new_levels.get(value, {})
        compare(
            "level",
            f"Level {value}",
            was.get("descriptor", "").strip(),
            now.get("descriptor", "").strip(),
        )
    for value in sorted(old_levels.keys() | new_levels.keys()):
        was, now = old_levels.get(value, {}), new_levels.get(value, {})
        compare(
            "label",
            f"Label of level {value}",
            was.get("label") or old_scale.get(value, ""),
            now.get("label") or new_scale.get(value, ""),
        )
    for value in sorted(old_levels.keys() | new_levels.keys()):
        was, now = old_levels.get(value, {}), new_levels.get(value, {})
        compare(
            "evidence",
            f"Evidence markers of level {value}",
            _lines(was.get("evidence", [])),
            _lines(now.get("evidence", [])),
        )
        compare(
            "example",
            f"Example of level {value}",
            was.get("example", "").strip(),
            now.get("example", "").strip(),
        )
    compare(
        "related",
        "Bears on",
        _named(old.get("related", []), names),
        _named(new.get("related", []), names),
    )
    compare(
        "reasons",
        "Why it bears on them",
        _reasons(old.get("related_reasons", {}), names),
        _reasons(new.get("related_reasons", {}), names),
    )
    compare("section", "Source section", old["section"], new["section"])
    return changes


def _scale(document: Mapping) -> dict[int, str]:
    return {level["value"]: level["label"] for level in document["scale"]}


def _yes_no(flag: bool) -> str:
    return "yes" if flag else "no"


def _lines(texts: list[str]) -> str:
    return "\n".join(text.strip() for text in texts)


def _named(keys: list[str], names: Mapping[str, str]) -> str:
    # A set in the file: sorted, so a reordering is not a change.
    return ", ".join(sorted(names.get(key, key) for key in keys))


def _reasons(reasons: Mapping[str, str], names: Mapping[str, str]) -> str:
    return "\n".join(
        f"{names.get(key, key)}: {reasons[key].strip()}"
        for key in sorted(reasons, key=lambda key: names.get(key, key))
    )
