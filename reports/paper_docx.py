"""A board paper's blocks (headings, paragraphs, tables, a chart's place) and how Word lays them
out: Word's own Title and Heading styles, table header rows repeated on each page and described,
the language British English, and each chart a picture whose description is its message in
words. reports.board_paper says what the blocks are.

How it looks was checked on the printed pages (tests/reports/test_board_paper_pages.py converts
the paper with LibreOffice): one sans-serif font throughout, headings and captions dark enough to
read in greyscale, and each table's columns sized by what they hold, so a level or a date never
breaks mid-word and the descriptors get the room."""

import io
from dataclasses import dataclass

LANGUAGE = "en-GB"
TEXT_WIDTH_MM = 170  # A4 less margins of 20 mm
CHART_WIDTH_MM = 140  # the radar and its heading on one page
# Arial: what British public-sector papers are set in; LibreOffice draws it with its metric twin
# (Liberation Sans), so the pages look the same there as in Word.
FONT = "Arial"
# Headings and captions in the Heading 1 blue (6.6:1 on white): Word's lighter accent blue
# (4.0:1) fades to pale grey when a board pack is printed in greyscale.
INK = "365F91"
TABLE_TEXT = "Table text"  # a paragraph style of the paper's own: 10 pt, no space after
TABLE_POINTS = 10
# Column widths are reckoned from character counts: the widest characters of Arial at 10 pt,
# bold, run to about 2 mm; a cell's margins and rules take 4 mm more, and a capital some slack.
CHAR_MM = 2.0
CELL_MM = 6.0
UNBROKEN = 12  # a cell this short (a level, a date, a period) is kept on one line


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
    _set_styles(paper)
    section = paper.sections[0]  # A4, as British boards print
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(20)
    title = next((b.text for b in blocks if isinstance(b, Heading) and b.level == 0), "")
    paper.core_properties.title = title
    paper.core_properties.language = LANGUAGE
    for before, block, after in zip([None, *blocks[:-1]], blocks, [*blocks[1:], None], strict=True):
        _add(paper, block, pictures, between=(before, after))
    return paper


def _add(
    paper, block: Block, pictures: dict[str, bytes], *, between: tuple[Block | None, Block | None]
) -> None:
    from docx.shared import Pt

    before, after = between
    match block:
        case Heading():
            paper.add_heading(block.text, level=block.level)
        case Paragraph():
            added = paper.add_paragraph(block.text, style=block.style or None)
            if isinstance(before, Table):  # a table has no space after it of its own
                added.paragraph_format.space_before = Pt(10)
            # A table's introduction turns the page with it, not alone under its heading.
            added.paragraph_format.keep_with_next = isinstance(after, Table)
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
    widths = [Mm(width) for width in _column_widths_mm(block)]
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width  # the grid, which LibreOffice reads
    header = _add_row(table, widths)
    for cell, text in zip(header.cells, block.header, strict=True):
        _write(cell, text, bold=True)
    _repeat_as_header(header)
    for values in block.rows:
        cells = _add_row(table, widths).cells
        if len(values) == 1:  # a group's heading, across the table (merged widths add up)
            _write(cells[0].merge(cells[-1]), values[0], bold=True)
            continue
        for cell, text in zip(cells, values, strict=True):
            _write(cell, text)
    _describe_table(table, block.caption)


def _add_row(table, widths):
    row = table.add_row()
    for cell, width in zip(row.cells, widths, strict=True):
        cell.width = width  # each cell's own, which Word reads
    _keep_on_one_page(row)
    return row


def _write(cell, text: str, *, bold: bool = False) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.style = TABLE_TEXT
    paragraph.add_run(text).bold = bold  # a newline in the text is a line break


def _column_widths_mm(block: Table) -> list[float]:
    """Each column's width, as a browser lays out a table by its content: every column at least
    as wide as its longest word (or its whole text, where that is short), and the room left over
    shared by how much more each would take to hold its longest line unbroken. A column of
    descriptors gets the room; a column of levels keeps "(Developed)" whole."""
    columns = list(zip(*(row for row in (block.header, *block.rows) if len(row) > 1), strict=True))
    least = [CELL_MM + CHAR_MM * max(map(_longest_word, column)) for column in columns]
    most = [CELL_MM + CHAR_MM * max(map(_longest_line, column)) for column in columns]
    if sum(most) <= TEXT_WIDTH_MM:  # everything fits on one line: spread it over the width
        return [w * TEXT_WIDTH_MM / sum(most) for w in most]
    if sum(least) >= TEXT_WIDTH_MM:  # cannot fit unbroken: shrink every column alike
        return [w * TEXT_WIDTH_MM / sum(least) for w in least]
    spare, wanted = TEXT_WIDTH_MM - sum(least), sum(most) - sum(least)
    return [lo + spare * (hi - lo) / wanted for lo, hi in zip(least, most, strict=True)]


def _longest_word(text: str) -> int:
    if len(text) <= UNBROKEN:
        return len(text)
    return max((len(word) for word in text.split()), default=0)


def _longest_line(text: str) -> int:
    return max((len(line) for line in text.splitlines()), default=0)


def _keep_on_one_page(row) -> None:
    """A row is not split across two pages (w:cantSplit): a reader never has to turn over to
    finish one factor's descriptor. A row longer than a page still runs on."""
    from docx.oxml import OxmlElement

    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


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


def _set_styles(paper) -> None:
    """One font throughout, in place of the template's theme fonts (Calibri headings over
    Cambria text); headings and captions in INK; a little space under each heading; and the
    paragraph style of the tables' text."""
    from docx.enum.style import WD_STYLE_TYPE
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    defaults = paper.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
    fonts = [defaults.find(qn("w:rPr")).find(qn("w:rFonts"))]
    fonts += [style.element.rPr.rFonts for style in paper.styles if _has_fonts(style)]
    for element in fonts:
        for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            element.attrib.pop(qn(theme), None)  # a theme font wins over a named one
        for script in ("w:ascii", "w:hAnsi", "w:cs"):
            element.set(qn(script), FONT)
    for name in ("Heading 1", "Heading 2", "Heading 3", "Caption"):
        paper.styles[name].font.color.rgb = RGBColor.from_string(INK)
    for name in ("Heading 1", "Heading 2", "Heading 3"):
        paper.styles[name].paragraph_format.space_after = Pt(4)
    table_text = paper.styles.add_style(TABLE_TEXT, WD_STYLE_TYPE.PARAGRAPH)
    table_text.base_style = paper.styles["Normal"]
    table_text.font.size = Pt(TABLE_POINTS)
    table_text.paragraph_format.space_after = Pt(0)
    table_text.paragraph_format.line_spacing = 1.0


def _has_fonts(style) -> bool:
    properties = getattr(style.element, "rPr", None)
    return properties is not None and properties.rFonts is not None


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
