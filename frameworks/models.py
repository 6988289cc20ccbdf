"""Framework content: a framework has versions; a version has a scale and items.

Content is loaded from the files in fixtures/frameworks/, or uploaded by staff (see
frameworks.uploads), and a published version never changes (see frameworks.services).
Assessments pin the versions they were scored against.
"""

import re
import uuid
from typing import NamedTuple

from django.conf import settings
from django.db import models

from frameworks import citations

ILLUSTRATIVE = re.compile(r"^\s*illustrative\s*[:.,—–-]\s*", re.IGNORECASE)


class FrameworkKind(models.TextChoices):
    MATURITY_MATRIX = "maturity-matrix", "Maturity matrix"
    LESSONS = "lessons", "Lessons"


class VersionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    RETIRED = "retired", "Retired"


class Framework(models.Model):
    slug = models.SlugField(max_length=60, unique=True)
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=FrameworkKind.choices)
    # Shipped with the product (loaded from fixtures/frameworks/) rather than uploaded by a
    # programme: a new round pins the shipped ones unless the lead unticks them.
    shipped = models.BooleanField(default=False)

    class Meta:
        ordering = ["slug"]

    def __str__(self):
        return self.title


class FrameworkVersion(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="versions")
    version = models.CharField(max_length=10)
    # Numeric parts of the version, so that 1.10 sorts after 1.9.
    major = models.PositiveSmallIntegerField()
    minor = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=10, choices=VersionStatus.choices)
    published_on = models.DateField(null=True, blank=True)
    title = models.CharField(max_length=200)
    description = models.TextField()
    source_document = models.CharField(max_length=200)
    source_citation = models.TextField()
    placement = models.TextField(
        blank=True,
        help_text="How a team is placed on a level (best fit, cumulative or not, evidence that "
        "spans two levels); blank where the version states no rule.",
    )
    related_version = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The version whose item keys this version's relations name.",
    )
    mapped_version = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Another framework's version, whose items this version's items correspond to.",
    )
    content_hash = models.CharField(max_length=64)
    loaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["framework__slug", "-major", "-minor"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "version"], name="unique_framework_version"
            )
        ]

    def __str__(self):
        return f"{self.framework.slug} {self.version}"

    @property
    def slug(self) -> str:
        return self.framework.slug

    @property
    def is_published(self) -> bool:
        return self.status == VersionStatus.PUBLISHED

    @property
    def is_matrix(self) -> bool:
        return self.framework.kind == FrameworkKind.MATURITY_MATRIX

    @property
    def reference(self) -> str:
        """The source as a list of references gives it: authors or publisher, year, title,
        publisher; a shortened link in the published citation is left out."""
        return citations.full_reference(self.source_citation)

    @property
    def short_reference(self) -> str:
        """The source in author–year form, as running text cites it: "Ham and Walsh (2013)"."""
        return citations.author_year(self.source_citation, fallback=self.source_document)


def round_order(version: "FrameworkVersion") -> tuple:
    """How every page orders a round's frameworks: maturity ladders before lessons, the shipped
    before those a programme brought."""
    return (not version.is_matrix, not version.framework.shipped, version.framework.slug)


def matrix_first(versions) -> list["FrameworkVersion"]:
    """Versions as every page lists them (round_order)."""
    return sorted(versions, key=round_order)


class ScaleLevel(models.Model):
    version = models.ForeignKey(FrameworkVersion, on_delete=models.CASCADE, related_name="levels")
    value = models.PositiveSmallIntegerField()
    label = models.CharField(max_length=60)
    description = models.TextField()

    class Meta:
        ordering = ["version", "value"]
        constraints = [
            models.UniqueConstraint(fields=["version", "value"], name="unique_level_value")
        ]

    def __str__(self):
        return f"{self.value} {self.label}"


class Item(models.Model):
    """A factor of the matrix or a lesson: what respondents score."""

    version = models.ForeignKey(FrameworkVersion, on_delete=models.CASCADE, related_name="items")
    key = models.SlugField(max_length=60)
    position = models.PositiveSmallIntegerField()
    number = models.PositiveSmallIntegerField(null=True, blank=True)
    title = models.CharField(max_length=200)
    summary = models.TextField()
    # A context factor (such as Place) describes circumstances more than achievement.
    is_context = models.BooleanField(default=False)
    questions = models.JSONField(default=list, blank=True)
    prompts = models.JSONField(default=list, blank=True)
    section = models.CharField(max_length=300, help_text="Where in the source this is drawn from.")
    related = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="related_from"
    )
    # Related key → one line on why the item bears on it, shown beside the link.
    related_reasons = models.JSONField(default=dict, blank=True)
    # Items of the version's mapped_version that measure the same thing: rounds on the two
    # frameworks are compared on them, marked as mapped.
    corresponds_to = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="corresponded_by"
    )

    class Meta:
        ordering = ["version", "position"]
        constraints = [models.UniqueConstraint(fields=["version", "key"], name="unique_item_key")]

    def __str__(self):
        return self.title

    def level_labels(self) -> list["Level"]:
        """(value, label) for each level of the scale, in order: the item's own label where it
        has one (a context factor such as Place names its levels for circumstances, not
        progress), else the version's.

        No queries when the version's levels and the item's descriptors are prefetched, as
        frameworks.selectors.framework_version_get does.
        """
        own = {descriptor.value: descriptor.label for descriptor in self.descriptors.all()}
        return [
            Level(level.value, own.get(level.value) or level.label)
            for level in self.version.levels.all()
        ]

    @property
    def section_reference(self) -> str:
        """Where in the source the item is drawn from, with the source cited by author and year:
        "Ham and Walsh (2013), lesson 1" (the file says "Source 000, lesson 1")."""
        return citations.cited_section(self.section, source=self.version.short_reference)

    def bears_on(self) -> list[tuple["Item", str]]:
        """(related item, why this item bears on it) for each related item, in its order; the
        reason blank where the version gives none (before 1.2). No query once ``related`` is
        prefetched."""
        return [(other, self.related_reasons.get(other.key, "")) for other in self.related.all()]

    @property
    def has_evidence(self) -> bool:
        """Whether any level names markers (content from 1.2 on)."""
        return any(descriptor.evidence for descriptor in self.descriptors.all())

    @property
    def has_reasons(self) -> bool:
        return bool(self.related_reasons)

    @property
    def has_own_labels(self) -> bool:
        return any(descriptor.label for descriptor in self.descriptors.all())


class Level(NamedTuple):
    """A level of the scale as one item names it."""

    value: int
    label: str


class LevelDescriptor(models.Model):
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="descriptors")
    value = models.PositiveSmallIntegerField()
    descriptor = models.TextField()
    label = models.CharField(
        max_length=60,
        blank=True,
        help_text="The item's own name for this level; blank to use the version's scale label.",
    )
    # What a team can point to at this level: two to four short observable markers.
    evidence = models.JSONField(default=list, blank=True)
    example = models.TextField(
        blank=True, help_text="A named example from the sources, marked as illustrative."
    )

    class Meta:
        ordering = ["item", "value"]
        constraints = [
            models.UniqueConstraint(fields=["item", "value"], name="unique_descriptor_value")
        ]

    def __str__(self):
        return f"{self.item.key} {self.value}"

    @property
    def example_text(self) -> str:
        """The example without the "Illustrative:" a file may open it with, since every page
        that shows an example marks it illustrative itself."""
        return example_text(self.example)


def example_text(example: str) -> str:
    """An example without the "Illustrative:" it may open with (see LevelDescriptor)."""
    return ILLUSTRATIVE.sub("", example, count=1)


class FrameworkUpload(models.Model):
    """A framework file that staff uploaded and that passed every check, kept until they publish
    it from its preview: the parsed document, not the file, so what is published is what was
    previewed. Publishing checks it again and records the version it made, so a second press of
    "Publish" makes no second version."""

    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    filename = models.CharField(max_length=200)
    document = models.JSONField()
    content_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    published = models.ForeignKey(
        FrameworkVersion, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )

    def __str__(self):
        return f"{self.filename} ({self.document.get('slug')} {self.document.get('version')})"

    @property
    def label(self) -> str:
        return f"{self.document['slug']} {self.document['version']}"
