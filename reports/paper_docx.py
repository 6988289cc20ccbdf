"""A board paper's blocks (headings, paragraphs, tables, a chart's place) and how Word lays them
out: Word's own Title and Heading styles, table header rows repeated on each page and described,
the language British English, and each chart a picture whose description is its message in
words. reports.board_paper says what the blocks are."""

import io
from dataclasses import dataclass

LANGUAGE = "en-GB"
TEXT_WIDTH_MM = 170  # A4 less margins of 20 mm
CHART_WIDTH_MM = 140  # the radar and its heading on one page


# --- the paper as plain blocks --------------------------------------------------------------------


@dataclass(frozen=True)
class Heading:
    text: str
    level: int  # 0: the paper's title; 1 to 3: Word's Heading 1 to 3


@dataclass(frozen=True)
class Paragraph:
    text: str
    style: str = ""  # a built-in style ("List Bullet", "List Number"), else body text


@dataclass(frozen=True)
class Table:
    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]  # a row of one value spans the table: a group's heading


@dataclass(frozen=True)
class Chart:
    name: str  # in Report.figures
    caption: str
    alt: str  # its message in words, for screen readers


Block = Heading | Paragraph | Table | Chart


# --- laying the blocks out in Word ------------------------------------------------------------


def paper_docx(blocks: list[Block], pictures: dict[str, bytes]):
    """The paper as a python-docx Document, each chart from its PNG in `pictures`."""
    import docx  # imported late: most requests never make a paper
    from docx.shared import Mm

    paper = docx.Document()
    _set_language(paper, LANGUAGE)
    section = paper.sections[0]  # A4, as British boards print
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(20)
    title = next((b.text for b in blocks if isinstance(b, Heading) and b.level == 0), "")
    paper.core_properties.title = title
    paper.core_properties.language = LANGUAGE
    for block in blocks:
        _add(paper, block, pictures)
    return paper


def _add(paper, block: Block, pictures: dict[str, bytes]) -> None:
    match block:
        case Heading():
            paper.add_heading(block.text, level=block.level)
        case Paragraph():
            paper.add_paragraph(block.text, style=block.style or None)
        case Table():
            _add_table(paper, block)
        case Chart():
            _add_chart(paper, block, pictures[block.name])


def _add_table(paper, block: Table) -> None:
    from docx.shared import Mm

    paper.add_paragraph(block.caption, style="Caption").paragraph_format.keep_with_next = True
    table = paper.add_table(rows=0, cols=len(block.header))
    table.style = "Table Grid"
    table.autofit = False
    widths = [Mm(TEXT_WIDTH_MM * share) for share in _shares(block)]
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width  # the grid, which LibreOffice reads
    header = _add_row(table, widths)
    for cell, text in zip(header.cells, block.header, strict=True):
        cell.paragraphs[0].add_run(text).bold = True
    _repeat_as_header(header)
    for values in block.rows:
        cells = _add_row(table, widths).cells
        if len(values) == 1:  # a group's heading, across the table (merged widths add up)
            cells[0].merge(cells[-1]).paragraphs[0].add_run(values[0]).bold = True
            continue
        for cell, text in zip(cells, values, strict=True):
            cell.text = text
    _describe_table(table, block.caption)


def _add_row(table, widths):
    row = table.add_row()
    for cell, width in zip(row.cells, widths, strict=True):
        cell.width = width  # each cell's own, which Word reads
    return row


def _shares(block: Table) -> list[float]:
    """Each column's share of the page's width, by the length of what it holds: a column of
    descriptors gets the room, a column of levels little (within bounds, so both stay legible)."""
    columns = zip(*(row for row in (block.header, *block.rows) if len(row) > 1), strict=True)
    weights = [min(max(10, *(len(text) for text in column)), 60) for column in columns]
    return [w / sum(weights) for w in weights]


def _repeat_as_header(row) -> None:
    """Word repeats the row at the top of each page the table runs onto, and screen readers
    read it as the table's header (python-docx has no API for w:tblHeader)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(header)


def _describe_table(table, caption: str) -> None:
    """The table's caption as its alternative text (w:tblCaption, last in w:tblPr)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    described = OxmlElement("w:tblCaption")
    described.set(qn("w:val"), caption[:255])
    table._tbl.tblPr.append(described)


def _add_chart(paper, block: Chart, png: bytes) -> None:
    from docx.shared import Mm

    picture = paper.add_picture(io.BytesIO(png), width=Mm(CHART_WIDTH_MM))
    paper.paragraphs[-1].paragraph_format.keep_with_next = True  # with its caption
    properties = picture._inline.docPr  # Word's "Alt Text": read out by screen readers
    properties.set("descr", block.alt)
    properties.set("title", block.caption)
    paper.add_paragraph(block.caption, style="Caption")


def _set_language(paper, language: str) -> None:
    """Every run's language, unless it says otherwise: the defaults and the Normal style that
    the others are based on. (python-docx's own template says American English.)"""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    defaults = paper.styles.element.find(qn("w:docDefaults"))
    properties = [
        defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")),
        paper.styles["Normal"].element.get_or_add_rPr(),
    ]
    for run_properties in properties:
        lang = run_properties.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            run_properties.append(lang)
        lang.set(qn("w:val"), language)
