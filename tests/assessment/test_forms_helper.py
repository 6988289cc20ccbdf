"""The helper reads a page's form as a browser would; these pin the parts tests lean on."""

from types import SimpleNamespace

import pytest

from tests.assessment.forms_helper import forms_in, page_form

PAGE = """
<form method="get" action="/search/"><input name="q" value="x"></form>
<form method="post">
  <input type="hidden" name="revision" value="3">
  <input name="period" value="2026 Q1">
  <textarea name="evidence">
Line one &amp; more.</textarea>
  <select name="target">
    <option value="">---</option><option value="1">1</option><option value="2" selected>2</option>
  </select>
  <select name="lead"><option value="7">Ann</option><option value="8">Bo</option></select>
  <input type="radio" name="current" value="1"><input type="radio" name="current" value="2">
  <input type="checkbox" name="people" value="4" checked>
  <input type="checkbox" name="people" value="5">
  <input type="checkbox" name="people" value="6" disabled checked>
  <input type="reset" name="clear" value="Clear">
  <button type="button" name="help" value="help">Help</button>
  <button name="action" value="save">Save</button>
  <button name="action" value="submit">Submit</button>
  <button name="action" value="delete" disabled>Delete</button>
</form>
<form method="post" action="/locked/">
  <fieldset disabled>
    <legend><input name="note" value="from the legend"></legend>
    <input type="radio" name="level" value="1" checked><input type="radio" name="level" value="2">
    <textarea name="why">Because.</textarea>
    <button name="action" value="save">Save</button>
  </fieldset>
  <input type="hidden" name="revision" value="0">
</form>
"""


def _page(html: str = PAGE, path: str = "/here/", status: int = 200):
    request = SimpleNamespace(path=path)
    return SimpleNamespace(status_code=status, content=html.encode(), wsgi_request=request)


def test_it_reads_every_field_as_drawn():
    form = page_form(_page())
    assert form.values == {
        "revision": ["3"],
        "period": ["2026 Q1"],
        "evidence": ["Line one & more."],
        "target": ["2"],
        "lead": ["7"],
        "current": [],
        "people": ["4"],
    }
    assert form.kinds["evidence"] == "textarea"
    assert form.kinds["current"] == "radio"
    assert form.options["people"] == ["4", "5", "6"]


def test_it_offers_only_the_submit_buttons_a_person_can_press():
    assert page_form(_page()).buttons == [("action", "save"), ("action", "submit")]


def test_it_posts_the_filled_form_with_the_button_pressed():
    form = page_form(_page()).fill({"current": "2", "people": ["5"]}, target="")
    assert form.data(button="submit") == {
        "revision": ["3"],
        "period": ["2026 Q1"],
        "evidence": ["Line one & more."],
        "target": [""],
        "lead": ["7"],
        "current": ["2"],
        "people": ["5"],
        "action": ["submit"],
    }


def test_it_refuses_a_field_a_choice_or_a_button_the_page_lacks():
    form = page_form(_page())
    with pytest.raises(KeyError):
        form.fill(score="3")
    with pytest.raises(ValueError):
        form.fill(current="9")
    with pytest.raises(ValueError):
        form.fill(people=["4", "9"])
    with pytest.raises(KeyError):
        form.data(button="delete")


def test_it_sends_nothing_from_a_disabled_fieldset_but_its_legend():
    form = page_form(_page(), "/locked/")
    assert form.names == {"note", "level", "why", "revision"}
    assert form.buttons == []
    assert form.data() == {"note": ["from the legend"], "revision": ["0"]}
    with pytest.raises(ValueError):
        form.fill(level="2")


def test_it_finds_only_the_one_form_that_posts_to_the_address():
    with pytest.raises(AssertionError):
        page_form(_page(PAGE.replace('action="/locked/"', "")))
    [search] = [form for form in forms_in(PAGE) if form.method == "get"]
    assert search.action == "/search/"
