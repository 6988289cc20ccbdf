"""A person with a distinctive name, in rounds of his place: what "Your data", erasure and
retention are tried on (tests/accounts/personal_data_rounds.py builds them)."""

import pytest

from .personal_data_rounds import fake_pdf_renders, make_zebedee, private_media


@pytest.fixture
def media(settings, tmp_path):
    return private_media(settings, tmp_path)


@pytest.fixture
def fake_render(monkeypatch):
    return fake_pdf_renders(monkeypatch)


@pytest.fixture
def zebedee(make_person, place):
    return make_zebedee(make_person, place)
