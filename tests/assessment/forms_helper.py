"""Read a form out of a page as a browser would, so tests post back what the template offers.

A test fills the form by field name; naming a field the page lacks, or a choice it does not
offer, fails at once. That keeps template, form and test in step.
"""

from html.parser import HTMLParser


class HtmlForm:
    def __init__(self, action: str, method: str):
        self.action = action
        self.method = method
        self.values: dict[str, list[str]] = {}  # what a browser would send, as drawn
        self.options: dict[str, list[str]] = {}  # the choices of radios, checkboxes, selects
        self.kinds: dict[str, str] = {}  # name → radio, checkbox, select, textarea or input
        self.buttons: list[tuple[str, str]] = []  # named submit buttons: (name, value)

    @property
    def names(self) -> set[str]:
        return set(self.kinds)

    def fill(self, values: dict | None = None, **more) -> "HtmlForm":
        """Set fields as a person would: only fields the page has, only choices it offers."""
        for name, value in {**(values or {}), **more}.items():
            if name not in self.kinds:
                raise KeyError(f"the form has no field {name!r}")
            chosen = [str(v) for v in value] if isinstance(value, list | tuple) else [str(value)]
            if self.kinds[name] in ("radio", "checkbox", "select"):
                offered = self.options[name]
                unknown = [v for v in chosen if v and v not in offered]
                if unknown:
                    raise ValueError(f"{name!r} offers {offered}, not {unknown}")
                chosen = [v for v in chosen if v]
            self.values[name] = chosen
        return self

    def data(self, button: str | None = None) -> dict:
        """The POST body; `button` is the value of the named submit button pressed."""
        body = {name: list(values) for name, values in self.values.items() if values}
        if button is not None:
            pressed = [(n, v) for n, v in self.buttons if v == button]
            if not pressed:
                raise KeyError(f"the form has no button {button!r}; it has {self.buttons}")
            name, value = pressed[0]
            body[name] = [value]
        return body


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[HtmlForm] = []
        self._form: HtmlForm | None = None
        self._disabled_depth = 0  # disabled fieldsets we are inside
        self._select: str | None = None
        self._select_options: list[tuple[str, bool]] = []
        self._option: dict | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        form = self._form
        if tag == "form":
            self._form = HtmlForm(a.get("action") or "", (a.get("method") or "get").lower())
            self.forms.append(self._form)
            return
        if form is None:
            return
        disabled = "disabled" in a or self._disabled_depth > 0
        if tag == "fieldset":
            if self._disabled_depth or "disabled" in a:
                self._disabled_depth += 1
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset"):
                if not disabled:
                    form.buttons.append((name, a.get("value", "")))
                return
            group = kind if kind in ("radio", "checkbox") else "input"
            form.kinds[name] = group
            form.values.setdefault(name, [])
            if group in ("radio", "checkbox"):
                value = a.get("value", "on")
                form.options.setdefault(name, []).append(value)
                if "checked" in a and not disabled:
                    form.values[name].append(value)
            elif not disabled:
                form.values[name].append(a.get("value", ""))
        elif tag == "button" and name and (a.get("type") or "submit") == "submit" and not disabled:
            form.buttons.append((name, a.get("value", "")))
        elif tag == "select" and name:
            form.kinds[name] = "select"
            form.values.setdefault(name, [])
            self._select = name if not disabled else f"\0{name}"
            self._select_options = []
        elif tag == "option" and self._select is not None:
            self._option = {"value": a.get("value"), "selected": "selected" in a, "text": ""}
        elif tag == "textarea" and name:
            form.kinds[name] = "textarea"
            form.values.setdefault(name, [])
            self._textarea = name if not disabled else f"\0{name}"
            self._text = []

    def handle_data(self, data):
        if self._option is not None:
            self._option["text"] += data
        elif self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "fieldset" and self._disabled_depth:
            self._disabled_depth -= 1
        elif tag == "option" and self._option is not None:
            value = self._option["value"]
            value = self._option["text"].strip() if value is None else value
            self._select_options.append((value, self._option["selected"]))
            self._option = None
        elif tag == "select" and self._select is not None:
            name = self._select.lstrip("\0")
            self._form.options[name] = [v for v, _ in self._select_options]
            if not self._select.startswith("\0") and self._select_options:
                chosen = [v for v, selected in self._select_options if selected]
                self._form.values[name] = chosen or [self._select_options[0][0]]
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            text = "".join(self._text)
            # Browsers drop the one newline that follows <textarea>.
            text = text[2:] if text.startswith("\r\n") else text.removeprefix("\n")
            if not self._textarea.startswith("\0"):
                self._form.values[self._textarea] = [text]
            self._textarea = None


def forms_in(html: str) -> list[HtmlForm]:
    parser = _FormParser()
    parser.feed(html)
    parser.close()
    return parser.forms


def page_form(response, action: str | None = None) -> HtmlForm:
    """The form on a fetched page that posts to `action` (the page itself when None)."""
    assert response.status_code in (200, 400, 409), response.status_code
    html = response.content.decode()
    here = response.wsgi_request.path
    matches = [
        form
        for form in forms_in(html)
        if form.method == "post" and (form.action or here) == (action or here)
    ]
    assert len(matches) == 1, f"{len(matches)} forms post to {action or here}"
    return matches[0]
