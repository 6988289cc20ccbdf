from datetime import date

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.template.defaultfilters import filesizeformat

from assessment.models import (
    EVIDENCE_MAX_LENGTH,
    Confidence,
    Role,
    RoundStatus,
    Sector,
    Sharing,
)
from assessment.services import Answer
from assessment.services.places import display_name
from assessment.services.rounds import IMPORTED_KEY
from assessment.tasks import mail_password_link
from assessment.text import PlainText, level_summary
from frameworks.models import FrameworkKind, FrameworkVersion, Level, VersionStatus


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


class EmailAuthenticationForm(AuthenticationForm):
    """Sign in with an e-mail address: people are added to places by e-mail."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "That e-mail address and password do not match. Passwords are "
        "case-sensitive.",
    }

    username = forms.CharField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    def clean_username(self):
        return self.cleaned_data["username"].strip().lower()


class SetPasswordLinkForm(PasswordResetForm):
    """Password reset that also reaches people who were added but never set a password. The
    e-mail is queued for a worker (assessment.tasks), so a slow mail server never holds the
    page."""

    def get_users(self, email):
        return get_user_model()._default_manager.filter(email__iexact=email, is_active=True)

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        # The worker makes the link's token as the e-mail goes: the queue holds no secret.
        mail_password_link.enqueue(
            user_id=context["user"].pk,
            context={k: v for k, v in context.items() if k not in {"user", "uid", "token"}},
            subject_template_name=subject_template_name,
            email_template_name=email_template_name,
        )


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


class AssessmentOpenForm(forms.Form):
    period = forms.CharField(
        label="Period",
        max_length=40,
        help_text='How the round will be known, e.g. "2026 Q4".',
        validators=[PlainText("The period")],
    )
    matrix_version = forms.ModelChoiceField(
        queryset=FrameworkVersion.objects.none(), label="Maturity matrix version", empty_label=None
    )
    lessons_version = forms.ModelChoiceField(
        queryset=FrameworkVersion.objects.none(), label="Sixteen lessons version", empty_label=None
    )
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
        published = FrameworkVersion.objects.filter(status=VersionStatus.PUBLISHED).select_related(
            "framework"
        )
        for name, kind in (
            ("matrix_version", FrameworkKind.MATURITY_MATRIX),
            ("lessons_version", FrameworkKind.LESSONS),
        ):
            field = self.fields[name]
            field.queryset = published.filter(framework__kind=kind).order_by("-major", "-minor")
            field.label_from_instance = lambda v: f"{v.title} — version {v.version}"
            field.initial = field.queryset.first()
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


class ConsensusForm(forms.Form):
    current = forms.TypedChoiceField(coerce=int, label="Agreed current level")
    target = forms.TypedChoiceField(coerce=int, label="Agreed target level")
    rationale = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=EVIDENCE_MAX_LENGTH,
        help_text="Why the team settled here: the evidence that decided it.",
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, levels, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(str(lv.value), f"{lv.value} {lv.label}") for lv in levels]
        self.fields["current"].choices = choices
        self.fields["target"].choices = choices


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
