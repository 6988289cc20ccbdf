"""What the scoring form sets beside each item: last round's agreed level, and a question when
the target sits below the current level."""

import pytest
from django.urls import reverse

from assessment import services
from tests.assessment.scoring import items_by_key, respondent_of, score, scoring_form

pytestmark = pytest.mark.django_db

TARGET_BELOW = "Your target is below where you say the place is now — is that intended?"


def _closed_round(place, lead, versions, period, agreed: dict[str, int]):
    """A round scored, agreed on the given items (key → agreed current level) and closed."""
    round_ = services.assessment_open(
        place=place, period=period, versions=versions, participants=[lead]
    )
    score(respondent_of(round_, lead))
    services.assessment_advance(assessment=round_)
    items = items_by_key(round_)
    for key, level in agreed.items():
        services.consensus_record(
            assessment=round_,
            item=items[key],
            current=level,
            target=None if items[key].is_context else 4,
            rationale="Agreed.",
            user=lead,
            revision=0,
        )
    services.assessment_advance(assessment=round_)
    return round_


@pytest.fixture
def last_round(place, lead, versions):
    return _closed_round(
        place, lead, versions, "2025 Q4", {"impact": 2, "place": 1, "lesson-04": 3}
    )


@pytest.fixture
def this_round(last_round, place, lead, respondent, versions):
    participants = [lead, respondent]
    return services.assessment_open(
        place=place, period="2026 Q4", versions=versions, participants=participants, user=lead
    )


def _url(round_):
    return reverse("assessment-respond", args=[round_.pk])


def _reference(page, item):
    found = page.html.select_one(f"#item-{item.pk} .previous-agreed")
    return found.text.strip() if found else None


def test_it_shows_last_rounds_agreed_level_on_each_item(django_app, respondent, this_round):
    page = django_app.get(_url(this_round), user=respondent)
    items = items_by_key(this_round)
    assert _reference(page, items["impact"]) == "Last round (2025 Q4) agreed: 2 Developed"
    assert _reference(page, items["lesson-04"]) == "Last round (2025 Q4) agreed: 3 Embedded"
    assert "last round (2025 Q4), for reference" in page.html.select_one("main").text


def test_it_names_the_agreed_level_as_the_item_names_its_levels(django_app, respondent, this_round):
    page = django_app.get(_url(this_round), user=respondent)
    place = items_by_key(this_round)["place"]
    assert _reference(page, place) == "Last round (2025 Q4) agreed: 1 Highly complex"


def test_it_says_when_last_round_agreed_nothing_on_an_item(django_app, respondent, this_round):
    page = django_app.get(_url(this_round), user=respondent)
    workforce = items_by_key(this_round)["workforce"]
    assert _reference(page, workforce) == "Last round (2025 Q4): no agreed level"


def test_it_ties_the_reference_to_the_current_level_question(django_app, respondent, this_round):
    page = django_app.get(_url(this_round), user=respondent)
    impact = items_by_key(this_round)["impact"]
    question = page.html.select_one(f"#item-{impact.pk} fieldset")
    assert question.legend.text == "Where are we now?"
    assert question["aria-describedby"] == f"previous-{impact.pk}"
    assert page.html.select_one(f"#previous-{impact.pk}") is not None


def test_it_shows_no_reference_in_a_places_first_round(django_app, respondent, open_round):
    page = django_app.get(_url(open_round), user=respondent)
    assert page.html.select(".previous-agreed") == []
    assert "Last round" not in page.text


def test_it_ignores_a_round_still_at_consensus(django_app, place, lead, respondent, versions):
    unfinished = services.assessment_open(
        place=place, period="2025 Q4", versions=versions, participants=[lead]
    )
    score(respondent_of(unfinished, lead))
    services.assessment_advance(assessment=unfinished)
    current = services.assessment_open(
        place=place, period="2026 Q4", versions=versions, participants=[lead, respondent]
    )
    assert "Last round" not in django_app.get(_url(current), user=respondent).text


# --- a target below the current level ----------------------------------------------------


def test_it_flags_a_saved_target_below_the_current_level(django_app, respondent, open_round):
    score(respondent_of(open_round, respondent), levels={"workforce": (3, 2)}, submit=False)
    page = django_app.get(_url(open_round), user=respondent)
    workforce = items_by_key(open_round)["workforce"]
    warning = page.html.select_one(f"#item-{workforce.pk} #target-below-{workforce.pk}")
    assert warning.text == TARGET_BELOW
    target = page.html.select_one(f"#id_i{workforce.pk}_target")
    assert target["aria-describedby"] == f"target-below-{workforce.pk}"
    assert page.text.count(TARGET_BELOW) == 1  # every other item aims at or above today


def test_it_flags_the_target_after_an_items_save_and_still_saves_it(
    django_app, respondent, open_round
):
    impact = items_by_key(open_round)["impact"]
    form = scoring_form(django_app.get(_url(open_round), user=respondent))
    form[f"i{impact.pk}_current"] = "4"
    form[f"i{impact.pk}_target"] = "1"
    page = form.submit("save_at", value=str(impact.pk), user=respondent).follow()
    assert TARGET_BELOW in page.html.select_one(f"#item-{impact.pk}").text
    saved = respondent_of(open_round, respondent).responses.get(item=impact)
    assert (saved.current, saved.target) == (4, 1)


def test_it_flags_the_target_on_a_page_drawn_again_after_an_error(
    django_app, respondent, open_round
):
    items = items_by_key(open_round)
    impact, place = items["impact"], items["place"]
    form = scoring_form(django_app.get(_url(open_round), user=respondent))
    form[f"i{impact.pk}_current"] = "3"
    form[f"i{impact.pk}_target"] = "2"
    form[f"i{place.pk}_evidence"] = "x" * 5001
    page = form.submit("action", value="save", user=respondent)
    assert page.status_code == 200 and "There is a problem" in page
    assert TARGET_BELOW in page.html.select_one(f"#item-{impact.pk}").text


@pytest.mark.parametrize(("current", "target"), [(2, 2), (2, 4), (2, None), (None, 1)])
def test_it_raises_no_flag_for_a_target_at_or_above_or_not_set(
    django_app, respondent, open_round, current, target
):
    score(respondent_of(open_round, respondent), current=current, target=target, submit=False)
    page = django_app.get(_url(open_round), user=respondent)
    assert TARGET_BELOW not in page.text
    assert page.html.select("[id^=target-below-]") == []


# --- queries ------------------------------------------------------------------------------


def test_it_draws_the_page_in_fixed_queries_without_a_previous_round(
    django_app, respondent, open_round, django_assert_num_queries
):
    score(respondent_of(open_round, respondent), levels={"impact": (3, 1)}, submit=False)
    url = _url(open_round)
    django_app.get(url, user=respondent)  # signed in; the session exists
    # session, user; round with place, membership; the pinned versions (their items are read
    # once a process); respondent, answers; previous round (none).
    with django_assert_num_queries(8):
        page = django_app.get(url, user=respondent)
    assert "25 answered" in page.html.select_one("#progress").text


def test_it_draws_the_page_in_fixed_queries_with_a_previous_round(
    django_app, respondent, this_round, django_assert_num_queries
):
    score(respondent_of(this_round, respondent), levels={"impact": (3, 1)}, submit=False)
    url = _url(this_round)
    django_app.get(url, user=respondent)
    # The same, with last round found and its agreed levels: one query for all items.
    with django_assert_num_queries(9):
        page = django_app.get(url, user=respondent)
    assert len(page.html.select(".previous-agreed")) == 25
