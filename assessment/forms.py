from datetime import date

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat

from assessment.models import (
    EVIDENCE_MAX_LENGTH,
    Role,
    RoundStatus,
    Sector,
    Sharing,
)
from assessment.services.places import display_name
from assessment.services.rounds import IMPORTED_KEY, pinned_versions_problem
from assessment.text import PlainText
from frameworks.models import FrameworkVersion, VersionStatus, matrix_first


class IsoDateInput(forms.DateInput):
    """A date picker that never echoes an invalid value back: `<input type=date>` only holds
    YYYY-MM-DD, so anything else is shown as empty (the field's error says what was wrong)."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")

    def format_value(self, value):
        if isinstance(value, str):
            try:
                date.fromisoformat(value)
            except ValueError:
                return None
        return super().format_value(value)


class MemberAddForm(forms.Form):
    email = forms.EmailField(label="Email address", validators=[PlainText("The e-mail address")])
    name = forms.CharField(
        label="Full name", max_length=150, validators=[PlainText("The full name")]
    )
    role = forms.ChoiceField(choices=Role.choices, initial=Role.RESPONDENT)
    sector = forms.ChoiceField(
        choices=[("", "Not recorded"), *Sector.choices],
        required=False,
        help_text="Where they work: the consensus page shows answers by sector.",
    )

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()


class PinnedVersionsField(forms.MultipleChoiceField):
    """The framework versions a round pins: any published version of any framework, at least
    one, and one version of each framework at most (a round scores each framework once).

    The form calls `offer()` as it is made, so that the choices are the versions published
    then. Cleaned, it gives the chosen versions, maturity matrix first."""

    widget = forms.CheckboxSelectMultiple
    default_error_messages = {
        "required": "Choose at least one framework for the round to score.",
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "Frameworks")
        kwargs.setdefault(
            "help_text",
            "Tick one version of each framework the round scores. The frameworks shipped with "
            "the product are ticked at their latest version; uploaded ones are offered too.",
        )
        super().__init__(**kwargs)
        self.versions: dict[str, FrameworkVersion] = {}

    def offer(self, *, frameworks: set[int] | None = None) -> None:
        """Offer every published version, each framework's newest first, and tick the newest
        version of each framework in `frameworks` (by pk; by default those shipped)."""
        published = FrameworkVersion.objects.filter(status=VersionStatus.PUBLISHED)
        ordered = sorted(published.select_related("framework"), key=_offered_order)
        self.versions = {str(v.pk): v for v in ordered}
        self.choices = [(pk, f"{v.title} — version {v.version}") for pk, v in self.versions.items()]
        newest: dict[int, FrameworkVersion] = {}
        for version in ordered:
            newest.setdefault(version.framework_id, version)
        if frameworks is None:
            frameworks = {pk for pk, v in newest.items() if v.framework.shipped}
        self.initial = [str(v.pk) for pk, v in newest.items() if pk in frameworks]

    def ticked(self) -> list[FrameworkVersion]:
        """The versions ticked before the lead changes anything, maturity matrix first."""
        return matrix_first(self.versions[pk] for pk in self.initial)

    def clean(self, value) -> list[FrameworkVersion]:
        chosen = [self.versions[pk] for pk in super().clean(value)]
        if problem := pinned_versions_problem(chosen):
            raise forms.ValidationError(problem)
        return matrix_first(chosen)


def _offered_order(version: FrameworkVersion) -> tuple:
    """Shipped frameworks first, the matrix first of them; each framework's newest first."""
    framework = version.framework
    newest_first = (-version.major, -version.minor)
    return (
        not framework.shipped,
        not version.is_matrix,
        framework.title,
        framework.pk,
        *newest_first,
    )


class AssessmentOpenForm(forms.Form):
    period = forms.CharField(
        label="Period",
        max_length=40,
        help_text='How the round will be known, e.g. "2026 Q4".',
        validators=[PlainText("The period")],
    )
    versions = PinnedVersionsField()
    participants = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Who takes part",
        help_text="Members not ticked can still join the round while it is open.",
    )
    deadline = forms.DateField(required=False, widget=IsoDateInput(), label="Deadline for scoring")
    show_names = forms.BooleanField(
        required=False,
        label="Show each person's answers by name to the team",
        help_text="Unticked, the team sees every answer without names: nothing follows a person "
        "from item to item, and a sector is shown only where three or more answers share it. "
        "With fewer than three taking part, answers can be told apart even so.",
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["versions"].offer()
        self.members = _participant_choices(self.fields["participants"], members)
        self.fields["participants"].initial = list(self.members)

    def clean_period(self):
        return " ".join(self.cleaned_data["period"].split())

    def clean_deadline(self):
        return _not_in_the_past(self.cleaned_data["deadline"])

    def clean_participants(self):
        return [self.members[pk] for pk in self.cleaned_data["participants"]]


class AdvanceForm(forms.Form):
    """Move a round on, from the status the page showed (a stale page moves nothing).

    The round's page asks; the confirmation page, which says what will be left behind,
    carries the same status and ``confirm`` through.
    """

    status = forms.ChoiceField(choices=RoundStatus.choices, widget=forms.HiddenInput)
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)


class StepBackForm(AdvanceForm):
    reason = forms.CharField(
        required=False,
        max_length=EVIDENCE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Why is the round going back a step?",
        help_text="Kept in the round's history. Needed to reopen a closed round.",
    )


def _not_in_the_past(value):
    if value and value < date.today():
        raise forms.ValidationError("The deadline is in the past: choose today or a later date.")
    return value


def _participant_choices(field, members) -> dict:
    by_pk = {str(user.pk): user for user in members}
    field.choices = [(pk, f"{display_name(user)} ({user.email})") for pk, user in by_pk.items()]
    return by_pk


class RoundEditForm(forms.Form):
    deadline = forms.DateField(required=False, widget=IsoDateInput(), label="Deadline for scoring")
    participants = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Who takes part",
        help_text="Untick someone to remove them: their answers leave the round's counts "
        "(the history keeps them).",
    )

    def __init__(self, *args, members, imported=None, **kwargs):
        """``imported``: the round's names from workshop sheets (services.RoundPeople's), to
        list and remove like anyone else."""
        super().__init__(*args, **kwargs)
        self.members = _participant_choices(self.fields["participants"], members)
        self.imported = {IMPORTED_KEY.format(pk=r.pk): r for r in imported or []}
        self.fields["participants"].choices += [
            (key, f"{r.name} (from a workshop sheet)") for key, r in self.imported.items()
        ]

    def clean_deadline(self):
        return _not_in_the_past(self.cleaned_data["deadline"])

    def clean(self):
        # One list of ticks, split into members with accounts and names from workshop sheets.
        cleaned = super().clean()
        chosen = cleaned.get("participants", [])
        cleaned["imported"] = [r for key, r in self.imported.items() if key in chosen]
        cleaned["participants"] = [self.members[pk] for pk in chosen if pk in self.members]
        return cleaned


class SharingForm(forms.Form):
    sharing = forms.ChoiceField(
        choices=Sharing.choices,
        widget=forms.RadioSelect,
        label="Share this round for comparison",
        help_text="Analysts see shared rounds; anonymous rounds appear without the place's name.",
    )


class ScoresUploadForm(forms.Form):
    file = forms.FileField(
        label="Workshop scores (XLSX or CSV)",
        help_text="The template from this page, filled in; or a CSV with the columns "
        "respondent, framework, item, current, target, evidence.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not name.endswith((".xlsx", ".csv")):
            raise forms.ValidationError("Upload an .xlsx or .csv file.")
        if upload.size > settings.SCORE_UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                f"The file is {filesizeformat(upload.size)} ({upload.size:,} bytes); the limit "
                f"is {filesizeformat(settings.SCORE_UPLOAD_MAX_BYTES)} "
                f"({settings.SCORE_UPLOAD_MAX_BYTES:,} bytes)."
            )
        return upload


class ImportConfirmForm(forms.Form):
    """The go-ahead on an import's preview: the kept upload, and whether new names may join."""

    token = forms.RegexField(regex=r"^[A-Za-z0-9_-]{32,64}$", widget=forms.HiddenInput)
    add_respondents = forms.BooleanField(
        required=False,
        label="Add the new names above to the round as respondents",
        help_text="Leave this unticked if a name is a typo: fix the sheet and upload it again.",
    )
