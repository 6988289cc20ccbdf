"""An uploaded XLSX workbook checked before openpyxl opens it. No database here.

A workbook is a zip of XML that can declare any size and unpack to any length, and openpyxl
builds everything outside a sheet's rows (styles, shared strings, links) as objects in memory.
So the package is refused if it is not a zip of deflated or stored parts, if its parts unpack
to more than a framework could fill, or if they hold more XML elements outside the rows than a
real workbook has: all read from the zip's directory and one streaming pass that builds nothing.
"""

import io
import zipfile
import zlib
from xml.parsers import expat

from openpyxl.utils.exceptions import CellCoordinatesException

# Bytes of XML in which no element begins or ends: one start tag or run of text. Excel's longest
# cell holds 32,767 characters; a tag of a million attributes makes a dictionary of a million.
QUIET_MAX_BYTES = 1024 * 1024
XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # an old .xls, or a workbook saved with a password
# What openpyxl raises on a broken or hostile workbook: a broken zip (BadZipFile, zlib.error,
# EOFError), a missing part (KeyError), XML that does not parse (SyntaxError: ElementTree's
# ParseError and lxml's XMLSyntaxError derive from it), an attribute or value of the wrong kind
# (ValueError, TypeError, IndexError, CellCoordinatesException), a chartsheet without a chart
# (AttributeError), and a date serial out of range (OverflowError).
BROKEN_WORKBOOK = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    KeyError,
    SyntaxError,
    ValueError,
    TypeError,
    IndexError,
    CellCoordinatesException,
    AttributeError,
    OverflowError,
)


class UnsafeWorkbook(Exception):
    """The reason a workbook is not opened, in words for the person who sent it."""


NOT_A_WORKBOOK = "the file is not a valid XLSX workbook"


def workbook_check(content: bytes, *, max_unpacked: int, max_elements: int, hint: str = "") -> None:
    """Raise UnsafeWorkbook unless ``content`` is a workbook openpyxl can open in bounded time
    and memory. ``hint`` follows a refusal for size: what the sender can do about it."""
    hint = f" ({hint})" if hint else ""
    if content.startswith(OLE_MAGIC):
        raise UnsafeWorkbook(
            "the file is an old .xls workbook or has a password; save it as .xlsx without one"
        )
    if not content.startswith(XLSX_MAGIC):
        raise UnsafeWorkbook(NOT_A_WORKBOOK)
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            parts = archive.infolist()
            # An XLSX package only deflates or stores its parts, unencrypted (ECMA-376 part 2).
            if any(
                p.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
                or p.flag_bits & 0x1
                for p in parts
            ):
                raise UnsafeWorkbook(NOT_A_WORKBOOK)
            unpacked = sum(p.file_size for p in parts)
            if unpacked > max_unpacked:
                raise UnsafeWorkbook(
                    f"the workbook unpacks to {unpacked / 2**20:,.1f} MB; the limit is "
                    f"{max_unpacked / 2**20:,.0f} MB{hint}"
                )
            elements = 0
            for part in parts:
                elements += _elements_outside_rows(archive, part, max_elements - elements)
                if elements > max_elements:
                    raise UnsafeWorkbook(
                        f"the workbook holds more than {max_elements:,} pieces of formatting "
                        f"and text besides its cells{hint}"
                    )
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError) as exc:
        raise UnsafeWorkbook(NOT_A_WORKBOOK) from exc


def _elements_outside_rows(archive: zipfile.ZipFile, part: zipfile.ZipInfo, budget: int) -> int:
    """The elements of one XML part, those in a sheet's rows aside, counted up to ``budget`` as
    the part streams by. A part that is not XML counts nothing; one that stops parsing counts
    what came before the fault, where openpyxl's parser stops too."""
    count, events, in_rows = 0, 0, False

    def start(name, attributes):
        nonlocal count, events, in_rows
        events += 1
        if in_rows:
            return
        in_rows = name.endswith(" sheetData")
        count += 1

    def end(name):
        nonlocal events, in_rows
        events += 1
        if in_rows and name.endswith(" sheetData"):
            in_rows = False

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler, parser.EndElementHandler = start, end
    with archive.open(part) as stream:
        chunk = stream.read(1 << 16)
        if not chunk.lstrip(b"\xef\xbb\xbf \t\r\n").startswith((b"<", b"\xff\xfe", b"\xfe\xff")):
            return 0
        quiet = 0  # bytes read with no element begun or ended: inside one tag or text
        try:
            while chunk and count <= budget:
                seen = events
                parser.Parse(chunk, False)
                quiet = quiet + len(chunk) if events == seen else 0
                if quiet > QUIET_MAX_BYTES:
                    raise UnsafeWorkbook(NOT_A_WORKBOOK)
                chunk = stream.read(1 << 16)
            if count <= budget:
                parser.Parse(b"", True)
        except expat.ExpatError:
            pass
    return count
