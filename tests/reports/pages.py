"""Reading what a person gets: pages through django-webtest (its `response.html` is the page as
BeautifulSoup parses it), and the name a browser saves a download under."""

import json
from email.message import Message

HEATMAP = "Places (rows) against the items"
DISTRIBUTION = "Every shared place's latest level"


def _text(element) -> str:
    return " ".join(element.get_text().split())


def _table(page, caption_start: str):
    [found] = [
        table
        for table in page.html.find_all("table")
        if table.caption and _text(table.caption).startswith(caption_start)
    ]
    return found


def cells(page, caption_start: str) -> list[list[tuple[str, str]]]:
    """Each cell of the table whose caption starts so, row by row: its text and its class."""
    return [
        [(_text(cell), " ".join(cell.get("class", []))) for cell in row.find_all(["th", "td"])]
        for row in _table(page, caption_start).find_all("tr")
    ]


def table(page, caption_start: str) -> list[list[str]]:
    """The text of each row of the table whose caption starts so."""
    return [[text for text, _ in row] for row in cells(page, caption_start)]


def row(page, heading: str) -> list[str]:
    """The text of the first table row, on any table, whose first cell reads `heading`."""
    for tr in page.html.find_all("tr"):
        texts = [_text(cell) for cell in tr.find_all(["th", "td"])]
        if texts and texts[0] == heading:
            return texts
    raise LookupError(f"no row starts with {heading!r}")


def figure(page, element_id: str) -> dict:
    """A chart's figure, as the page hands it to plotly.js."""
    return json.loads(page.html.find("script", id=element_id).string)


def heatmap_rows(page) -> list[str]:
    """The place-and-round label of each heat map row, top to bottom."""
    return [texts[0] for texts in table(page, HEATMAP)[1:]]


def choice_form(page):
    """The comparison page's own form for choosing rounds (it sends a GET)."""
    [form] = [f for f in page.forms.values() if f.method.lower() == "get"]
    return form


def offered(page) -> dict[int, str]:
    """The rounds the page offers to compare, as the person reads them: id → label."""
    return {
        int(box["value"]): _text(page.html.find("label", attrs={"for": box["id"]}))
        for box in page.html.find_all("input", attrs={"name": "assessment"})
    }


def errors(page) -> list[str]:
    """The error messages the page shows against its form fields."""
    return [_text(e) for e in page.html.select(".invalid-feedback, .errorlist li")]


def download(response) -> tuple[str, str]:
    """How a browser takes a download: ("inline" or "attachment", the file name it saves)."""
    message = Message()
    message["Content-Disposition"] = response.headers["Content-Disposition"]
    return message.get_content_disposition(), message.get_filename()


def refused(response) -> list[str]:
    """What a 400 page from the compare page's documents says: its heading, then each problem."""
    from bs4 import BeautifulSoup

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    page = BeautifulSoup(response.content, "html.parser")
    return [_text(page.h1), *(_text(li) for li in page.select("#problems li"))]
