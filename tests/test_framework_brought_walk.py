"""A framework a programme brings, walked end to end through the pages: staff upload it and
publish it from its preview; a lead pins it beside the two shipped frameworks; the team scores
it; the lead ends scoring, records an agreed position and closes the round; the report shows
its section; the plan takes an action on one of its items; and a comparison sets it beside
another place's round, scored on the matrix alone, on the items the two correspond on."""

import pytest
from django.urls import reverse
from webtest import Upload

from assessment.models import Action, Assessment, Consensus, RoundStatus
from assessment.services import assessment_advance, assessment_open
from frameworks.models import Item
from tests.reports.compare_data import HEATMAP
from tests.reports.pages import table
from tests.reports.rounds import answer, respondent_of
from tests.third_framework import SLUG, framework_text

pytestmark = pytest.mark.django_db

TITLE = "Riverside local priorities"


def _form_with(page, field: str):
    """The page's form that holds this field."""
    [form] = [f for f in page.forms.values() if field in f.fields]
    return form


def _publish(django_app, staff):
    page = django_app.get(reverse("frameworks-upload"), user=staff)
    form = page.forms["upload-form"]
    form["file"] = Upload(f"{SLUG}-1.0.yaml", framework_text().encode(), "application/yaml")
    preview = form.submit(user=staff).follow()
    assert "every check passed. Nothing is published yet." in preview
    assert "Hospital discharge" in preview
    published = preview.forms["publish-form"].submit(user=staff).follow()
    assert f"Published {TITLE} 1.0." in published
    return published


def _open_round(django_app, lead, place):
    page = django_app.get(reverse("assessment-open", args=[place.code]), user=lead)
    form = _form_with(page, "versions")
    boxes = form.fields["versions"]
    ticked = {box.id: box.checked for box in boxes}
    labels = {box.id: page.html.find("label", attrs={"for": box.id}).text.strip() for box in boxes}
    # The shipped two are ticked at their latest version; what a programme brought is offered.
    assert [labels[i] for i, on in ticked.items() if on] == [
        "Integration maturity matrix: nine factors — version 1.2",
        "Making integrated care happen at scale and pace: sixteen lessons — version 1.2",
    ]
    for box in boxes:
        if labels[box.id].startswith(TITLE):
            box.checked = True
    form["period"] = "2026 Q4"
    form.submit(user=lead).follow()
    return Assessment.objects.get(place=place, period="2026 Q4")


def _move(django_app, lead, assessment):
    page = django_app.get(reverse("assessment-detail", args=[assessment.pk]), user=lead)
    [form] = [
        f
        for f in page.forms.values()
        if f.action == reverse("assessment-advance", args=[assessment.pk])
    ]
    confirm = form.submit(user=lead)  # the page that says what moving on leaves behind
    _form_with(confirm, "status").submit(user=lead).follow()


def test_a_framework_brought_by_a_programme_is_uploaded_pinned_scored_agreed_and_compared(
    django_app, staff, lead, respondent, place, other_place, outsider, versions
):
    listed = _publish(django_app, staff)
    assert TITLE in django_app.get(reverse("frameworks-list"), user=lead)
    assert "Hospital discharge" in listed

    assessment = _open_round(django_app, lead, place)
    assert sorted(v.framework.slug for v in assessment.framework_versions.all()) == [
        "kingsfund-16-lessons",
        "lga-maturity-matrix",
        SLUG,
    ]
    local = {"local-carers": (1, 3), "local-shared-records": (2, 4)}
    answer(respondent_of(assessment, lead), local)
    answer(respondent_of(assessment, respondent), {**local, "local-carers": (3, 4)})

    _move(django_app, lead, assessment)  # scoring ends
    carers = Item.objects.get(version__framework__slug=SLUG, key="local-carers")
    page = django_app.get(
        reverse("assessment-consensus-item", args=[assessment.pk, carers.pk]), user=lead
    )
    form = page.forms["consensus-form"]
    form["current"], form["target"] = "2", "4"
    form["rationale"] = "Carers' support is growing in two of the four neighbourhoods."
    form["minority_view"] = "Some saw it still starting outside the pilot."
    form.submit("then", index=0, user=lead).follow()
    assert Consensus.objects.get(assessment=assessment, item=carers).current == 2
    _move(django_app, lead, assessment)  # the round closes
    assessment.refresh_from_db()
    assert assessment.status == RoundStatus.CLOSED

    report = django_app.get(reverse("reports-page", args=[assessment.pk]), user=lead)
    section = report.html.find("section", class_="framework-section")
    assert section.h2.text == TITLE
    assert "The four factors, version 1.0, a framework this programme brought" in section.text
    assert "Why the team agreed level 2:" in section.text
    assert "Minority view: Some saw it still starting outside the pilot." in section.text
    assert report.html.find(id="radar-1-data") is not None  # its radar, drawn on the page
    # The plan names the framework's gaps, and takes an action on one of its items.
    plan = django_app.get(reverse("assessment-actions", args=[assessment.pk]), user=lead)
    assert f"{TITLE}: actions and gaps" in plan
    url = reverse("assessment-action-new", args=[assessment.pk]) + "?item=local-carers"
    page = django_app.get(url, user=lead)
    assert "Level 3 Established" in page  # what good looks like: the next level, its words
    form = _form_with(page, "title")
    form["title"], form["owner"] = "A carers' lead in each neighbourhood", "Adult social care"
    form.submit(user=lead).follow()
    action = Action.objects.get(assessment=assessment)
    assert [i.key for i in action.items.all()] == ["local-carers"]
    assert action.expected_levels == {"local-carers": 3}

    # Set beside another place's round scored on the matrix alone, on this framework's items:
    # the matrix round's levels are placed on them through the items they correspond to.
    northmoor = assessment_open(
        place=other_place, period="2026 Q4", versions=versions[:1], participants=[outsider]
    )
    answer(respondent_of(northmoor, outsider), {"workforce": (3, 4), "care-model": (1, 2)})
    assessment_advance(assessment=northmoor)
    assessment_advance(assessment=northmoor)
    query = {"assessment": [assessment.pk, northmoor.pk], "framework": SLUG}
    page = django_app.get(reverse("reports-compare"), query, user=staff)
    rows = {r[0]: r[1:] for r in table(page, HEATMAP)}
    # Hospital discharge ← care model (1), shared records ← information management (2), joint
    # posts ← workforce (3); support for carers corresponds to nothing, so is not compared.
    assert rows["Place and round"] == ["Hospital discharge", "Shared care records", "Joint posts"]
    assert rows[f"Riverside Borough, 2026 Q4 {SLUG} 1.0"] == ["2", "2", "2"]
    theirs = rows["Northmoor Integrated Care System, 2026 Q4 lga-maturity-matrix 1.2 (mapped)"]
    assert theirs == ["1† mapped", "2† mapped", "3† mapped"]
