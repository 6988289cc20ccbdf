"""Results of closed rounds, kept for comparison across places; and the documents rendered.

A closed round is read-only, so its per-item results never change: they are worked out once,
when the round closes, and comparisons and exports across hundreds of places read this table
instead of every response.
"""

from django.db import models
from django.utils import timezone

from assessment.models import Assessment
from frameworks.models import Item


class RoundItemResult(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="results")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    # Agreed where the team recorded consensus, otherwise the median of submitted answers.
    current = models.FloatField(null=True)
    target = models.FloatField(null=True)
    agreed_current = models.PositiveSmallIntegerField(null=True)
    agreed_target = models.PositiveSmallIntegerField(null=True)
    median = models.FloatField(null=True)
    minimum = models.PositiveSmallIntegerField(null=True)
    maximum = models.PositiveSmallIntegerField(null=True)
    target_median = models.FloatField(null=True)
    responses = models.PositiveIntegerField(default=0)
    split = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assessment", "item"], name="unique_round_item_result")
        ]
        indexes = [models.Index(fields=["item", "assessment"])]

    def __str__(self):
        return f"{self.assessment} · {self.item.key}"


class RoundReliability(models.Model):
    """A closed round's reliability figures on one framework it pins (assessment.reliability),
    with their bootstrap interval: worked out once, after the round closes, so that comparing
    hundreds of rounds reads them (reports.reliability_kept). `basis` names what they were
    worked out under (the split rule, the resamples, the library's version): figures kept under
    another basis are worked out again rather than shown."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="reliabilities"
    )
    position = models.PositiveSmallIntegerField()  # the round's frameworks, matrix first
    figures = models.JSONField()
    basis = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "position"], name="unique_round_reliability"
            )
        ]

    def __str__(self):
        return f"{self.assessment} · {self.figures.get('framework', '')}"


class PdfKind(models.TextChoices):
    REPORT = "report", "Report of a round"
    COMPARISON = "comparison", "Comparison of places"
    PACK = "pack", "Board pack"
    PAPER = "paper", "Board paper"


# The documents of one round, keyed by its id ("<id>", or "<id>-shared" for readers from outside
# the place): forgotten with the round's results or evidence.
ROUND_KINDS = (PdfKind.REPORT, PdfKind.PAPER)


class PdfStatus(models.TextChoices):
    RENDERING = "rendering", "Being rendered"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


class RenderedPdf(models.Model):
    """A generated file in storage (a report or comparison PDF, a board pack's zip), or being
    rendered: one row per document and content (reports.documents).

    The row, not a file, is what every web node and worker agrees on. Whoever renders holds it
    locked until the file is stored, so one render serves everyone who asks meanwhile; the render
    of newer content removes the rows and files of older content of the same document.
    """

    kind = models.CharField(max_length=12, choices=PdfKind.choices)
    # Which document: a round's id, or a hash of the rounds chosen, by whom and how shown.
    key = models.CharField(max_length=64)
    # A hash of everything the file shows and is made from (reports.digests): new content, new row.
    digest = models.CharField(max_length=64)
    name = models.CharField(max_length=255, blank=True)  # in default_storage, once ready
    status = models.CharField(max_length=10, choices=PdfStatus.choices, default=PdfStatus.RENDERING)
    reason = models.CharField(max_length=200, blank=True)  # why the last render failed, for readers
    # When the content was read from the database, before rendering: which content is newer.
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "key", "digest"], name="unique_rendered_pdf")
        ]
        indexes = [models.Index(fields=["kind", "key", "created_at"])]

    def __str__(self):
        return f"{self.kind} {self.key} · {self.digest[:8]} ({self.status})"
