"""An action's expected level becomes one per linked item, on that item's own scale.

The old single level is carried over to each linked item whose scale has it; a context factor
(such as Place) takes none. History rows take the levels of their live action's items.
"""

from django.db import migrations, models


def _per_item(level, items, scales) -> dict:
    if level is None:
        return {}
    return {
        item.key: level
        for item in items
        if not item.is_context and level in scales.get(item.version_id, set())
    }


def carry_over(apps, schema_editor):
    Action = apps.get_model("assessment", "Action")
    HistoricalAction = apps.get_model("assessment", "HistoricalAction")
    ScaleLevel = apps.get_model("frameworks", "ScaleLevel")
    scales: dict[int, set[int]] = {}
    for version_id, value in ScaleLevel.objects.values_list("version_id", "value"):
        scales.setdefault(version_id, set()).add(value)
    items_of = {}
    for action in Action.objects.filter(expected_level__isnull=False).prefetch_related("items"):
        items_of[action.pk] = list(action.items.all())
        action.expected_levels = _per_item(action.expected_level, items_of[action.pk], scales)
        action.save(update_fields=["expected_levels"])
    for row in HistoricalAction.objects.filter(expected_level__isnull=False):
        row.expected_levels = _per_item(row.expected_level, items_of.get(row.id, []), scales)
        row.save(update_fields=["expected_levels"])


def carry_back(apps, schema_editor):
    """The one level every item shared, where they shared one."""
    for name in ("Action", "HistoricalAction"):
        for row in apps.get_model("assessment", name).objects.exclude(expected_levels={}):
            values = set(row.expected_levels.values())
            row.expected_level = values.pop() if len(values) == 1 else None
            row.save(update_fields=["expected_level"])


class Migration(migrations.Migration):
    dependencies = [
        ("assessment", "0004_consensus_minority_view_and_context"),
        ("frameworks", "0002_leveldescriptor_label"),
    ]

    operations = [
        migrations.AddField(
            model_name="action",
            name="expected_levels",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.AddField(
            model_name="historicalaction",
            name="expected_levels",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.RunPython(carry_over, carry_back),
        migrations.RemoveField(model_name="action", name="expected_level"),
        migrations.RemoveField(model_name="historicalaction", name="expected_level"),
    ]
