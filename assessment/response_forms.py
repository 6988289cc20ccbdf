"""The scoring form: a respondent's answers, item by item."""

from django import forms

from assessment.models import EVIDENCE_MAX_LENGTH, Confidence
from assessment.services import Answer
from assessment.text import level_summary
from frameworks.models import Level

NOT_SET = [("", "Not set")]


class ResponseForm(forms.Form):
    """One fieldset per item: current level, target level, evidence and confidence.

    ``revision`` is the respondent's revision the answers were drawn from (see responses_save).
    """

    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)

    def __init__(self, *args, items, responses, revision: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["revision"].initial = revision
        self.items = items
        self.levels = {item.pk: item.level_labels() for item in items}
        for item in items:
            saved = responses.get(item.pk)
            fields = _item_fields(self.levels[item.pk], saved, context=item.is_context)
            for name, field in fields.items():
                self.fields[f"i{item.pk}_{name}"] = field

    def clean(self):
        # A context factor (Place) describes circumstances: it has no target to aim for, so a
        # target posted for it (an old tab, a crafted post) is refused rather than dropped.
        cleaned = super().clean()
        for item in self.items:
            if item.is_context and self.data.get(self.add_prefix(f"i{item.pk}_target")):
                raise forms.ValidationError(
                    f"{item.title} is a context factor: it describes your place's "
                    f"circumstances, so it takes no 12-month target. Nothing was saved."
                )
        return cleaned

    def rows(self) -> list[dict]:
        """Per item: its bound fields, and its levels and confidences each with whether it is the
        one chosen, so that the page draws every item's choices in a plain loop rather than
        through a widget template per field (most of the page's time, when it did)."""
        confidences = NOT_SET + Confidence.choices
        rows = []
        for item in self.items:
            prefix = f"i{item.pk}"
            current = self[f"{prefix}_current"]
            target = None if item.is_context else self[f"{prefix}_target"]
            evidence, confidence = self[f"{prefix}_evidence"], self[f"{prefix}_confidence"]
            now, aim = _shown(current.value()), _shown(target.value() if target else None)
            descriptors = {d.value: d.descriptor for d in item.descriptors.all()}
            levels = [
                {
                    "value": level.value,
                    "name": f"{level.value} {level.label}",
                    "descriptor": descriptors.get(level.value, ""),
                    "gist": level_summary(descriptors.get(level.value, "")),
                    "current": now == str(level.value),
                    "target": aim == str(level.value),
                }
                for level in self.levels[item.pk]
            ]
            sure = _shown(confidence.value())
            rows.append(
                {
                    "item": item,
                    "levels": levels,
                    "confidences": [(value, label, sure == value) for value, label in confidences],
                    "current": current,
                    "target": target,
                    "target_unset": aim == "",
                    # Allowed, but worth a second look: said beside the target's select, which
                    # it describes, so a screen reader hears it there.
                    "target_below": _below(now, aim),
                    "evidence": evidence,
                    "evidence_text": evidence.value() or "",
                    "confidence": confidence,
                }
            )
        return rows

    def answers(self) -> dict:
        """The answers for the items this form carried; an item it did not carry is left out,
        so saving never erases an answer the form did not show."""
        data = self.cleaned_data
        return {
            item: Answer(
                current=data[f"i{item.pk}_current"],
                target=None if item.is_context else data[f"i{item.pk}_target"],
                evidence=data[f"i{item.pk}_evidence"].strip(),
                confidence=data[f"i{item.pk}_confidence"],
            )
            for item in self.items
            if self._carries(item)
        }

    def _carries(self, item) -> bool:
        # An unchosen radio sends nothing, but the item's selects and text area always do.
        prefix = self.add_prefix(f"i{item.pk}_")
        return any(key.startswith(prefix) for key in self.data)


def _item_fields(scale: list[Level], saved, *, context: bool) -> dict[str, forms.Field]:
    """An item's four fields (three for a context factor, which takes no target), holding its
    saved answer. The scoring page draws them itself (templates/assessment/_respond_item.html),
    so they carry no widget attributes."""
    levels = [(str(lv.value), f"{lv.value} {lv.label}") for lv in scale]
    fields = {
        "current": forms.TypedChoiceField(
            choices=levels,
            coerce=int,
            empty_value=None,
            required=False,
            widget=forms.RadioSelect,
            label="Where are we now?",
            initial=getattr(saved, "current", None),
        ),
        "target": forms.TypedChoiceField(
            choices=NOT_SET + levels,
            coerce=int,
            empty_value=None,
            required=False,
            label="Where do we want to be in 12 months?",
            initial=getattr(saved, "target", None),
        ),
        "evidence": forms.CharField(
            required=False,
            max_length=EVIDENCE_MAX_LENGTH,
            label="Evidence",
            widget=forms.Textarea,
            help_text=f"What shows this? Up to {EVIDENCE_MAX_LENGTH:,} characters.",
            initial=getattr(saved, "evidence", ""),
        ),
        "confidence": forms.ChoiceField(
            choices=NOT_SET + Confidence.choices,
            required=False,
            label="How confident are you?",
            initial=getattr(saved, "confidence", ""),
        ),
    }
    if context:
        del fields["target"]
    return fields


def _shown(value) -> str:
    """A field's value as the page holds it: "" for none, else its text (a saved level is an
    int, a posted one text), to compare with each choice's value as a widget would."""
    return "" if value is None else str(value)


def _below(current: str, target: str) -> bool:
    """Whether the target on the page sits below the current level (both chosen levels)."""
    try:
        return int(target) < int(current)
    except ValueError:
        return False
