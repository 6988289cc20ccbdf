"""An item may name the items of another framework it corresponds to: ``mapped_framework`` at
the top of the file and ``corresponds_to`` on each item, as ``related_framework`` and
``related`` name the factors a lesson bears on."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from frameworks.documents import parse_file
from frameworks.models import Framework, FrameworkVersion
from frameworks.selectors import framework_version_document, framework_version_get
from frameworks.uploads import framework_file_read, framework_upload_publish, framework_upload_stash
from frameworks.workbook import workbook_write
from frameworks.workbook_reader import workbook_read
from tests.frameworks.files import as_draft, published_data, write_framework

pytestmark = pytest.mark.django_db

LESSONS = {"slug": "kingsfund-16-lessons", "version": "1.1"}


def _mapped_matrix(slug: str = "mapped-matrix") -> dict:
    """A copy of matrix 1.1 whose factors correspond to lessons."""
    data = as_draft({**published_data("lga-maturity-matrix", "1.1"), "slug": slug}, "1.0")
    data["mapped_framework"] = dict(LESSONS)
    data["items"][0]["corresponds_to"] = ["lesson-16", "lesson-01"]
    data["items"][5]["corresponds_to"] = ["lesson-08"]
    return data


def _keys(version: FrameworkVersion, key: str) -> list[str]:
    item = version.items.get(key=key)
    return sorted(item.corresponds_to.values_list("key", flat=True))


def test_it_loads_the_items_each_item_corresponds_to(tmp_path):
    path = write_framework(tmp_path, _mapped_matrix())
    call_command("load_frameworks", str(path), stdout=StringIO())
    version = framework_version_get(slug="mapped-matrix", version="1.0")
    assert version.mapped_version == framework_version_get(**LESSONS)
    assert _keys(version, "impact") == ["lesson-01", "lesson-16"]
    assert _keys(version, "commissioning-and-payment") == ["lesson-08"]
    assert _keys(version, "place") == []
    lesson_1 = version.mapped_version.items.get(key="lesson-01")
    assert list(lesson_1.corresponded_by.values_list("key", flat=True)) == ["impact"]


def test_it_exports_the_mapping_so_it_hashes_as_the_file_does(tmp_path):
    path = write_framework(tmp_path, _mapped_matrix())
    call_command("load_frameworks", str(path), stdout=StringIO())
    document = framework_version_document(
        framework_version_get(slug="mapped-matrix", version="1.0")
    )
    assert document["mapped_framework"] == LESSONS
    assert document["items"][0]["corresponds_to"] == ["lesson-01", "lesson-16"]
    assert "corresponds_to" not in document["items"][1]
    stored = FrameworkVersion.objects.get(framework__slug="mapped-matrix").content_hash
    assert stored == parse_file(path).content_hash


def test_it_keeps_the_hashes_of_files_without_a_mapping():
    shipped = framework_version_get(slug="lga-maturity-matrix", version="1.1")
    assert "mapped_framework" not in framework_version_document(shipped)
    document = workbook_read("matrix.xlsx", workbook_write(framework_version_document(shipped)))
    assert document.content_hash == shipped.content_hash


@pytest.mark.parametrize(
    "change, problem",
    [
        (
            lambda data: data.pop("mapped_framework"),
            "'corresponds_to' needs 'mapped_framework' at the top of the file",
        ),
        (
            lambda data: data["items"][0]["corresponds_to"].append("lesson-99"),
            "impact: 'lesson-99' is not an item of kingsfund-16-lessons@1.1",
        ),
        (
            lambda data: data.update(
                mapped_framework={"slug": "kingsfund-16-lessons", "version": "9.9"}
            ),
            "kingsfund-16-lessons@9.9 is not loaded",
        ),
        (
            lambda data: data.update(mapped_framework={"slug": "mapped-matrix", "version": "1.0"}),
            "'mapped_framework' names another framework",
        ),
    ],
    ids=["no mapped framework", "unknown key", "version not loaded", "its own framework"],
)
def test_it_refuses_a_mapping_it_cannot_follow_and_loads_nothing(tmp_path, change, problem):
    data = _mapped_matrix()
    change(data)
    path = write_framework(tmp_path, data)
    err = StringIO()
    with pytest.raises(CommandError, match="nothing was loaded"):
        call_command("load_frameworks", str(path), stdout=StringIO(), stderr=err)
    assert problem in err.getvalue()
    assert not Framework.objects.filter(slug="mapped-matrix").exists()


def test_it_publishes_an_uploaded_mapping_and_downloads_it_again(staff):
    data = _mapped_matrix("uploaded-mapped-matrix")
    content = workbook_write(data)
    document = framework_file_read(name="mapped.xlsx", content=content)
    upload = framework_upload_stash(document=document, user=staff, filename="mapped.xlsx")
    version = framework_upload_publish(upload=upload)
    assert _keys(version, "impact") == ["lesson-01", "lesson-16"]
    again = workbook_write(
        framework_version_document(
            framework_version_get(slug="uploaded-mapped-matrix", version="1.0")
        )
    )
    assert workbook_read("again.xlsx", again).content_hash == version.content_hash
