"""The lock: a published framework version's content never changes once it is recorded.

No database: the lock rules for a matrix file need none.
"""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from frameworks.documents import (
    FrameworkFileError,
    default_paths,
    parse_file,
    read_lock,
)
from frameworks.services import framework_files_check
from tests.frameworks.files import as_draft, as_published, matrix_data, write_framework


def _with_descriptor(data: dict, text: str) -> dict:
    data["items"][4]["levels"][2]["descriptor"] = text
    return data


def _lock_frameworks(*paths, stderr: StringIO | None = None) -> str:
    out = StringIO()
    call_command("lock_frameworks", *map(str, paths), stdout=out, stderr=stderr or StringIO())
    return out.getvalue()


def test_it_matches_every_published_file_to_its_locked_hash():
    lock = read_lock()
    published = [parse_file(path) for path in default_paths()]
    published = [doc for doc in published if doc.data["status"] != "draft"]
    assert {doc.label for doc in published} == set(lock)  # no locked version has lost its file
    for doc in published:
        assert doc.content_hash == lock[doc.label], (
            f"{doc.path} has changed since {doc.label} was locked: "
            "a published version is immutable, so make the change a new version"
        )


def test_it_refuses_a_changed_copy_of_a_published_file(tmp_path):
    changed = _with_descriptor(matrix_data(), "Records are shared by fax between two teams.")
    path = write_framework(tmp_path, changed)
    with pytest.raises(FrameworkFileError) as refused:
        framework_files_check(paths=[path])
    assert "lga-maturity-matrix@1.0" in str(refused.value)
    assert "immutable" in str(refused.value)


def test_it_accepts_a_published_file_rewritten_without_changing_its_content(tmp_path):
    # Comments, quoting and line wrapping are not content: only a change of meaning is refused.
    path = write_framework(tmp_path, matrix_data())
    [doc] = framework_files_check(paths=[path])
    assert doc.label == "lga-maturity-matrix@1.0"


def test_it_refuses_a_published_version_missing_from_the_lock(tmp_path):
    path = write_framework(tmp_path, as_published(matrix_data(), "9.0"))
    with pytest.raises(FrameworkFileError) as refused:
        framework_files_check(paths=[path])
    assert "lga-maturity-matrix@9.0 is published but not in the lock file" in str(refused.value)
    assert "manage.py lock_frameworks" in str(refused.value)


def test_it_records_a_newly_published_version(tmp_path, lock_path):
    before = json.loads(lock_path.read_text())
    path = write_framework(tmp_path, as_published(matrix_data(), "9.0"))
    output = _lock_frameworks(path)
    assert "1 version(s) added (lga-maturity-matrix@9.0)" in output
    after = json.loads(lock_path.read_text())
    assert after == {**before, "lga-maturity-matrix@9.0": parse_file(path).content_hash}
    assert framework_files_check(paths=[path])  # now accepted


def test_it_leaves_drafts_and_known_versions_out_of_the_lock(tmp_path, lock_path):
    before = lock_path.read_text()
    draft = write_framework(tmp_path, as_draft(matrix_data(), "9.0"))
    output = _lock_frameworks(draft, *default_paths())
    assert "0 version(s) added (none)" in output
    assert lock_path.read_text() == before


def test_it_refuses_to_record_new_content_for_a_locked_version(tmp_path, lock_path):
    path = write_framework(tmp_path, as_published(matrix_data(), "9.0"))
    _lock_frameworks(path)
    locked = lock_path.read_text()
    write_framework(tmp_path, _with_descriptor(as_published(matrix_data(), "9.0"), "X" * 40))
    err = StringIO()
    with pytest.raises(CommandError, match="Lock not written"):
        _lock_frameworks(path, stderr=err)
    assert "lga-maturity-matrix@9.0 differs from its locked content" in err.getvalue()
    assert lock_path.read_text() == locked


def test_it_refuses_to_record_a_changed_copy_of_version_1_0(tmp_path, lock_path):
    locked = lock_path.read_text()
    path = write_framework(tmp_path, _with_descriptor(matrix_data(), "Y" * 40))
    with pytest.raises(CommandError):
        _lock_frameworks(path)
    assert lock_path.read_text() == locked
