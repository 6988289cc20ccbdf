"""Writes of framework content: loading validated files into the database."""

from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.db.models import ProtectedError

from frameworks.documents import (
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
    for doc in documents:
        related = doc.data.get("related_framework")
        if not related:
            continue
        label = f"{related['slug']}@{related['version']}"
        if label in labels:
            keys = {item["key"] for item in labels[label].data["items"]}
        else:
            keys = set(
                Item.objects.filter(
                    version__framework__slug=related["slug"], version__version=related["version"]
                ).values_list("key", flat=True)
            )
            if not keys:
                problems.append(
                    Problem(doc.path, doc.where("related_framework"), f"{label} is not loaded")
                )
                continue
        for index, item in enumerate(doc.data["items"]):
            for key in item.get("related", []):
                if key not in keys:
                    problems.append(
                        Problem(
                            doc.path,
                            doc.where(f"items[{index}].related"),
                            f"{item['key']}: {key!r} is not an item of {label}",
                        )
                    )
    return problems


def framework_files_load(*, paths: list[Path]) -> LoadSummary:
    """Validate every file, then load them all in one transaction (or nothing at all)."""
    documents = framework_files_check(paths=paths)
    # Versions that others relate to go first.
    documents.sort(key=lambda doc: "related_framework" in doc.data)
    summary = LoadSummary()
    with transaction.atomic():
        for doc in documents:
            outcome = _load_document(doc)
            getattr(summary, outcome).append(doc.label)
    return summary


def _load_document(doc: FrameworkDocument) -> str:
    data = canonical(doc.data)
    digest = doc.content_hash
    framework, _ = Framework.objects.get_or_create(
        slug=data["slug"], defaults={"title": data["title"], "kind": data["kind"], "shipped": True}
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
    version.source_document = data["source"]["document"]
    version.source_citation = data["source"]["citation"]
    version.content_hash = digest
    related = data.get("related_framework")
    version.related_version = (
        FrameworkVersion.objects.get(framework__slug=related["slug"], version=related["version"])
        if related
        else None
    )
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
        )
        for obj, item in zip(items, data["items"], strict=True)
        for level in item["levels"]
    )
    if related:
        targets = dict(version.related_version.items.values_list("key", "pk"))
        through = Item.related.through
        through.objects.bulk_create(
            through(from_item_id=obj.pk, to_item_id=targets[key])
            for obj, item in zip(items, data["items"], strict=True)
            for key in item["related"]
        )
    return "updated" if existing else "created"


ITEM_FIELDS = [
    "position",
    "number",
    "title",
    "summary",
    "is_context",
    "questions",
    "prompts",
    "section",
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
        items.append(item)
    Item.objects.bulk_create([i for i in items if i.pk is None])
    Item.objects.bulk_update([i for i in items if i.pk], ITEM_FIELDS)
    LevelDescriptor.objects.filter(item__version=version).delete()
    Item.related.through.objects.filter(from_item__version=version).delete()
    try:
        Item.objects.filter(pk__in=[i.pk for i in kept.values()]).delete()
    except ProtectedError as exc:
        raise FrameworkFileError(
            [Problem(doc.path, "items", f"cannot remove items {sorted(kept)}: they have answers")]
        ) from exc
    return items
