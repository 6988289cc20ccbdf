"""Tables whose rows fall into groups: each group header (`<th scope="rowgroup">`) opens a
`<tbody>` of its own, so a screen reader reads it with the rows it heads and no others."""


def _text(element) -> str:
    return " ".join(element.get_text().split())


def misgrouped(html) -> list[str]:
    """What is wrong with each group header on the page (BeautifulSoup), one line per fault."""
    faults = []
    for header in html.select('th[scope="rowgroup"]'):
        name = _text(header)
        body = header.find_parent("tr").parent
        if body.name != "tbody":
            faults.append(f"{name!r} is in a <{body.name}>, not a <tbody> of its own")
            continue
        if len(body.select('th[scope="rowgroup"]')) > 1:
            faults.append(f"{name!r} shares its <tbody> with another group header")
        if body.find("tr") is not header.find_parent("tr"):
            faults.append(f"{name!r} is not in the first row of its <tbody>")
        if not body.find("td"):
            faults.append(f"{name!r} heads no data cells")
    return faults


def groups(table) -> list[tuple[str, list[str]]]:
    """Each group of a table: its header, and the header of each row it holds."""
    return [
        (_text(header), [_text(th) for th in header.find_parent("tbody").select('th[scope="row"]')])
        for header in table.select('th[scope="rowgroup"]')
    ]
