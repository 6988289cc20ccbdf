"""Scoring without losing your place: each item's own save button comes back to that item, the
page points at the first item still unanswered, and a jump list shows every item's state."""

import pytest
from django.urls import reverse

from assessment.models import Response
from assessment.services import assessment_advance
from tests.assessment.scoring import items_by_key, respondent_of, score, scoring_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def url(open_round):
    return reverse("assessment-respond", args=[open_round.pk])


@pytest.fixture
def items(open_round):
    return items_by_key(open_round)


def _form_tag(page):
    return page.html.select_one(f"form[action='{page.request.path}']")


def test_it_saves_from_an_items_own_button_and_comes_back_to_that_item(
    django_app, respondent, open_round, url, items
):
    workforce = items["workforce"]
    form = scoring_form(django_app.get(url, user=respondent))
    form[f"i{workforce.pk}_current"] = "2"
    saved = form.submit("save_at", value=str(workforce.pk), user=respondent)
    assert saved.status_code == 302
    assert saved.location == f"{url}?saved={workforce.pk}#item-{workforce.pk}"
    page = saved.follow()
    # Said where the page lands, at the top of the item saved: not at the top of a long page.
    note = page.html.select_one(f"#item-{workforce.pk} [role=status]")
    assert note.text == "Draft saved: 1 of 25 answered. Next unanswered: Impact."
    assert page.html.select_one(".messages") is None
    assert Response.objects.get(respondent__user=respondent, item=workforce).current == 2
    assert not respondent_of(open_round, respondent).is_submitted


def test_it_puts_a_save_button_naming_its_item_inside_each_items_fieldset(
    django_app, respondent, url, items
):
    page = django_app.get(url, user=respondent)
    for item in items.values():
        buttons = page.html.select(f"#item-{item.pk} button[name=save_at]")
        assert [b["value"] for b in buttons] == [str(item.pk)], item.key
        assert buttons[0].get("type") == "submit"


def test_it_treats_an_items_button_as_a_draft_save_even_beside_submit(
    django_app, respondent, open_round, url, items
):
    # A browser sends only the button pressed; a crafted post sending both gets the safer one.
    form = scoring_form(django_app.get(url, user=respondent))
    for item in items.values():
        form[f"i{item.pk}_current"] = "2"
    impact = items["impact"]
    fields = [*form.submit_fields("save_at", submit_value=str(impact.pk)), ("action", "submit")]
    saved = django_app.post(url, params=fields, user=respondent)
    assert saved.location == f"{url}?saved={impact.pk}#item-{impact.pk}"
    assert not respondent_of(open_round, respondent).is_submitted
    assert "Every item has an answer: submit them when you are ready." in saved.follow()


@pytest.mark.parametrize(
    "value",
    ["", "0", "999999", "-1", "1e3", "²", "abc", "<script>", "1#x", "10 ", "9" * 5000],
)
def test_it_saves_and_returns_to_the_top_for_a_save_at_that_names_no_item(
    django_app, respondent, url, items, value
):
    impact = items["impact"]
    form = scoring_form(django_app.get(url, user=respondent))
    form[f"i{impact.pk}_current"] = "3"
    fields = [(name, v) for name, v in form.submit_fields() if name != "action"]
    saved = django_app.post(url, params=[*fields, ("save_at", value)], user=respondent)
    assert saved.status_code == 302
    assert saved.location == url
    assert Response.objects.get(respondent__user=respondent, item=impact).current == 3


def test_it_returns_to_the_top_after_the_bottom_save_button(django_app, respondent, url, items):
    form = scoring_form(django_app.get(url, user=respondent))
    form[f"i{items['care-model'].pk}_current"] = "1"
    saved = form.submit("action", value="save", user=respondent)
    assert saved.location == url


def test_it_posts_to_the_page_without_a_fragment(django_app, respondent, url, items):
    # A redirect without a fragment keeps the request's: the form must not carry #item-… on,
    # or a plain save after an item's save would land on that item again.
    page = django_app.get(f"{url}#item-{items['impact'].pk}", user=respondent)
    assert _form_tag(page) is not None


def test_it_makes_enter_in_a_field_a_plain_draft_save(django_app, respondent, url):
    # Enter on a radio presses the form's first submit button: not the first item's own one.
    form = _form_tag(django_app.get(url, user=respondent))
    first = form.select("button[type=submit]")[0]
    assert (first["name"], first["value"]) == ("action", "save")
    assert first.get("tabindex") == "-1" and first.get("aria-hidden") == "true"


def test_it_links_the_progress_line_to_the_first_unanswered_item(
    django_app, respondent, open_round, url, items
):
    score(respondent_of(open_round, respondent), only=["impact", "place"], submit=False)
    page = django_app.get(url, user=respondent)
    progress = page.html.select_one("#progress")
    assert "2 of 25 answered." in progress.text
    link = progress.select_one("a")
    focus = items["focus-on-individuals"]
    assert (link.text, link["href"]) == (focus.title, f"#item-{focus.pk}")


def test_it_says_every_item_is_answered_instead_of_linking(django_app, respondent, open_round, url):
    score(respondent_of(open_round, respondent), submit=False)
    progress = django_app.get(url, user=respondent).html.select_one("#progress")
    assert "25 of 25 answered." in progress.text
    assert progress.select_one("a") is None
    assert "Every item has an answer" in progress.text


def test_it_names_the_next_unanswered_item_in_the_saved_message_as_plain_text(
    django_app, respondent, url, items
):
    # Messages are escaped by the base template: the link lives on the page, not the message.
    form = scoring_form(django_app.get(url, user=respondent))
    form[f"i{items['impact'].pk}_current"] = "2"
    page = form.submit("action", value="save", user=respondent).follow()
    message = page.html.select_one(".messages").text.strip()
    assert message == "Draft saved: 1 of 25 answered. Next unanswered: Place."
    assert page.html.select_one(".messages a") is None


def test_it_lists_every_item_with_its_state_in_the_jump_list(
    django_app, respondent, open_round, url, items
):
    score(respondent_of(open_round, respondent), only=["impact", "lesson-03"], submit=False)
    page = django_app.get(url, user=respondent)
    for nav in page.html.select("nav[aria-label=Items]"):  # folded, and beside the form
        links = nav.select("ol a")
        assert [a["href"] for a in links] == [f"#item-{item.pk}" for item in items.values()]
        answered = [a["href"] for a in links if "(answered)" in a.text]
        assert answered == [f"#item-{items[key].pk}" for key in ("impact", "lesson-03")]
        assert sum("(not yet answered)" in a.text for a in links) == 23
        assert "2 of 25 answered" in nav.text
    assert len(page.html.select("nav[aria-label=Items]")) == 2


def test_it_folds_the_jump_list_into_a_details_for_small_screens(django_app, respondent, url):
    page = django_app.get(url, user=respondent)
    folded = page.html.select_one("nav#items")
    assert folded.select_one("details > summary").text == "All items: 0 of 25 answered"
    assert "d-lg-none" in folded["class"]
    assert "d-none" in page.html.select_one("nav#items-side")["class"]
    # The sticky bar's link back to the list, for when it has scrolled away.
    assert page.html.select_one(".sticky-bottom a[href='#items']") is not None


def test_it_offers_no_item_buttons_on_submitted_answers(django_app, respondent, open_round, url):
    score(respondent_of(open_round, respondent))
    page = django_app.get(url, user=respondent)
    assert page.html.select("button[name=save_at]") == []
    assert page.html.select("nav[aria-label=Items]")  # the jump list stays, read-only


def test_it_saves_nothing_from_an_items_button_once_scoring_has_ended(
    django_app, respondent, open_round, url, items
):
    impact = items["impact"]
    form = scoring_form(django_app.get(url, user=respondent))
    assessment_advance(assessment=open_round)
    form[f"i{impact.pk}_current"] = "2"
    page = form.submit("save_at", value=str(impact.pk), user=respondent).follow()
    assert "Scoring has ended for this round; your answers were not saved." in page
    assert not Response.objects.filter(respondent__user=respondent).exists()


def test_it_keeps_the_stale_tab_conflict_for_an_items_button(
    django_app, respondent, open_round, url, items
):
    impact = items["impact"]
    stale = scoring_form(django_app.get(url, user=respondent))
    fresh = scoring_form(django_app.get(url, user=respondent))
    fresh[f"i{impact.pk}_current"] = "3"
    fresh.submit("action", value="save", user=respondent)
    stale[f"i{impact.pk}_current"] = "1"
    clash = stale.submit("save_at", value=str(impact.pk), user=respondent, status=409)
    assert "saved current 3" in clash.html.select_one("#conflict").text
    assert Response.objects.get(respondent__user=respondent, item=impact).current == 3
    again = scoring_form(clash).submit("save_at", value=str(impact.pk), user=respondent)
    assert again.location == f"{url}?saved={impact.pk}#item-{impact.pk}"
    assert Response.objects.get(respondent__user=respondent, item=impact).current == 1


def test_it_points_at_no_next_item_once_scoring_has_ended(django_app, respondent, open_round, url):
    score(respondent_of(open_round, respondent), only=["impact"], submit=False)
    assessment_advance(assessment=open_round)
    page = django_app.get(url, user=respondent)
    assert "1 of 25 answered." in page.html.select_one("#progress").text
    assert "Next unanswered" not in page.text
    assert page.html.select("button[name=save_at]") == []
