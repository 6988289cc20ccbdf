"""Writes of framework content: loading validated files into the database."""

from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.db.models import ProtectedError

from frameworks.documents import (
    REFERENCES,
    FrameworkDocument,
    FrameworkFileError,
    Problem,
    canonical,
    check_document,
    parse_file,
    read_lock,
)
from frameworks.models import (
    Framework,
    FrameworkVersion,
    Item,
    LevelDescriptor,
    ScaleLevel,
    VersionStatus,
)


@dataclass
class LoadSummary:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    def __str__(self):
        return (
            f"{len(self.created)} created, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged"
        )


def framework_files_check(*, paths: list[Path]) -> list[FrameworkDocument]:
    """Parse and validate every file, raising one error that lists every problem found."""
    documents: list[FrameworkDocument] = []
    problems: list[Problem] = []
    for path in paths:
        try:
            doc = parse_file(path)
        except FrameworkFileError as exc:
            problems.extend(exc.problems)
            continue
        found = check_document(doc)
        problems.extend(found)
        if not found:
            documents.append(doc)
    problems.extend(_check_batch(documents))
    if problems:
        raise FrameworkFileError(problems)
    return documents


def _check_batch(documents: list[FrameworkDocument]) -> list[Problem]:
    """Rules across files: the lock, duplicate versions, relations to other frameworks."""
    return _check_lock(documents) + check_references(documents)


def _check_lock(documents: list[FrameworkDocument]) -> list[Problem]:
    problems: list[Problem] = []
    lock = read_lock()
    labels: dict[str, FrameworkDocument] = {}
    for doc in documents:
        if doc.label in labels:
            problems.append(
                Problem(doc.path, "", f"{doc.label} is also in {labels[doc.label].path}")
            )
        labels[doc.label] = doc
        if doc.data["status"] != VersionStatus.DRAFT:
            locked = lock.get(doc.label)
            if locked is None:
                problems.append(
                    Problem(
                        doc.path,
                        doc.where("status"),
                        f"{doc.label} is published but not in the lock file; "
                        "run 'manage.py lock_frameworks' to record it",
                    )
                )
            elif locked != doc.content_hash:
                problems.append(
                    Problem(
                        doc.path,
                        "",
                        f"the content of published version {doc.label} has changed since it was "
                        "locked; a published version is immutable, so make the change a new "
                        "version",
                    )
                )
    return problems


def check_references(documents: list[FrameworkDocument]) -> list[Problem]:
    """Every key an item names (``related``, ``corresponds_to``) is an item of the version the
    file names for it, among these files or loaded already."""
    labels = {doc.label: doc for doc in documents}
    problems: list[Problem] = []
    for doc in documents:
        for list_name, version_name in REFERENCES.items():
            if named := doc.data.get(version_name):
                problems += _check_keys(doc, list_name, version_name, named, labels)
    return problems


def _check_keys(doc, list_name: str, version_name: str, named: dict, labels) -> list[Problem]:
    label = f"{named['slug']}@{named['version']}"
    if label in labels:
        keys = {item["key"] for item in labels[label].data["items"]}
    else:
        keys = set(
            Item.objects.filter(
                version__framework__slug=named["slug"], version__version=named["version"]
            ).values_list("key", flat=True)
        )
        if not keys:
            return [Problem(doc.path, doc.where(version_name), f"{label} is not loaded")]
    return [
        Problem(
            doc.path,
            doc.where(f"items[{index}].{list_name}"),
            f"{item['key']}: {key!r} is not an item of {label}",
        )
        for index, item in enumerate(doc.data["items"])
        for key in item.get(list_name, [])
        if key not in keys
    ]


def framework_files_load(*, paths: list[Path]) -> LoadSummary:
    """Validate every file, then load them all in one transaction (or nothing at all)."""
    documents = framework_files_check(paths=paths)
    # Versions that others relate or map to go first.
    documents.sort(key=lambda doc: any(name in doc.data for name in REFERENCES.values()))
    summary = LoadSummary()
    with transaction.atomic():
        for doc in documents:
            outcome = framework_document_load(document=doc)
            getattr(summary, outcome).append(doc.label)
    return summary


def framework_document_load(*, document: FrameworkDocument, shipped: bool = True) -> str:
    """Create or update one checked version: "created", "updated" or "unchanged". The one path
    by which content reaches the database, from the fixtures or an upload, and it never changes
    a published version."""
    doc = document
    data = canonical(doc.data)
    digest = doc.content_hash
    framework, _ = Framework.objects.get_or_create(
        slug=data["slug"],
        defaults={"title": data["title"], "kind": data["kind"], "shipped": shipped},
    )
    existing = FrameworkVersion.objects.filter(framework=framework, version=data["version"]).first()
    if existing and existing.content_hash == digest:
        if existing.status == data["status"]:
            return "unchanged"
        if data["status"] == VersionStatus.DRAFT:
            raise FrameworkFileError(
                [Problem(doc.path, "status", f"{doc.label} is published; it cannot become a draft")]
            )
        existing.status = data["status"]
        existing.published_on = data.get("published")
        existing.save(update_fields=["status", "published_on", "loaded_at"])
        return "updated"
    if existing and existing.status != VersionStatus.DRAFT:
        raise FrameworkFileError(
            [
                Problem(
                    doc.path,
                    "",
                    f"{doc.label} was published with other content; "
                    "a published version is immutable, so make the change a new version",
                )
            ]
        )
    if existing:
        existing.levels.all().delete()
    version = existing or FrameworkVersion(framework=framework, version=data["version"])
    major, minor = (int(part) for part in data["version"].split("."))
    version.major, version.minor = major, minor
    version.status = data["status"]
    version.published_on = data.get("published")
    version.title = data["title"]
    version.description = data["description"]
    version.placement = data.get("placement", "")
    version.source_document = data["source"]["document"]
    version.source_citation = data["source"]["citation"]
    version.content_hash = digest
    version.related_version = _named_version(data.get("related_framework"))
    version.mapped_version = _named_version(data.get("mapped_framework"))
    version.save()
    framework.title, framework.kind = data["title"], data["kind"]
    framework.save(update_fields=["title", "kind"])

    ScaleLevel.objects.bulk_create(
        ScaleLevel(
            version=version, value=s["value"], label=s["label"], description=s["description"]
        )
        for s in data["scale"]
    )
    items = _items_upsert(version, data["items"], doc)
    LevelDescriptor.objects.bulk_create(
        LevelDescriptor(
            item=obj,
            value=level["value"],
            descriptor=level["descriptor"],
            label=level.get("label", ""),
            evidence=level.get("evidence", []),
            example=level.get("example", ""),
        )
        for obj, item in zip(items, data["items"], strict=True)
        for level in item["levels"]
    )
    _links_create(Item.related, version.related_version, items, data["items"], "related")
    _links_create(
        Item.corresponds_to, version.mapped_version, items, data["items"], "corresponds_to"
    )
    return "updated" if existing else "created"


def _named_version(named: dict | None) -> FrameworkVersion | None:
    if not named:
        return None
    return FrameworkVersion.objects.get(framework__slug=named["slug"], version=named["version"])


def _links_create(field, target, items: list[Item], entries: list[dict], list_name: str) -> None:
    """The links an item's list of keys names, to the items of ``target`` with those keys."""
    if target is None:
        return
    pks = dict(target.items.values_list("key", "pk"))
    through = field.through
    through.objects.bulk_create(
        through(from_item_id=obj.pk, to_item_id=pks[key])
        for obj, entry in zip(items, entries, strict=True)
        for key in entry.get(list_name, [])
    )


ITEM_FIELDS = [
    "position",
    "number",
    "title",
    "summary",
    "is_context",
    "questions",
    "prompts",
    "section",
    "related_reasons",
]


def _items_upsert(version: FrameworkVersion, entries: list[dict], doc) -> list[Item]:
    """Items matched by key, so a reloaded draft keeps the links other versions have to them."""
    kept = {item.key: item for item in version.items.all()} if version.pk else {}
    items = []
    for position, entry in enumerate(entries, start=1):
        item = kept.pop(entry["key"], None) or Item(version=version, key=entry["key"])
        item.position, item.number = position, entry.get("number")
        item.title, item.summary, item.section = entry["title"], entry["summary"], entry["section"]
        item.is_context, item.questions = entry["context"], entry["questions"]
        item.prompts = entry["prompts"]
        item.related_reasons = entry.get("related_reasons", {})
        items.append(item)
    Item.objects.bulk_create([i for i in items if i.pk is None])
    Item.objects.bulk_update([i for i in items if i.pk], ITEM_FIELDS)
    LevelDescriptor.objects.filter(item__version=version).delete()
    Item.related.through.objects.filter(from_item__version=version).delete()
    Item.corresponds_to.through.objects.filter(from_item__version=version).delete()
    try:
        Item.objects.filter(pk__in=[i.pk for i in kept.values()]).delete()
    except ProtectedError as exc:
        raise FrameworkFileError(
            [Problem(doc.path, "items", f"cannot remove items {sorted(kept)}: they have answers")]
        ) from exc
    return items
