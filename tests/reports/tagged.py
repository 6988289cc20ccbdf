"""Reading a tagged PDF's structure tree (what a screen reader reads) for the PDF tests."""

from pypdf import PdfReader


def structure_elements(reader: PdfReader) -> list:
    """Every structure element of the PDF's tag tree, in reading order."""
    found = []

    def walk(node):
        node = node.get_object()
        if "/S" in node:
            found.append(node)
        kids = node.get("/K", [])
        for kid in kids if isinstance(kids, list) else [kids]:
            kid = kid.get_object() if hasattr(kid, "get_object") else kid
            if isinstance(kid, dict) and kid.get("/Type") != "/OBJR":
                walk(kid)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return found


def figures(reader: PdfReader) -> list:
    return [element for element in structure_elements(reader) if element["/S"] == "/Figure"]
