"""The query strings of the comparison pages, the exports and the rounds API, read through forms.

Every value a query string carries is checked here before it reaches a query: PostgreSQL refuses
text holding a NUL character, and Python's int() reads more than ASCII digits ("٣" is 3).
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator, RegexValidator

from assessment.models import PlaceKind, Region, RoundStatus
from reports.periods import period_parts, periods_matching

# A row id the database can hold: at most 18 digits stays inside a signed 64-bit integer.
MAX_ROUND_DIGITS = 18
# An anonymous round's code (reports.compare.anonymous_code): base32 letters and digits.
ANONYMOUS_CODE = re.compile(r"\A[A-Z2-7]{10}\Z")
PLACE_CODE = "A place code has only letters, digits, hyphens and underscores."
COLUMN_KEY = "A column is named by its key, in letters, digits, hyphens and underscores."
FRAMEWORK = "A framework is named by its short name, in letters, digits, hyphens and underscores."
PERIOD = "Give a period as a year, a quarter, a half or a month, e.g. “2026 Q2”."
# The filters of the comparison, in the order a message names them.
FILTERS = ("region", "kind", "period")


class CodeField(forms.CharField):
    """A place code or a column key: ASCII letters, digits, hyphens and underscores.

    One message says what a code may hold (a NUL is simply one more thing it may not).
    """

    def __init__(self, *, message: str, **kwargs):
        super().__init__(**kwargs)
        self.validators = [
            *(v for v in self.validators if not isinstance(v, ProhibitNullCharactersValidator)),
            RegexValidator(r"\A[-a-zA-Z0-9_]+\Z", message),
        ]


class RoundKeysField(forms.Field):
    """Every ?assessment= value in the order given, without repeats: a round's number, or an
    anonymous round's code (which compare.columns_chosen looks up; it never gives its number)."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "invalid": "A round is chosen by its number, in the digits 0 to 9, or by the code "
        "of its anonymous label."
    }

    def to_python(self, value) -> list[str]:
        keys = []
        for text in value or []:
            text = text.strip()
            if text.isascii() and text.isdigit() and len(text) <= MAX_ROUND_DIGITS:
                keys.append(str(int(text)))
            elif text.isascii() and ANONYMOUS_CODE.match(text.upper()):
                keys.append(text.upper())
            else:
                raise ValidationError(self.error_messages["invalid"], code="invalid")
        return list(dict.fromkeys(keys))


def _choices(blank: str, choices, *, field: str) -> forms.ChoiceField:
    return forms.ChoiceField(
        choices=[("", blank), *choices],
        required=False,
        error_messages={"invalid_choice": f"There is no {field} “%(value)s”."},
    )


class CompareFilterForm(forms.Form):
    """The rounds chosen and the filters of the comparison page; its exports and PDF share it."""

    assessment = RoundKeysField(required=False, label="Rounds")
    region = _choices("All regions", Region.choices, field="region")
    kind = _choices("All kinds of place", PlaceKind.choices, field="kind of place")
    period = forms.CharField(
        required=False,
        max_length=40,
        help_text='e.g. "2026" or "2026 Q2"',
        error_messages={"invalid": PERIOD},
    )
    # Every round that matches the filters, chosen by the filters rather than one key each: 400
    # rounds would otherwise travel as a 10 KB query string (reports.compare.chosen_columns).
    all = forms.BooleanField(required=False, label="Every round that matches")
    trend = CodeField(message=PLACE_CODE, required=False, max_length=40, label="Place over time")
    sort = CodeField(message=COLUMN_KEY, required=False, max_length=60, label="Sort by")
    # Which framework to compare on, by slug: one the chosen rounds pin, else the page falls
    # back to the first of them (reports.compare.comparison_build).
    framework = CodeField(message=FRAMEWORK, required=False, max_length=60, label="Compare on")
    detail = forms.ChoiceField(
        choices=[("", "Summary"), ("responses", "Responses"), ("agreement", "Agreement")],
        required=False,
        error_messages={"invalid_choice": "Choose the summary, the responses or the agreement."},
    )

    def clean_period(self) -> str:
        period = self.cleaned_data["period"].strip()
        if period and not period_parts(period):
            raise ValidationError(PERIOD, code="invalid")
        return period

    @property
    def chooses_all(self) -> bool:
        """Whether every round matching the filters is chosen, whatever keys came with it."""
        return bool(self.is_bound and self.is_valid() and self.cleaned_data.get("all"))

    @property
    def chosen_keys(self) -> list[str]:
        """The rounds asked for, once the form is validated (none if they could not be read)."""
        return self.cleaned_data.get("assessment") or []

    def problems(self) -> list[str]:
        """Each error as one sentence naming the field, for a page or a plain-text answer."""
        return [
            f"{self[name].label}: {error}"
            for name, errors in self.errors.items()
            for error in errors
        ]

    @property
    def describes_place(self) -> bool:
        """Whether a filter narrows the rounds by what a place is (see compare.within_groups)."""
        return bool(self.cleaned_data.get("region") or self.cleaned_data.get("kind"))

    @property
    def by_period(self) -> bool:
        return bool(self.cleaned_data.get("period"))

    @property
    def filters(self) -> dict[str, str]:
        """The filters given, name → value, in the order a message names them."""
        data = getattr(self, "cleaned_data", {})
        return {name: data[name] for name in FILTERS if data.get(name)}

    def filter_words(self, name: str) -> str:
        """A filter as a message names it: "region London", "period “2027”"."""
        value = self.cleaned_data[name]
        if name == "period":
            return f"the period “{value}”"
        label = dict(self.fields[name].choices).get(value, value)
        return f"the region {label}" if name == "region" else f"the kind of place “{label}”"

    def without(self, *names: str) -> "CompareFilterForm":
        """The same filters less these, validated: to say what one filter left out."""
        data = {key: value for key, value in self.filters.items() if key not in names}
        form = CompareFilterForm(data)
        form.is_valid()
        return form

    def filter(self, rounds):
        """The rounds matching every filter that could be read; call after is_valid().

        A period matches loosely (reports.periods): the periods of the rounds are read once and
        those matching kept, so the filter costs one query however many rounds there are."""
        data = self.cleaned_data
        if data.get("region"):
            rounds = rounds.filter(place__region=data["region"])
        if data.get("kind"):
            rounds = rounds.filter(place__kind=data["kind"])
        if data.get("period"):
            rounds = rounds.filter(period__in=matching_periods(data["period"], rounds))
        return rounds


class RoundsQueryForm(forms.Form):
    """?place=<code>&period=&status= of the rounds API; the period matched loosely, as the
    compare page matches it."""

    place = CodeField(message=PLACE_CODE, required=False, max_length=40)
    period = forms.CharField(required=False, max_length=40)
    status = forms.ChoiceField(
        choices=[("", "Any"), *RoundStatus.choices],
        required=False,
        error_messages={
            "invalid_choice": "There is no status “%(value)s”: use "
            + ", ".join(RoundStatus.values[:-1])
            + f" or {RoundStatus.values[-1]}."
        },
    )

    clean_period = CompareFilterForm.clean_period

    @property
    def by_period(self) -> bool:
        return bool(self.cleaned_data.get("period"))

    def filter(self, rounds):
        data = self.cleaned_data
        if data["place"]:
            rounds = rounds.filter(place__code=data["place"])
        if data["period"]:
            rounds = rounds.filter(period__in=matching_periods(data["period"], rounds))
        if data["status"]:
            rounds = rounds.filter(status=data["status"])
        return rounds


def matching_periods(asked: str, rounds) -> list[str]:
    """The periods of these rounds that `asked` matches (reports.periods), read in one query."""
    return periods_matching(asked, rounds.order_by().values_list("period", flat=True).distinct())
