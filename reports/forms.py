from django import forms

from assessment.models import PlaceKind, Region


def chosen_ids(query) -> list[int]:
    """The rounds asked for (?assessment=1&assessment=2), in order, without repeats."""
    ids = [int(v) for v in query.getlist("assessment") if v.strip().isdigit()]
    return list(dict.fromkeys(ids))


class CompareFilterForm(forms.Form):
    region = forms.ChoiceField(choices=[("", "All regions"), *Region.choices], required=False)
    kind = forms.ChoiceField(
        choices=[("", "All kinds of place"), *PlaceKind.choices], required=False, label="Kind"
    )
    period = forms.CharField(required=False, max_length=40, help_text='e.g. "2026 Q2"')
    trend = forms.SlugField(required=False)
    sort = forms.SlugField(required=False)
    detail = forms.ChoiceField(
        choices=[("", "Summary"), ("responses", "Responses")], required=False
    )

    def filter(self, rounds):
        if not self.is_valid():
            return rounds
        data = self.cleaned_data
        if data["region"]:
            rounds = rounds.filter(place__region=data["region"])
        if data["kind"]:
            rounds = rounds.filter(place__kind=data["kind"])
        if data["period"]:
            rounds = rounds.filter(period__iexact=data["period"].strip())
        return rounds
