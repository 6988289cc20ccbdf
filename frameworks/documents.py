"""Framework files: read, validate and fingerprint them. No database here.

A framework version is one human-readable file (YAML or JSON) in fixtures/frameworks/, or one
that staff upload (YAML, or an XLSX workbook that frameworks.workbook reads into the same shape).
Its parsed form is the same shape that ``export_framework`` prints, so an export loads back
unchanged.
"""

import datetime
import hashlib
import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import jsonschema
import yaml

SCHEMA_PATH = Path(__file__).parent / "schema" / "framework-version.schema.json"
FIXTURES_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "frameworks"
LOCK_PATH = FIXTURES_DIR.parent / "frameworks.lock.json"
# Status and publication date may change over a version's life; its content may not.
NOT_CONTENT = ("status", "published")


@dataclass(frozen=True)
class Problem:
    path: str
    location: str  # "line 12", "sheet Items, cell C7" or a JSON path such as items[3].levels
    message: str

    def __str__(self):
        where = f"{self.path}: {self.location}" if self.location else self.path
        return f"{where}: {self.message}"


@dataclass
class FrameworkDocument:
    path: str
    data: dict
    # JSON path → where the file holds it: a line number, or a place such as "sheet Items, cell
    # C7" in a workbook.
    lines: dict = field(default_factory=dict, repr=False)

    @property
    def slug(self) -> str:
        return self.data["slug"]

    @property
    def version(self) -> str:
        return self.data["version"]

    @property
    def label(self) -> str:
        return f"{self.slug}@{self.version}"

    @property
    def content_hash(self) -> str:
        return content_hash(canonical(self.data))

    def where(self, json_path: str, *, within: str = "") -> str:
        """The line or cell of a JSON path (or its nearest parent) where the file has them.

        ``within`` names a property of it that is missing: a workbook has a blank cell for it.
        """
        if within and (place := self.lines.get(f"{json_path}.{within}" if json_path else within)):
            return f"{place} ({json_path or 'top level'})"
        probe = json_path
        while probe:
            if probe in self.lines:
                place = self.lines[probe]
                place = f"line {place}" if isinstance(place, int) else place
                return f"{place} ({json_path})"
            parent = re.sub(r"(\.[^.\[]+|\[\d+\])$", "", probe)
            if parent == probe:
                break
            probe = parent
        return json_path


class FrameworkFileError(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def content_hash(data: dict) -> str:
    content = {k: v for k, v in data.items() if k not in NOT_CONTENT}
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@cache
def _validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)


def default_paths() -> list[Path]:
    return sorted(p for p in FIXTURES_DIR.iterdir() if p.suffix in {".yaml", ".yml", ".json"})


def read_lock() -> dict[str, str]:
    if not LOCK_PATH.exists():
        return {}
    return json.loads(LOCK_PATH.read_text(encoding="utf-8"))


def write_lock(lock: dict[str, str]) -> None:
    LOCK_PATH.write_text(json.dumps(dict(sorted(lock.items())), indent=2) + "\n", encoding="utf-8")


def _yaml_lines(node, prefix: str = "", out: dict | None = None) -> dict:
    """Map JSON paths (items[2].levels) to 1-based line numbers in a composed YAML tree."""
    out = {} if out is None else out
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            path = f"{prefix}.{key_node.value}" if prefix else str(key_node.value)
            out[path] = key_node.start_mark.line + 1
            _yaml_lines(value_node, path, out)
    elif isinstance(node, yaml.SequenceNode):
        for index, child in enumerate(node.value):
            path = f"{prefix}[{index}]"
            out[path] = child.start_mark.line + 1
            _yaml_lines(child, path, out)
    return out


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe loader that refuses a key written twice, instead of keeping the last one."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"{key!r} is written twice in one mapping", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def parse_file(path: Path) -> FrameworkDocument:
    """Parse one file; raise FrameworkFileError naming the line of a syntax error."""
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise FrameworkFileError([Problem(name, "", f"cannot read the file ({exc})")]) from exc
    return parse_text(name, text, as_json=path.suffix == ".json")


def parse_text(name: str, text: str, *, as_json: bool = False) -> FrameworkDocument:
    """Parse the text of a YAML (or JSON) framework file named ``name``."""
    lines: dict = {}
    try:
        if as_json:
            data = json.loads(text)
        else:
            data = yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 (a SafeLoader)
            lines = _yaml_lines(yaml.compose(text))
    except json.JSONDecodeError as exc:
        raise FrameworkFileError([Problem(name, f"line {exc.lineno}", exc.msg)]) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise FrameworkFileError([Problem(name, where, f"not valid YAML: {problem}")]) from exc
    if not isinstance(data, dict):
        raise FrameworkFileError([Problem(name, "", "a framework file must be a mapping")])
    return FrameworkDocument(path=name, data=data, lines=lines)


def _json_path(error_path) -> str:
    out = ""
    for part in error_path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def schema_problems(doc: FrameworkDocument, validator) -> list[Problem]:
    """Every way the document breaks its JSON schema, each at its line or cell."""
    return [
        Problem(
            doc.path,
            doc.where(_json_path(e.absolute_path), within=_missing(e)) or "top level",
            e.message,
        )
        for e in sorted(validator.iter_errors(doc.data), key=lambda e: list(map(str, e.path)))
    ]


def check_document(doc: FrameworkDocument) -> list[Problem]:
    """Schema first; if the shape is right, the rules a schema cannot say."""
    problems = schema_problems(doc, _validator())
    if problems:
        return problems

    data = doc.data
    scale_values = [level["value"] for level in data["scale"]]
    if len(set(scale_values)) != len(scale_values):
        problems.append(Problem(doc.path, doc.where("scale"), "scale values repeat"))
    if scale_values != sorted(scale_values):
        problems.append(Problem(doc.path, doc.where("scale"), "scale values must be in order"))
    if data["status"] != "draft" and "published" not in data:
        problems.append(
            Problem(doc.path, doc.where("status"), "a published version needs a published date")
        )
    if not _is_date(data.get("published", "2000-01-01")):
        problems.append(Problem(doc.path, doc.where("published"), "not a date (YYYY-MM-DD)"))

    seen_keys: set[str] = set()
    for index, item in enumerate(data["items"]):
        at = f"items[{index}]"
        if item["key"] in seen_keys:
            problems.append(
                Problem(doc.path, doc.where(at + ".key"), f"key {item['key']!r} repeats")
            )
        seen_keys.add(item["key"])
        values = [level["value"] for level in item["levels"]]
        if sorted(values) != sorted(scale_values) or len(values) != len(set(values)):
            problems.append(
                Problem(
                    doc.path,
                    doc.where(at + ".levels"),
                    f"{item['key']}: needs one descriptor for each scale value {scale_values}, "
                    f"has {values}",
                )
            )
        texts = [level["descriptor"].strip().lower() for level in item["levels"]]
        if len(set(texts)) != len(texts):
            problems.append(
                Problem(doc.path, doc.where(at + ".levels"), f"{item['key']}: descriptors repeat")
            )
        labels = [level["label"].strip().lower() for level in item["levels"] if "label" in level]
        if labels and len(labels) != len(values):
            problems.append(
                Problem(
                    doc.path,
                    doc.where(at + ".levels"),
                    f"{item['key']}: labels its own levels, so needs a label on every level",
                )
            )
        elif len(set(labels)) != len(labels):
            problems.append(
                Problem(doc.path, doc.where(at + ".levels"), f"{item['key']}: labels repeat")
            )
        problems += _unrelated_reasons(doc, at, item)
        for keys, version in REFERENCES.items():
            if item.get(keys) and version not in data:
                problems.append(
                    Problem(
                        doc.path,
                        doc.where(f"{at}.{keys}"),
                        f"'{keys}' needs '{version}' at the top of the file",
                    )
                )
    mapped = data.get("mapped_framework")
    if mapped and mapped["slug"] == data["slug"]:
        problems.append(
            Problem(
                doc.path,
                doc.where("mapped_framework"),
                "'mapped_framework' names another framework; versions of this one are compared "
                "on their shared keys already",
            )
        )
    return problems


def _unrelated_reasons(doc: FrameworkDocument, at: str, item: dict) -> list[Problem]:
    """A reason is why an item bears on one of its related items: a reason for a key the item
    does not list in ``related`` would be shown beside no link."""
    related = set(item.get("related", []))
    return [
        Problem(
            doc.path,
            doc.where(f"{at}.related_reasons.{key}"),
            f"{item['key']}: a reason for {key!r}, which is not in its 'related' list",
        )
        for key in item.get("related_reasons", {})
        if key not in related
    ]


# An item's list of keys, and the version (named at the top of the file) whose items they name:
# the factors a lesson bears on, and the items of another framework that one corresponds to.
REFERENCES = {"related": "related_framework", "corresponds_to": "mapped_framework"}


def _is_date(text: str) -> bool:
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _missing(error) -> str:
    """The property a "required" error is about: one error per missing property, its name
    quoted first in the message."""
    if error.validator != "required":
        return ""
    names = [key for key in error.validator_value if error.message.startswith(repr(key))]
    return names[0] if names else ""


def canonical(data: dict) -> dict:
    """The document as the loader and the export see it: optional parts filled in, text trimmed.

    YAML block scalars end in a newline that JSON exports do not; trimming makes both hash alike.
    """
    out = dict(data)
    out["description"] = data["description"].strip()
    # Only where a file states one (as every other optional field added after 1.1), so files
    # written before it keep the content hash they were locked with.
    if out.pop("placement", "").strip():
        out["placement"] = data["placement"].strip()
    out["scale"] = [
        {**level, "description": level["description"].strip()} for level in data["scale"]
    ]
    out["items"] = [_canonical_item(item) for item in data["items"]]
    return out


def _canonical_item(item: dict) -> dict:
    out = {
        **item,
        "summary": item["summary"].strip(),
        "context": item.get("context", False),
        "questions": item.get("questions", []),
        "related": sorted(item.get("related", [])),  # a set: order carries no meaning
        "levels": [_canonical_level(level) for level in sorted(item["levels"], key=_value)],
    }
    # Only where an item names some, so files written before mappings existed keep their hashes
    # and an empty list hashes as no list.
    if out.pop("corresponds_to", None):
        out["corresponds_to"] = sorted(item["corresponds_to"])
    if reasons := out.pop("related_reasons", None):
        out["related_reasons"] = {key: reasons[key].strip() for key in sorted(reasons)}
    return out


def _value(level: dict) -> int:
    return level["value"]


def _canonical_level(level: dict) -> dict:
    # A label only where the file gives one, so files written before labels existed keep the
    # content hash they were locked with.
    out = {"value": level["value"], "descriptor": level["descriptor"].strip()}
    if "label" in level:
        out["label"] = level["label"].strip()
    # Evidence markers and a named example likewise, from 1.2 on.
    if evidence := level.get("evidence"):
        out["evidence"] = [marker.strip() for marker in evidence]
    if level.get("example", "").strip():
        out["example"] = level["example"].strip()
    return out
