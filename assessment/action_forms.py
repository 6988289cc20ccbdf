"""Forms of the improvement plan: an action, and starting the next round. They validate only."""

from datetime import datetime

from django import forms

from assessment.forms import IsoDateInput
from assessment.models import EVIDENCE_MAX_LENGTH, Action, ActionStatus, Membership
from frameworks.models import Item

TITLE_MAX_LENGTH = Action._meta.get_field("title").max_length
OWNER_MAX_LENGTH = Action._meta.get_field("owner").max_length


def level_choices(items: list[Item]) -> list[tuple[str, str]]:
    """The levels an action on these items can expect to reach, named as the items name them.

    Items on one scale give that scale's names; items on several scales (a factor and a
    lesson) give every value, named by each scale in turn ("2 Developed / Established").
    """
    named = [i for i in items if not i.is_context] or items
    named = sorted(named, key=lambda i: (not i.version.is_matrix, i.position))
    names: dict[int, list[str]] = {}
    for item in named:
        for level in item.level_labels():
            labels = names.setdefault(level.value, [])
            if level.label not in labels:
                labels.append(level.label)
    return [(str(value), f"{value} {' / '.join(names[value])}") for value in sorted(names)]


class ActionForm(forms.Form):
    """An action of a round's plan. ``items`` are the round's items, factors first; ``members``
    the place's memberships. ``shown`` are the items whose scale the expected level is offered
    on (by default: the items posted, else every item of the round)."""

    title = forms.CharField(label="Action", max_length=TITLE_MAX_LENGTH)
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
    expected_level = forms.TypedChoiceField(
        label="Level expected once it is done",
        coerce=int,
        empty_value=None,
        required=False,
    )
    # When the action had last changed as this form shows it: a save in between is a conflict.
    updated_at = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, items: list[Item], members, shown: list[Item] | None = None, **kw):
        super().__init__(*args, **kw)
        self.round_items = {item.key: item for item in items}
        self.fields["items"].choices = [(k, _numbered(i)) for k, i in self.round_items.items()]
        self.fields["owner_member"].queryset = members
        self.fields["owner_member"].label_from_instance = _member_label
        if self.is_bound:
            widget, name = self.fields["items"].widget, self.add_prefix("items")
            posted = widget.value_from_datadict(self.data, self.files, name) or []
            shown = [self.round_items[key] for key in posted if key in self.round_items]
        self.fields["expected_level"].choices = [("", "Not set")] + level_choices(shown or items)

    def item_groups(self) -> list[tuple[str, list[tuple[str, str, bool]]]]:
        """(framework version title, [(key, title, ticked)]) for the template's fieldsets."""
        ticked = {str(v) for v in (self["items"].value() or [])}
        groups: dict[str, list[tuple[str, str, bool]]] = {}
        for key, item in self.round_items.items():
            groups.setdefault(item.version.title, []).append((key, _numbered(item), key in ticked))
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
        level, items = data.get("expected_level"), data.get("items") or []
        off_scale = [i.title for i in items if level not in {v for v, _ in i.level_labels()}]
        if level is not None and off_scale:
            self.add_error(
                "expected_level",
                f"Level {level} is not on the scale of {', '.join(off_scale)}.",
            )
        return data

    def action_values(self) -> dict:
        """The cleaned values as action_create and action_update take them."""
        names = ["title", "description", "owner", "owner_member", "due", "status", "items"]
        return {name: self.cleaned_data[name] for name in names} | {
            "expected_level": self.cleaned_data["expected_level"]
        }


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
        "expected_level": action.expected_level,
        "updated_at": action.updated_at.isoformat(),
    }


class NextRoundForm(forms.Form):
    """Start the next round: its period, who takes part (last round's people, ticked) and when
    scoring ends."""

    period = forms.CharField(
        label="Period", max_length=40, help_text='How the new round will be known, e.g. "2027 Q2".'
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

    def __init__(self, *args, members: list, taking_part: list, **kwargs):
        super().__init__(*args, **kwargs)
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
