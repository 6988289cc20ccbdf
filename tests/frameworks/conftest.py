import shutil

import pytest

from frameworks import documents


@pytest.fixture
def lock_path(tmp_path, monkeypatch):
    """A copy of the real lock file that a test may add to, leaving fixtures/ untouched."""
    path = tmp_path / "frameworks.lock.json"
    shutil.copyfile(documents.LOCK_PATH, path)
    monkeypatch.setattr(documents, "LOCK_PATH", path)
    return path
