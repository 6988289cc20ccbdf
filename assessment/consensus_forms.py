"""Forms of the facilitator's consensus pages."""

from django import forms

from assessment import forms as assessment_forms

CHOOSE = ("", "Choose a level")


class ConsensusForm(assessment_forms.ConsensusForm):
    """The agreed position on one item. Nothing is selected until someone chooses: the median
    is offered as a suggestion beside each level, never as the value already in the form."""

    def __init__(self, *args, levels, suggestions: dict[str, str] | None = None, **kwargs):
        super().__init__(*args, levels=levels, **kwargs)
        for name, what in (("current", "current level"), ("target", "target level")):
            field = self.fields[name]
            field.choices = [CHOOSE, *field.choices]
            field.error_messages["required"] = (
                f"Choose the agreed {what}: the team's position is recorded only once chosen."
            )
            if suggestions and name in suggestions:
                field.help_text = suggestions[name]


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
