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
    (an element's id, or an address), as links_in(html) reads them. Saved compressed, whether
    or not it came so."""
    with pikepdf.open(io.BytesIO(pdf)) as document:
        root = document.Root.get("/StructTreeRoot")
        elements = _joined(root) if root is not None else []
        owners = _owners(elements)
        if root is not None:
            _point_parent_tree(document, owners)
        for page in document.pages:
            _mark_artifacts(document, page, set(owners.get(page.obj.objgen, {})))
        for element, tag, _ in elements:
            if tag == Name.TH:
                _give_scope(element)
        for page in document.pages:
            for annotation in page.obj.get("/Annots") or []:
                _give_words(annotation, link_words)
        out = io.BytesIO()
        # Every stream compressed, and the small objects (the structure tree's thousands of
        # elements) packed into compressed object streams.
        document.save(
            out, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate
        )
        return out.getvalue()


# --- artifacts ------------------------------------------------------------------------------------


def _owners(elements) -> dict[tuple, dict[int, Dictionary]]:
    """The structure element that owns each marked-content id, by page."""
    owners: dict[tuple, dict[int, Dictionary]] = {}
    for element, _, kids in elements:
        page = element.get("/Pg")
        for kid in kids:
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
CUT = frozenset([Name.Sect, Name.Table, Name.Div])  # what a page break may cut in two


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


def _joined(root: Dictionary) -> list[tuple[Dictionary, Name, list]]:
    """Every structure element with its tag and its kids, once each section, table and table
    wrapper cut by page breaks is made one again, outermost first; a table's repeated header
    row on each later page is left to be an artifact. Each element's kids are read once: every
    read goes through pikepdf's object model."""
    found, stack = [], [(root, None)]
    while stack:
        parent, parent_tag = stack.pop()
        kids, joined = _kids(parent), []
        for kid in kids:
            tag = kid.get("/S") if isinstance(kid, Dictionary) else None
            if tag in CUT and joined and joined[-1][1] == tag and _continues(joined[-1][0], kid):
                _append(joined[-1][0], kid)
                continue
            joined.append((kid, tag))
        if len(joined) < len(kids):
            parent.K = Array([kid for kid, _ in joined])
        if parent_tag is not None:
            found.append((parent, parent_tag, [kid for kid, _ in joined]))
        stack.extend((kid, tag) for kid, tag in joined if tag is not None)
    return found


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
