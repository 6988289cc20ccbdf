"""The go-ahead on an import's preview, with whom to mark as submitted. It validates only."""

from django import forms

from assessment.forms import ImportConfirmForm


class ImportGoAheadForm(ImportConfirmForm):
    """``incomplete`` are the preview's people whose answers leave items out (PersonPreview):
    the lead may tick any of them to mark them as submitted all the same."""

    mark_submitted = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Mark as submitted",
        help_text="Tick someone whose sheet leaves items out on purpose: they count as having "
        "submitted, and their answers are shown at consensus and in the report. Otherwise "
        "their answers are kept as a draft they can finish.",
    )

    def __init__(self, *args, incomplete: list = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mark_submitted"].choices = [
            (person.key, f"{person.name} ({person.answered} of {person.items} items)")
            for person in incomplete
        ]
