"""Reads of framework content for pages, the API and exports."""

import re
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from frameworks.changes import ItemChanges, ItemStatus, version_changes
from frameworks.documents import canonical
from frameworks.models import (
    Framework,
    FrameworkKind,
    FrameworkUpload,
    FrameworkVersion,
    Item,
    LevelDescriptor,
    VersionStatus,
    example_text,
    matrix_first,
)

SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
VERSION = re.compile(r"[0-9]{1,4}\.[0-9]{1,4}")


def frameworks_with_versions() -> QuerySet[Framework]:
    return Framework.objects.prefetch_related(
        Prefetch("versions", queryset=FrameworkVersion.objects.order_by("-major", "-minor"))
    )


def framework_version_get(*, slug: str, version: str | None = None) -> FrameworkVersion:
    """A version with its scale, items, descriptors and relations loaded (4 queries after this).

    Without a version: the latest published one. A slug or version that cannot exist (a NUL
    byte, a path) is a 404 before it reaches the database, which may refuse it otherwise.
    """
    if not SLUG.fullmatch(slug) or (version is not None and not VERSION.fullmatch(version)):
        raise Http404("No such framework version")
    versions = FrameworkVersion.objects.select_related(
        "framework", "related_version__framework", "mapped_version__framework"
    )
    versions = versions.filter(framework__slug=slug)
    if version is None:
        versions = versions.filter(status=VersionStatus.PUBLISHED).order_by("-major", "-minor")
    else:
        versions = versions.filter(version=version)
    found = versions.prefetch_related(
        "levels",
        Prefetch(
            "items",
            queryset=Item.objects.prefetch_related(
                "descriptors", Prefetch("related", queryset=Item.objects.order_by("position"))
            ),
        ),
    ).first()
    if found is None:
        raise Http404(f"No framework version {slug} {version or '(latest published)'}")
    return found


class ChangesShown:
    """What the changes partial (frameworks/_changes.html) reads of a page with `changes`."""

    changes: list[ItemChanges]

    @cached_property
    def changed(self) -> dict[str, ItemChanges]:
        """Items added, changed or removed since the previous version, by key."""
        return {c.key: c for c in self.changes if c.status != ItemStatus.UNCHANGED}

    @cached_property
    def unchanged(self) -> list[ItemChanges]:
        return [c for c in self.changes if c.status == ItemStatus.UNCHANGED]


@dataclass
class VersionPage(ChangesShown):
    """A version as its page shows it: beside the framework's other versions, and with what
    changed since the version before it, item by item."""

    version: FrameworkVersion
    versions: list[FrameworkVersion]  # every version of the framework, newest first
    previous: FrameworkVersion | None = None
    newer: list[FrameworkVersion] = field(default_factory=list)
    changes: list[ItemChanges] = field(default_factory=list)


def framework_version_page(*, slug: str, version: str) -> VersionPage:
    """The version (see framework_version_get), its framework's versions (1 query) and, if an
    older version exists, the changes since it (5 more queries)."""
    shown = framework_version_get(slug=slug, version=version)
    versions = list(
        FrameworkVersion.objects.filter(framework_id=shown.framework_id)
        .select_related("framework")
        .order_by("-major", "-minor")
    )
    key = (shown.major, shown.minor)
    older = [v for v in versions if (v.major, v.minor) < key]
    page = VersionPage(
        version=shown,
        versions=versions,
        newer=[v for v in versions if (v.major, v.minor) > key and v.status != VersionStatus.DRAFT],
    )
    if older:
        page.previous = framework_version_get(slug=slug, version=older[0].version)
        titles = {
            other.key: other.title
            for each in (page.previous, shown)
            for item in each.items.all()
            for other in item.related.all()
        }
        page.changes = version_changes(
            framework_version_document(page.previous),
            framework_version_document(shown),
            related_titles=titles,
        )
    return page


def latest_published_versions() -> list[FrameworkVersion]:
    """The latest published version of each framework shipped with the product, matrix first:
    what a round pins unless its lead chooses otherwise."""
    return _published_versions(newest=True)


def first_published_versions() -> list[FrameworkVersion]:
    """The first published version of each framework shipped with the product, matrix first."""
    return _published_versions(newest=False)


def _published_versions(*, newest: bool) -> list[FrameworkVersion]:
    order = ("-major", "-minor") if newest else ("major", "minor")
    chosen: dict[int, FrameworkVersion] = {}
    for version in (
        FrameworkVersion.objects.filter(status=VersionStatus.PUBLISHED, framework__shipped=True)
        .select_related("framework")
        .order_by(*order)
    ):
        chosen.setdefault(version.framework_id, version)
    return matrix_first(chosen.values())


def framework_version_document(version: FrameworkVersion) -> dict:
    """The version in the shape of its fixture file; loads back unchanged."""
    doc = {
        "slug": version.framework.slug,
        "version": version.version,
        "status": version.status,
        "title": version.title,
        "kind": version.framework.kind,
        "source": {"document": version.source_document, "citation": version.source_citation},
        "description": version.description,
    }
    if version.placement:
        doc["placement"] = version.placement
    if version.published_on:
        doc["published"] = version.published_on.isoformat()
    for name, other in (
        ("related_framework", version.related_version),
        ("mapped_framework", version.mapped_version),
    ):
        if other:
            doc[name] = {"slug": other.framework.slug, "version": other.version}
    doc["scale"] = [
        {"value": level.value, "label": level.label, "description": level.description}
        for level in version.levels.all()
    ]
    mapped = _corresponding_keys(version)
    items = []
    for item in version.items.all():
        entry = {"key": item.key}
        if item.number is not None:
            entry["number"] = item.number
        entry.update(
            title=item.title,
            summary=item.summary,
            context=item.is_context,
            questions=item.questions,
            prompts=item.prompts,
            section=item.section,
            levels=[_level_entry(descriptor) for descriptor in item.descriptors.all()],
            related=[other.key for other in item.related.all()],
        )
        if item.related_reasons:
            entry["related_reasons"] = item.related_reasons
        if mapped.get(item.pk):
            entry["corresponds_to"] = mapped[item.pk]
        items.append(entry)
    doc["items"] = items
    return doc


def _corresponding_keys(version: FrameworkVersion) -> dict[int, list[str]]:
    """Item pk → keys of the mapped version's items it corresponds to (1 query, none where the
    version maps onto no other)."""
    if not version.mapped_version_id:
        return {}
    out: dict[int, list[str]] = {}
    links = Item.corresponds_to.through.objects.filter(from_item__version=version)
    for item_pk, key in links.values_list("from_item_id", "to_item__key").order_by("to_item__key"):
        out.setdefault(item_pk, []).append(key)
    return out


def _level_entry(descriptor: LevelDescriptor) -> dict:
    entry = {"value": descriptor.value, "descriptor": descriptor.descriptor}
    if descriptor.label:
        entry["label"] = descriptor.label
    if descriptor.evidence:
        entry["evidence"] = descriptor.evidence
    if descriptor.example:
        entry["example"] = descriptor.example
    return entry


@dataclass
class UploadPreview(ChangesShown):
    """An upload as its preview shows it: each item with its levels as they will be named, and
    what changed since the framework's latest version, if it has one."""

    upload: FrameworkUpload
    document: dict  # canonical: as it will be loaded
    items: list[dict]
    previous: FrameworkVersion | None = None
    changes: list[ItemChanges] = field(default_factory=list)

    @property
    def version(self) -> str:
        return self.document["version"]

    @property
    def is_matrix(self) -> bool:
        return self.document["kind"] == FrameworkKind.MATURITY_MATRIX


def framework_upload_get(*, token) -> FrameworkUpload:
    found = FrameworkUpload.objects.select_related("published__framework").filter(token=token)
    upload = found.first()
    if upload is None:
        raise Http404("No such upload: it may have been published or forgotten")
    return upload


def framework_upload_page(*, upload: FrameworkUpload) -> UploadPreview:
    """The preview of a checked upload; with an earlier version, the changes item by item, as a
    version's page shows them (framework_version_page's queries, once)."""
    document = canonical(upload.document)
    scale = {level["value"]: level["label"] for level in document["scale"]}
    items = [
        {
            **item,
            "levels": [
                {
                    **level,
                    "name": level.get("label") or scale.get(level["value"], ""),
                    "example_text": example_text(level.get("example", "")),
                }
                for level in item["levels"]
            ],
        }
        for item in document["items"]
    ]
    preview = UploadPreview(upload=upload, document=document, items=items)
    latest = (
        FrameworkVersion.objects.filter(framework__slug=document["slug"])
        .order_by("-major", "-minor")
        .first()
    )
    if latest and latest.pk != upload.published_id:
        preview.previous = framework_version_get(slug=document["slug"], version=latest.version)
        titles = {
            other.key: other.title
            for item in preview.previous.items.all()
            for other in item.related.all()
        }
        preview.changes = version_changes(
            framework_version_document(preview.previous), document, related_titles=titles
        )
    return preview
