"""Reads of framework content for pages, the API and exports."""

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from frameworks.models import Framework, FrameworkVersion, Item, VersionStatus, matrix_first


def frameworks_with_versions() -> QuerySet[Framework]:
    return Framework.objects.prefetch_related(
        Prefetch("versions", queryset=FrameworkVersion.objects.order_by("-major", "-minor"))
    )


def framework_version_get(*, slug: str, version: str | None = None) -> FrameworkVersion:
    """A version with its scale, items, descriptors and relations loaded (4 queries after this).

    Without a version: the latest published one.
    """
    versions = FrameworkVersion.objects.select_related("framework", "related_version__framework")
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


def latest_published_versions() -> list[FrameworkVersion]:
    """The latest published version of each framework, matrix first."""
    latest: dict[int, FrameworkVersion] = {}
    for version in (
        FrameworkVersion.objects.filter(status=VersionStatus.PUBLISHED)
        .select_related("framework")
        .order_by("-major", "-minor")
    ):
        latest.setdefault(version.framework_id, version)
    return matrix_first(latest.values())


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
    if version.published_on:
        doc["published"] = version.published_on.isoformat()
    if version.related_version:
        doc["related_framework"] = {
            "slug": version.related_version.framework.slug,
            "version": version.related_version.version,
        }
    doc["scale"] = [
        {"value": level.value, "label": level.label, "description": level.description}
        for level in version.levels.all()
    ]
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
            levels=[{"value": d.value, "descriptor": d.descriptor} for d in item.descriptors.all()],
            related=[other.key for other in item.related.all()],
        )
        items.append(entry)
    doc["items"] = items
    return doc
