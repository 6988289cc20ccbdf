"""frameworks.uploads: an uploaded YAML file is refused whole, with its line named."""

import pytest
from django.utils import timezone

from frameworks.documents import FrameworkFileError
from frameworks.uploads import framework_file_read
from tests.frameworks.files import MATRIX_1_1_FILE

pytestmark = pytest.mark.django_db


def _yaml(old: str = "", new: str = "") -> bytes:
    """Matrix 1.1 under a slug of its own, with ``old`` replaced by ``new``."""
    text = MATRIX_1_1_FILE.read_text(encoding="utf-8")
    text = text.replace("slug: lga-maturity-matrix", "slug: our-matrix")
    return text.replace(old, new).encode("utf-8") if old else text.encode("utf-8")


def _problems(content: bytes, name: str = "framework.yaml") -> list[str]:
    with pytest.raises(FrameworkFileError) as refused:
        framework_file_read(name=name, content=content)
    return [str(problem) for problem in refused.value.problems]


def test_it_reads_an_upload_as_published_today_unless_it_says_when():
    document = framework_file_read(name="framework.yaml", content=_yaml())
    assert document.data["status"] == "published"
    assert document.data["published"] == "2026-11-23"
    draft = _yaml('status: published\npublished: "2026-11-23"', "status: draft")
    read = framework_file_read(name="draft.yaml", content=draft).data
    assert (read["status"], read["published"]) == ("published", timezone.localdate().isoformat())


def test_it_refuses_yaml_aliases_which_could_stand_for_billions_of_values():
    content = b"slug: &a our-matrix\ntitle: *a\n"
    assert _problems(content) == [
        "framework.yaml: line 2: an alias (*name): write the content out in full"
    ]


def test_it_names_the_line_of_a_yaml_syntax_error():
    content = b"slug: our-matrix\nitems: [unclosed\n"
    assert _problems(content)[0].startswith("framework.yaml: line 3: not valid YAML")


@pytest.mark.parametrize(
    "content, problem",
    [
        (b"slug: our-matrix\x00\n", "not valid YAML"),
        ("slug: ör".encode("latin-1"), "the file is not UTF-8 text"),
    ],
    ids=["NUL", "latin-1"],
)
def test_it_refuses_what_is_not_text(content, problem):
    assert problem in _problems(content)[0]


def test_it_refuses_a_file_over_2_mb_before_parsing_it():
    assert _problems(b"#" * (2 * 2**20 + 1)) == ["framework.yaml: the file is larger than 2 MB"]
