"""Results of closed rounds, kept for comparison across places.

A closed round is read-only, so its per-item results never change: they are worked out once,
when the round closes, and comparisons and exports across hundreds of places read this table
instead of every response.
"""

from django.db import models

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
