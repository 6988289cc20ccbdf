"""Framework workbooks: the shipped matrix round-trips through its download, and a bad workbook
is refused whole, with the cell of every problem named and nothing stored."""

import io
import zipfile

import pytest
from openpyxl import load_workbook

from frameworks.documents import FrameworkFileError, canonical, content_hash
from frameworks.models import FrameworkUpload, FrameworkVersion
from frameworks.selectors import framework_version_document, framework_version_get
from frameworks.uploads import framework_file_read
from frameworks.workbook import workbook_write
from frameworks.workbook_reader import workbook_read
from tests.frameworks.workbooks import as_upload, cell, edited, renamed, shipped_workbook

pytestmark = pytest.mark.django_db

UPLOAD_URL = "/frameworks/upload/"


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def _content(document: dict) -> dict:
    """What a version holds, whatever its slug: items, levels, descriptors and the rest."""
    return {k: v for k, v in canonical(document).items() if k not in ("slug", "status")}


@pytest.mark.parametrize("slug", ["lga-maturity-matrix", "kingsfund-16-lessons"])
def test_it_reads_back_the_workbook_of_each_shipped_framework_unchanged(slug):
    shipped = framework_version_get(slug=slug, version="1.1")
    document = workbook_read("download.xlsx", shipped_workbook(slug, "1.1"))
    assert document.content_hash == shipped.content_hash


def test_it_round_trips_the_shipped_matrix_through_download_and_upload(staff_client):
    download = staff_client.get("/frameworks/lga-maturity-matrix/1.1/workbook.xlsx")
    assert download.status_code == 200
    assert download["Content-Disposition"] == (
        'attachment; filename="lga-maturity-matrix-1.1.xlsx"'
    )
    content = edited(b"".join(download.streaming_content), *renamed("our-matrix"))

    checked = staff_client.post(UPLOAD_URL, {"file": as_upload(content)})
    assert checked.status_code == 302
    published = staff_client.post(checked["Location"])
    assert published["Location"] == "/frameworks/our-matrix/1.1/"

    shipped = framework_version_get(slug="lga-maturity-matrix", version="1.1")
    uploaded = framework_version_get(slug="our-matrix", version="1.1")
    original = framework_version_document(shipped)
    assert _content(framework_version_document(uploaded)) == _content(original)
    assert uploaded.content_hash == content_hash(canonical({**original, "slug": "our-matrix"}))
    assert uploaded.is_published
    assert not uploaded.framework.shipped
    impact = uploaded.items.get(key="impact")
    assert [d.descriptor for d in impact.descriptors.all()] == [
        d.descriptor for d in shipped.items.get(key="impact").descriptors.all()
    ]


def _hostile_rows(book):
    sheet = book["Items"]
    for number in range(5_000):
        sheet.append([f"item-{number}", None, "A title", "no", "Section 1"])


def _too_many_items(book):
    sheet = book["Items"]
    for number in range(200):
        sheet.append([f"item-{number}", None, "A title", "no", "Section 1"])


BAD_WORKBOOKS = {
    # A level missing: impact's level 4 (row 5 of Descriptors) removed.
    "missing level": (
        [lambda book: book["Descriptors"].delete_rows(5)],
        "sheet Descriptors, cell A2 (items[0].levels)",
        "impact: needs one descriptor for each scale value [1, 2, 3, 4], has [1, 2, 3]",
    ),
    "duplicate key": (
        [cell("Items", "A3", "impact")],
        "sheet Items, cell A3",
        "key 'impact' is also on row 2",
    ),
    "level without a descriptor": (
        [cell("Descriptors", "D7", None)],
        "sheet Descriptors, cell D7 (items[1].levels[1])",
        "'descriptor' is a required property",
    ),
    "level given twice": (
        [cell("Descriptors", "B3", 1)],
        "sheet Descriptors, cell B3",
        "level 1 of 'impact' is also on row 2",
    ),
    "over 200 items": (
        [_too_many_items],
        "sheet Items, cell A202",
        "more than 200 items; a framework has at most 200",
    ),
    "formula": (
        [cell("Items", "C3", "=UPPER(A3)")],
        "sheet Items, cell C3",
        "a formula: type the value itself, not a formula",
    ),
    "5,000 rows": (
        [_hostile_rows],
        "sheet Items, cell A5001",
        "the sheet goes on past row 5,000",
    ),
    "text too short": (
        [cell("Items", "F4", "Short.")],
        "sheet Items, cell F4 (items[2].summary)",
        "'Short.' is too short",
    ),
    "unknown mapped key": (
        [
            cell("Framework", "B12", "kingsfund-16-lessons 1.1"),
            cell("Items", "J2", "lesson-01\nno-such-lesson"),
        ],
        "sheet Items, cell J2 (items[0].corresponds_to)",
        "impact: 'no-such-lesson' is not an item of kingsfund-16-lessons@1.1",
    ),
    "a shipped slug": (
        [cell("Framework", "B3", "9.0")],
        "sheet Framework, cell B2 (slug)",
        "lga-maturity-matrix ships with the product",
    ),
    "not a date": (
        [cell("Framework", "B5", "2026-02-30")],
        "sheet Framework, cell B5 (published)",
        "not a date (YYYY-MM-DD)",
    ),
    "version out of range": (
        [cell("Framework", "B3", "12345.1")],
        "sheet Framework, cell B3 (version)",
        "'12345.1' does not match",
    ),
    "number out of range": (
        [cell("Items", "B2", 40_000)],
        "sheet Items, cell B2 (items[0].number)",
        "40000 is greater than the maximum of 999",
    ),
    "descriptor of no item": (
        [cell("Descriptors", "A2", "impacts")],
        "sheet Descriptors, cell A2",
        "'impacts' is not the key of an item in sheet Items",
    ),
}


@pytest.mark.parametrize("case", list(BAD_WORKBOOKS))
def test_it_refuses_a_bad_workbook_naming_the_cell_and_storing_nothing(staff_client, case):
    edits, location, message = BAD_WORKBOOKS[case]
    if case != "a shipped slug":
        edits = [*renamed("our-matrix"), *edits]
    content = edited(shipped_workbook(), *edits)
    versions = FrameworkVersion.objects.count()

    response = staff_client.post(UPLOAD_URL, {"file": as_upload(content)})

    assert response.status_code == 400
    problems = [str(p) for p in response.context["problems"]]
    assert f"framework.xlsx: {location}: {message}" in "\n".join(problems)
    assert "Nothing was stored" in response.text
    assert location in response.text
    assert FrameworkVersion.objects.count() == versions
    assert not FrameworkUpload.objects.exists()


def _zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<a>" + b" " * (12 * 2**20) + b"</a>")
    return out.getvalue()


@pytest.mark.parametrize(
    "content, message",
    [
        (b"PK\x03\x04 and then nothing a zip holds", "the file is not a valid XLSX workbook"),
        (b"Just some text, saved as .xlsx", "the file is not a valid XLSX workbook"),
        (b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "an old .xls workbook or has a password"),
        (_zip_bomb(), "the workbook unpacks to 12.0 MB"),
    ],
    ids=["damaged zip", "not a zip", "old xls", "zip bomb"],
)
def test_it_refuses_a_damaged_or_hostile_workbook_before_opening_it(staff_client, content, message):
    response = staff_client.post(UPLOAD_URL, {"file": as_upload(content)})
    assert response.status_code == 400
    assert message in response.text
    assert not FrameworkUpload.objects.exists()


def test_it_refuses_a_workbook_over_2_mb_before_reading_it(staff_client):
    response = staff_client.post(UPLOAD_URL, {"file": as_upload(b"PK\x03\x04" + b"x" * 2**21)})
    assert response.status_code == 400
    assert "The file is larger than 2.0\xa0MB" in response.text
    assert not FrameworkUpload.objects.exists()


def test_it_refuses_a_50_mb_upload_from_its_stated_length(staff_client):
    # The body is small; its Content-Length says 50 MB.
    response = staff_client.post(
        UPLOAD_URL,
        {"file": as_upload(shipped_workbook())},
        CONTENT_LENGTH=str(50 * 2**20),
    )
    assert response.status_code == 413
    assert not FrameworkUpload.objects.exists()


def test_it_names_every_formula_not_only_the_first():
    content = edited(
        shipped_workbook(), cell("Scale", "C2", "=1+1"), cell("Descriptors", "D9", "=B9")
    )
    with pytest.raises(FrameworkFileError) as refused:
        framework_file_read(name="formulas.xlsx", content=content)
    # The formulas first; then what the text they hold breaks ("=1+1" is too short).
    assert [p.location for p in refused.value.problems][:2] == [
        "sheet Scale, cell C2",
        "sheet Descriptors, cell D9",
    ]


def test_it_lists_the_formulas_with_the_other_problems_of_the_file():
    content = edited(
        shipped_workbook(),
        *renamed("our-matrix"),
        cell("Items", "C4", "=A1"),
        cell("Items", "A3", "impact"),
    )
    with pytest.raises(FrameworkFileError) as refused:
        framework_file_read(name="many.xlsx", content=content)
    locations = [p.location for p in refused.value.problems]
    assert locations[:2] == ["sheet Items, cell C4", "sheet Items, cell A3"]
    assert "sheet Descriptors, cell A6" in locations  # place's levels name no item now


def test_it_writes_text_that_starts_like_a_formula_as_text():
    document = framework_version_document(
        framework_version_get(slug="lga-maturity-matrix", version="1.1")
    )
    document["items"][0]["title"] = '=HYPERLINK("http://example.org")'

    book = load_workbook(io.BytesIO(workbook_write(document)))
    assert book["Items"]["C2"].data_type == "s"
    assert (
        workbook_read("x.xlsx", workbook_write(document)).data["items"][0]["title"]
        == (document["items"][0]["title"])
    )
