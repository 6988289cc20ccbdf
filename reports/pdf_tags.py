"""What WeasyPrint's tagged PDF (PDF/UA-1) leaves undone, finished with pikepdf as the PDF is made.

WeasyPrint writes a structure tree for the page's HTML, but:

- a section or a table that runs on to another page starts a new structure element there,
  without its heading or caption (and a table repeats its head). They are joined again;
- the running headers and footers (the page's margin boxes) are marked content that no structure
  element owns, and a few rules and backgrounds are drawn outside any marked content: both are
  neither real content nor artifacts (Matterhorn 01-005). They are marked as artifacts here;
- a link annotation's /Contents holds its target's id ("summary-h"), not words a screen reader
  can say (Matterhorn 28-012 asks for an alternate description). It gets the link's own words;
- table header cells carry no /Scope (Matterhorn 15-003). A header in a table's head gets
  Column, one in its body Row, as the print HTML's `scope` attributes say.

Only objects the PDF already has are changed, through pikepdf's object model and its content
stream parser: no PDF bytes are edited by hand. reports.pdf.tagged_pdf calls it for every PDF.
"""

import io
from collections.abc import Iterator
from html.parser import HTMLParser

import pikepdf
from pikepdf import Array, Dictionary, Name, Operator

# Operators that put marks on the page: text shown, images and shadings drawn (SHOWING), and a
# path, from its first segment (PATH) to the operator that paints or ends it (PATH_END).
SHOWING = frozenset(["Tj", "TJ", "'", '"', "Do", "sh", "BI"])
PATH = frozenset(["m", "l", "c", "v", "y", "h", "re"])
PATH_END = frozenset(["f", "F", "f*", "S", "s", "B", "B*", "b", "b*", "n"])


def finish_tags(pdf: bytes, link_words: dict[str, str]) -> bytes:
    """The PDF with every mark either in its structure tree or an artifact, words on every link
    and a scope on every table header cell. `link_words` gives a link's words by its target
    (an element's id, or an address), as links_in(html) reads them."""
    with pikepdf.open(io.BytesIO(pdf)) as document:
        root = document.Root.get("/StructTreeRoot")
        if root is not None:
            _join_continued(root)
        owners = _owners(document)
        if root is not None:
            _point_parent_tree(document, owners)
        for page in document.pages:
            _mark_artifacts(document, page, set(owners.get(page.obj.objgen, {})))
        for element in _structure(document):
            if element.get("/S") == Name.TH:
                _give_scope(element)
        for page in document.pages:
            for annotation in page.obj.get("/Annots") or []:
                _give_words(annotation, link_words)
        out = io.BytesIO()
        document.save(out)
        return out.getvalue()


# --- artifacts ------------------------------------------------------------------------------------


def _structure(document) -> Iterator[Dictionary]:
    """Every structure element, depth first."""
    root = document.Root.get("/StructTreeRoot")
    stack = [root] if root is not None else []
    while stack:
        element = stack.pop()
        if element.get("/S") is not None:
            yield element
        stack.extend(
            kid
            for kid in _kids(element)
            if isinstance(kid, Dictionary) and kid.get("/Type") != Name.MCR
        )


def _owners(document) -> dict[tuple, dict[int, Dictionary]]:
    """The structure element that owns each marked-content id, by page."""
    owners: dict[tuple, dict[int, Dictionary]] = {}
    for element in _structure(document):
        page = element.get("/Pg")
        for kid in _kids(element):
            if isinstance(kid, int):
                where = page
            elif isinstance(kid, Dictionary) and kid.get("/Type") == Name.MCR:
                where, kid = kid.get("/Pg", page), kid.MCID
            else:
                continue
            if where is not None:
                owners.setdefault(where.objgen, {})[int(kid)] = element
    return owners


def _mark_artifacts(document, page, owned: set[int]) -> None:
    """Marked content no structure element owns becomes an artifact, and every mark made
    outside marked content is wrapped in one."""
    artifact = ([Name.Artifact], Operator("BMC"))
    end = ([], Operator("EMC"))
    changed, depth, in_path, instructions = False, 0, False, []
    # An instruction is read by its attributes and kept as it is: unpacking each one into
    # (operands, operator) took longer than all the rest of this loop.
    for instruction in pikepdf.parse_content_stream(page):
        name = str(instruction.operator)
        if name in ("BDC", "BMC"):
            depth += 1
            mcid = _mcid(instruction.operands) if name == "BDC" else None
            if mcid is not None and mcid not in owned:
                instruction, changed = artifact, True
        elif name == "EMC":
            depth -= 1
        elif depth == 0 and name in SHOWING:
            instructions += [artifact, instruction, end]
            changed = True
            continue
        elif depth == 0 and name in PATH and not in_path:
            instructions.append(artifact)
            in_path = changed = True
        instructions.append(instruction)
        if in_path and name in PATH_END:
            instructions.append(end)
            in_path = False
    if changed:
        page.obj.Contents = document.make_stream(pikepdf.unparse_content_stream(instructions))


def _mcid(operands) -> int | None:
    properties = operands[1] if len(operands) > 1 else None
    if isinstance(properties, Dictionary) and "/MCID" in properties:
        return int(properties.MCID)
    return None


# --- sections and tables continued on a new page ------------------------------------------------

HEADINGS = frozenset(Name(f"/H{n}") for n in ("", 1, 2, 3, 4, 5, 6))


def _kids(element) -> list:
    kids = element.get("/K")
    return list(kids) if isinstance(kids, Array) else [kids] if kids is not None else []


def _elements_in(element) -> list[Dictionary]:
    return [
        kid for kid in _kids(element) if isinstance(kid, Dictionary) and kid.get("/S") is not None
    ]


def _continues(before: Dictionary, element: Dictionary) -> bool:
    """Whether `element` is the rest of `before`, cut off by a page break: WeasyPrint starts a
    new structure element on each page a section or a table runs on to. A section always starts
    with its heading and a table with its caption; their rest, with neither. A wrapper continues
    when what it wraps does."""
    tag = element.get("/S")
    if tag != before.get("/S"):
        return False
    inside, ahead = _elements_in(element), _elements_in(before)
    if tag == Name.Sect:
        return not inside or inside[0].get("/S") not in HEADINGS
    if tag == Name.Table:
        return not any(kid.get("/S") == Name.Caption for kid in inside)
    if tag == Name.Div and inside and ahead:
        return inside[0].get("/S") == Name.Table and _continues(ahead[-1], inside[0])
    return False


def _join_continued(parent: Dictionary) -> None:
    """Each section, table and table wrapper cut by page breaks made one again, depth first;
    a table's repeated header row on each later page is left to be an artifact."""
    joined: list = []
    for kid in _kids(parent):
        before = joined[-1] if joined else None
        if _both_elements(before, kid) and _continues(before, kid):
            _append(before, kid)
            continue
        joined.append(kid)
    if joined != _kids(parent):
        parent.K = Array(joined)
    for kid in _elements_in(parent):
        _join_continued(kid)


def _both_elements(*kids) -> bool:
    return all(isinstance(kid, Dictionary) and kid.get("/S") is not None for kid in kids)


def _append(element: Dictionary, rest: Dictionary) -> None:
    """The kids of `rest` moved to the end of `element` (bar a repeated table head)."""
    moved = []
    for kid in _kids(rest):
        if isinstance(kid, int):  # marked content on the rest's own page
            kid = Dictionary(Type=Name.MCR, Pg=rest.Pg, MCID=kid)
        elif isinstance(kid, Dictionary) and kid.get("/S") == Name.THead:
            continue
        elif isinstance(kid, Dictionary) and kid.get("/S") is not None:
            kid.P = element
        moved.append(kid)
    element.K = Array([*_kids(element), *moved])


def _point_parent_tree(document, owners: dict[tuple, dict[int, Dictionary]]) -> None:
    """Each page's entry in the parent tree (marked-content id → its structure element) made
    again from the structure tree as it now is (`owners`): joined elements own what the parts
    owned, and a dropped table head owns nothing. WeasyPrint writes the tree as one flat /Nums
    array."""
    nums = document.Root.StructTreeRoot.ParentTree.get("/Nums")
    if nums is None:
        return
    keys = {int(nums[n]): n + 1 for n in range(0, len(nums), 2)}
    for page in document.pages:
        key = page.obj.get("/StructParents")
        if key is None or int(key) not in keys:
            continue
        mine = owners.get(page.obj.objgen, {})
        size = max(mine, default=-1) + 1
        nums[keys[int(key)]] = Array([mine.get(mcid) for mcid in range(size)])


# --- table headers and links ----------------------------------------------------------------------


def _give_scope(header: Dictionary) -> None:
    """Column for a header in its table's head, Row for one in its body."""
    row = header.get("/P")
    section = row.get("/P") if row is not None else None
    in_head = section is not None and section.get("/S") == Name.THead
    scope = Name.Column if in_head else Name.Row
    attributes = header.get("/A")
    listed = attributes if isinstance(attributes, Array) else [attributes] if attributes else []
    for owner in listed:
        if isinstance(owner, Dictionary) and owner.get("/O") == Name.Table:
            owner.Scope = scope
            return
    table = Dictionary(O=Name.Table, Scope=scope)
    header.A = Array([*listed, table]) if listed else table


def _give_words(annotation, link_words: dict[str, str]) -> None:
    if annotation.get("/Subtype") != Name.Link:
        return
    action = annotation.get("/A")
    targets = [str(annotation.get("/Contents", ""))]
    if isinstance(action, Dictionary) and "/URI" in action:
        targets.append(str(action.URI))
    words = next((link_words[t] for t in targets if t in link_words), None)
    if words:
        annotation.Contents = pikepdf.String(words)


class _Links(HTMLParser):
    """Each link's words by its target: "#summary-h" as "summary-h", an address as itself."""

    def __init__(self):
        super().__init__()
        self.words: dict[str, str] = {}
        self._open: list[tuple[str, list[str]]] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a" and (href := dict(attrs).get("href")):
            self._open.append((href.removeprefix("#"), []))

    def handle_data(self, data):
        for _, words in self._open:
            words.append(data)

    def handle_endtag(self, tag):
        if tag == "a" and self._open:
            target, words = self._open.pop()
            said = " ".join("".join(words).split())
            if said:
                self.words.setdefault(target, said)


def links_in(html: str) -> dict[str, str]:
    """Each link's words in the print HTML, by its target."""
    parser = _Links()
    parser.feed(html)
    return parser.words
