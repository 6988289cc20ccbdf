"""Read a form out of a page as a browser would, so tests post back what the template offers.

A test fills the form by field name; naming a field the page lacks, or a choice it does not
offer, fails at once. That keeps template, form and test in step.

WebTest reads the fields. It does not know that a browser sends nothing from a disabled
control, nor from anything inside a disabled fieldset, so each form is read twice: once as
drawn (every field, for `names`, `kinds` and `options`) and once with the disabled controls
taken out (what a person can change and what the browser sends).
"""

from types import SimpleNamespace

from bs4 import BeautifulSoup, Tag
from webtest.forms import (
    Checkbox,
    Field,
    File,
    Form,
    MultipleSelect,
    Radio,
    Select,
    Submit,
)

CONTROLS = ["input", "select", "textarea", "button"]


class HtmlForm:
    def __init__(self, drawn: Form, live: Form):
        self.action: str = drawn.action
        self.method: str = drawn.method.lower()
        self._live = live
        named = [(name, field) for name, field in drawn.field_order if name is not None]
        # name → radio, checkbox, select, textarea or input
        self.kinds: dict[str, str] = {
            name: _kind(field) for name, field in named if not isinstance(field, Submit)
        }
        # the choices of radios, checkboxes and selects, disabled ones included
        self.options: dict[str, list[str]] = {}
        for name, field in named:
            if isinstance(field, Select | MultipleSelect):
                self.options[name] = [value for value, _, _ in field.options]
            elif isinstance(field, Checkbox):
                self.options.setdefault(name, []).append(_checkbox_value(field))
        # the named submit buttons a person can press: (name, value)
        self.buttons: list[tuple[str, str]] = [
            (name, field.value_if_submitted())
            for name, field in live.field_order
            if name is not None and _is_submit_button(field)
        ]

    @property
    def names(self) -> set[str]:
        return set(self.kinds)

    @property
    def values(self) -> dict[str, list]:
        """What a browser would send for each field as drawn or filled ([] for none)."""
        values: dict[str, list] = {name: [] for name in self.kinds}
        for name, value in self._live.submit_fields():
            values.setdefault(name, []).append(_sent(value))
        return values

    def fill(self, values: dict | None = None, **more) -> "HtmlForm":
        """Set fields as a person would: only fields the page has, only choices it offers."""
        for name, value in {**(values or {}), **more}.items():
            if name not in self.kinds:
                raise KeyError(f"the form has no field {name!r}")
            fields = self._live.fields.get(name)
            if not fields:
                raise ValueError(f"{name!r} is disabled: nobody can change it")
            chosen = list(value) if isinstance(value, list | tuple) else [value]
            if self.kinds[name] == "checkbox":
                _tick(name, fields, [str(v) for v in chosen])
            elif isinstance(fields[0], MultipleSelect):
                fields[0].value = [str(v) for v in chosen]  # ValueError for a choice not offered
            elif len(chosen) != len(fields):
                raise ValueError(f"{name!r} takes {len(fields)} value(s), not {len(chosen)}")
            else:
                for field, one in zip(fields, chosen, strict=True):
                    # A select or radio raises ValueError for a choice it does not offer.
                    field.value = one if isinstance(field, File) else str(one)
        return self

    def data(self, button: str | None = None) -> dict[str, list]:
        """The POST body; `button` is the value of the named submit button pressed."""
        if button is None:
            pairs = self._live.submit_fields()
        else:
            pressed = [name for name, value in self.buttons if value == button]
            if not pressed:
                raise KeyError(f"the form has no button {button!r}; it has {self.buttons}")
            # WebTest counts every field of the button's name to tell which was pressed.
            same_name = [field for name, field in self._live.field_order if name == pressed[0]]
            index = next(
                i
                for i, field in enumerate(same_name)
                if _is_submit_button(field) and field.value_if_submitted() == button
            )
            pairs = self._live.submit_fields(pressed[0], index=index)
        body: dict[str, list] = {}
        for name, value in pairs:
            body.setdefault(name, []).append(_sent(value))
        return body


def _kind(field: Field) -> str:
    if isinstance(field, Radio):  # a Radio is also a Select
        return "radio"
    if isinstance(field, Checkbox):
        return "checkbox"
    if isinstance(field, Select | MultipleSelect):
        return "select"
    if field.tag == "textarea":  # WebTest reads a <textarea> as a Text field
        return "textarea"
    return "input"


def _checkbox_value(field: Checkbox) -> str:
    return "on" if field._value is None else field._value


def _is_submit_button(field: Field) -> bool:
    # WebTest reads every <button> and <input type="image"> as a Submit; an image button sends
    # its click's coordinates, not its value, so it is no button here.
    return isinstance(field, Submit) and field.attrs.get("type", "submit").lower() == "submit"


def _sent(value):
    # WebTest hands back a file field itself; a browser sends its (empty) value.
    return value.value if isinstance(value, File) else value


def _tick(name: str, boxes: list[Field], chosen: list[str]) -> None:
    offered = [_checkbox_value(box) for box in boxes]
    unknown = [value for value in chosen if value not in offered]
    if unknown:
        raise ValueError(f"{name!r} offers {offered}, not {unknown}")
    for box in boxes:
        box.checked = _checkbox_value(box) in chosen


def _is_disabled(control: Tag) -> bool:
    """Disabled by its own attribute or by a disabled fieldset around it (not from its legend)."""
    if control.has_attr("disabled"):
        return True
    for fieldset in control.find_parents("fieldset"):
        if fieldset.has_attr("disabled"):
            legend = fieldset.find("legend", recursive=False)
            if legend is None or not any(parent is legend for parent in control.parents):
                return True
    return False


def _drop_plain_buttons(page: BeautifulSoup) -> None:
    # Reset and plain buttons never send anything, but WebTest would send a named one.
    for control in page.find_all(["input", "button"]):
        if control.get("type", "").lower() in ("reset", "button"):
            control.decompose()


def _drop_disabled(page: BeautifulSoup) -> None:
    for control in [c for c in page.find_all(CONTROLS) if _is_disabled(c)]:
        control.decompose()
    for option in page.find_all("option"):
        group = option.find_parent("optgroup")
        if option.has_attr("disabled") or (group is not None and group.has_attr("disabled")):
            option.decompose()


def _read(page: BeautifulSoup, form: Tag) -> Form:
    # WebTest looks in the whole page (`response.html`) for controls tied to a form by its id.
    return Form(SimpleNamespace(html=page), str(form), parser_features="html.parser")


def forms_in(html: str) -> list[HtmlForm]:
    drawn = BeautifulSoup(html, "html.parser")
    live = BeautifulSoup(html, "html.parser")
    _drop_plain_buttons(drawn)
    _drop_plain_buttons(live)
    _drop_disabled(live)
    return [
        HtmlForm(_read(drawn, as_drawn), _read(live, as_sent))
        for as_drawn, as_sent in zip(drawn.find_all("form"), live.find_all("form"), strict=True)
    ]


def page_form(response, action: str | None = None) -> HtmlForm:
    """The form on a fetched page that posts to `action` (the page itself when None)."""
    assert response.status_code in (200, 400, 409), response.status_code
    here = response.wsgi_request.path
    matches = [
        form
        for form in forms_in(response.content.decode())
        if form.method == "post" and (form.action or here) == (action or here)
    ]
    assert len(matches) == 1, f"{len(matches)} forms post to {action or here}"
    return matches[0]
