"""Forms of the improvement plan: an action, and starting the next round. They validate only."""

from datetime import datetime

from django import forms

from assessment.forms import IsoDateInput, PinnedVersionsField
from assessment.models import EVIDENCE_MAX_LENGTH, Action, ActionStatus, Membership
from assessment.text import PlainText
from frameworks.models import Item

TITLE_MAX_LENGTH = Action._meta.get_field("title").max_length
OWNER_MAX_LENGTH = Action._meta.get_field("owner").max_length


def expected_field_name(item: Item) -> str:
    """The form field of the level an action expects of one item."""
    return f"expected_{item.key}"


class ActionForm(forms.Form):
    """An action of a round's plan. ``items`` are the round's items, factors first; ``members``
    the place's memberships. Each item but a context factor has its own "level expected"
    field, on that item's own scale and named as the item names its levels."""

    title = forms.CharField(
        label="Action", max_length=TITLE_MAX_LENGTH, validators=[PlainText("The action")]
    )
    description = forms.CharField(
        label="What will be done",
        required=False,
        max_length=EVIDENCE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=f"The steps, and how you will know it worked. "
        f"Up to {EVIDENCE_MAX_LENGTH:,} characters.",
    )
    owner = forms.CharField(
        label="Owner",
        required=False,
        max_length=OWNER_MAX_LENGTH,
        help_text="A person and their organisation, e.g. “Jo Lee, Riverside Council”.",
        validators=[PlainText("The owner")],
    )
    owner_member = forms.ModelChoiceField(
        label="Or a member of the place",
        queryset=Membership.objects.none(),
        required=False,
        empty_label="Not a member",
    )
    due = forms.DateField(label="Due date", required=False, widget=IsoDateInput())
    status = forms.ChoiceField(
        label="Status", choices=ActionStatus.choices, initial=ActionStatus.PLANNED
    )
    items = forms.MultipleChoiceField(
        label="Factors and lessons this action is aimed at",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one factor or lesson."},
    )
    # When the action had last changed as this form shows it: a save in between is a conflict.
    updated_at = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, items: list[Item], members, **kw):
        super().__init__(*args, **kw)
        self.round_items = {item.key: item for item in items}
        self.fields["items"].choices = [(k, _numbered(i)) for k, i in self.round_items.items()]
        self.fields["owner_member"].queryset = members
        self.fields["owner_member"].label_from_instance = _member_label
        for item in items:
            if item.is_context:
                continue  # it describes circumstances: no level is expected of it
            self.fields[expected_field_name(item)] = forms.TypedChoiceField(
                label=f"Level expected of {item.title} once it is done",
                choices=[("", "Not set")]
                + [(str(lv.value), f"{lv.value} {lv.label}") for lv in item.level_labels()],
                coerce=int,
                empty_value=None,
                required=False,
            )

    def item_groups(self) -> list[tuple[str, list[dict]]]:
        """(framework version title, [{key, label, ticked, expected}]) for the template's
        fieldsets; ``expected`` is the item's level field (None for a context factor)."""
        ticked = {str(v) for v in (self["items"].value() or [])}
        groups: dict[str, list[dict]] = {}
        for key, item in self.round_items.items():
            name = expected_field_name(item)
            groups.setdefault(item.version.title, []).append(
                {
                    "key": key,
                    "label": _numbered(item),
                    "ticked": key in ticked,
                    "expected": self[name] if name in self.fields else None,
                }
            )
        return list(groups.items())

    def clean_title(self) -> str:
        return " ".join(self.cleaned_data["title"].split())

    def clean_owner(self) -> str:
        return " ".join(self.cleaned_data["owner"].split())

    def clean_description(self) -> str:
        return self.cleaned_data["description"].strip()

    def clean_items(self) -> list[Item]:
        return [self.round_items[key] for key in self.cleaned_data["items"]]

    def clean_updated_at(self) -> datetime | None:
        value = self.cleaned_data["updated_at"]
        if not value:
            return None
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            raise forms.ValidationError(
                "This page is out of date: reload it and try again."
            ) from None

    def clean(self):
        data = super().clean()
        if not data.get("owner") and not data.get("owner_member") and "owner" not in self.errors:
            self.add_error(
                "owner", "Say who owns the action: a person and organisation, or a member."
            )
        chosen = {item.key for item in data.get("items") or []}
        for key, item in self.round_items.items():
            name = expected_field_name(item)
            if data.get(name) is not None and key not in chosen and "items" not in self.errors:
                self.add_error(name, f"Tick {item.title} above, or leave its level not set.")
        return data

    def action_values(self) -> dict:
        """The cleaned values as action_create and action_update take them."""
        names = ["title", "description", "owner", "owner_member", "due", "status", "items"]
        levels = {
            item.key: self.cleaned_data[expected_field_name(item)]
            for item in self.cleaned_data["items"]
            if self.cleaned_data.get(expected_field_name(item)) is not None
        }
        return {name: self.cleaned_data[name] for name in names} | {"expected_levels": levels}


def _numbered(item: Item) -> str:
    return f"{item.number}. {item.title}" if item.number else item.title


def _member_label(membership: Membership) -> str:
    user = membership.user
    return f"{user.get_full_name() or user.email} ({membership.get_role_display().lower()})"


def action_initial(action: Action) -> dict:
    return {
        "title": action.title,
        "description": action.description,
        "owner": action.owner,
        "owner_member": action.owner_member_id,
        "due": action.due,
        "status": action.status,
        "items": [item.key for item in action.items.all()],
        "updated_at": action.updated_at.isoformat(),
    } | {f"expected_{key}": level for key, level in action.expected_levels.items()}


class NextRoundForm(forms.Form):
    """Start the next round: its period, the framework versions it pins (the latest of each
    framework last round scored, ticked), who takes part (last round's people, ticked) and
    when scoring ends."""

    period = forms.CharField(
        label="Period",
        max_length=40,
        help_text='How the new round will be known, e.g. "2027 Q2".',
        validators=[PlainText("The period")],
    )
    versions = PinnedVersionsField(
        help_text="Ticked: the latest version of each framework the last round scored. Tick one "
        "version of each framework the new round scores."
    )
    participants = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Who takes part",
        help_text="Last round's people are ticked. Members not ticked can still join while the "
        "round is open.",
    )
    deadline = forms.DateField(required=False, widget=IsoDateInput(), label="Deadline for scoring")
    show_names = forms.BooleanField(
        required=False,
        label="Show each person's answers by name to the team",
        help_text="Otherwise the team sees counts and ranges, not who said what.",
    )

    def __init__(
        self, *args, members: list, taking_part: list, frameworks: set[int] | None = None, **kwargs
    ):
        """``frameworks``: the pks of the frameworks whose latest versions are ticked (by
        default, those shipped with the product)."""
        super().__init__(*args, **kwargs)
        self.fields["versions"].offer(frameworks=frameworks)
        self.members = {str(user.pk): user for user in members}
        self.fields["participants"].choices = [
            (pk, f"{user.get_full_name() or user.email} ({user.email})")
            for pk, user in self.members.items()
        ]
        self.fields["participants"].initial = [str(user.pk) for user in taking_part]

    def clean_period(self) -> str:
        return " ".join(self.cleaned_data["period"].split())

    def clean_participants(self) -> list:
        return [self.members[pk] for pk in self.cleaned_data["participants"]]
