"""Forms of the facilitator's consensus pages."""

from django import forms

from assessment.models import EVIDENCE_MAX_LENGTH

CHOOSE = ("", "Choose a level")


class ConsensusForm(forms.Form):
    """The agreed position on one item. Nothing is selected until someone chooses: the median
    is offered as a suggestion beside each level, never as the value already in the form.

    A context factor (Place) describes circumstances rather than progress: it has no target
    field, and its target is recorded as none."""

    current = forms.TypedChoiceField(coerce=int, label="Agreed current level")
    target = forms.TypedChoiceField(coerce=int, label="Agreed target level")
    rationale = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=EVIDENCE_MAX_LENGTH,
        help_text="Why the team settled here: the evidence that decided it.",
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    minority_view = forms.CharField(
        required=False,
        max_length=EVIDENCE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Minority view (optional)",
        help_text="A view some of the team held against this position, if they want it kept. "
        "Who held it is not recorded.",
    )
    field_order = ["current", "target", "rationale", "minority_view"]

    def __init__(
        self,
        *args,
        levels,
        suggestions: dict[str, str] | None = None,
        takes_target: bool = True,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        levels = [(str(lv.value), f"{lv.value} {lv.label}") for lv in levels]
        self.fields["current"].choices = levels
        self.fields["target"].choices = levels
        if not takes_target:
            del self.fields["target"]
        for name, what in (("current", "current level"), ("target", "target level")):
            if name not in self.fields:
                continue
            field = self.fields[name]
            field.choices = [CHOOSE, *field.choices]
            field.error_messages["required"] = (
                f"Choose the agreed {what}: the team's position is recorded only once chosen."
            )
            if suggestions and name in suggestions:
                field.help_text = suggestions[name]

    def clean_minority_view(self) -> str:
        return self.cleaned_data["minority_view"].strip()


class FacilitatorViewForm(forms.Form):
    """The overview's query string: ?split=1 for split items only, ?projector=1 for large type."""

    split = forms.TypedChoiceField(
        choices=[("0", "All items"), ("1", "Split items only")],
        coerce=lambda value: value == "1",
        required=False,
        empty_value=False,
    )
    projector = forms.TypedChoiceField(
        choices=[("0", "Standard layout"), ("1", "Projector layout")],
        coerce=lambda value: value == "1",
        required=False,
        empty_value=False,
    )

    def options(self) -> dict[str, bool]:
        """The options asked for; both off when the query string is not valid."""
        if not self.is_valid():
            return {"split": False, "projector": False}
        return {"split": self.cleaned_data["split"], "projector": self.cleaned_data["projector"]}
