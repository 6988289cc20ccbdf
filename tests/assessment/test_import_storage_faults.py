"""Workshop scores when the file storage fails: the lead is told plainly, an import that has
committed stands and is reported as done, and one upload is never imported twice."""

import errno

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessment.models import Response
from tests.assessment.forms_helper import page_form

pytestmark = pytest.mark.django_db

SCORES = b"""respondent,framework,item,current,target,evidence
Grace Okafor,lga-maturity-matrix,impact,2,3,Admissions fell 6%.
Dan Reilly,lga-maturity-matrix,impact,3,4,
"""
STORAGE_DOWN = "the site&#x27;s file storage is not working. Nothing was imported"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def url(open_round):
    return reverse("assessment-import", args=[open_round.pk])


def _storage_refuses(monkeypatch, *methods: str) -> None:
    def refuse(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system")

    for method in methods:
        monkeypatch.setattr(default_storage, method, refuse)


def _upload(client, url):
    data = page_form(client.get(url)).data()
    data["file"] = SimpleUploadedFile("workshop.csv", SCORES)
    return client.post(url, data, follow=True)


def _confirm(client, url, preview):
    form = page_form(preview, url)
    form.fill(add_respondents="on")
    return client.post(url, form.data(), follow=True)


def test_it_says_so_when_storage_cannot_keep_an_upload_for_its_preview(
    lead_client, url, monkeypatch
):
    _storage_refuses(monkeypatch, "save")
    response = _upload(lead_client, url)
    assert response.status_code == 503
    assert "The file could not be kept while you check what it would import" in response.text
    assert STORAGE_DOWN in response.text


def test_it_still_previews_when_storage_will_not_list_old_uploads(
    lead_client, url, monkeypatch, caplog
):
    _storage_refuses(monkeypatch, "listdir")
    response = _upload(lead_client, url)
    assert response.status_code == 200
    assert "Grace Okafor" in response.text
    assert "Uploads kept over a day were not swept" in caplog.text


def test_it_imports_and_says_so_when_storage_cannot_remove_the_upload_afterwards(
    lead_client, url, monkeypatch, caplog
):
    preview = _upload(lead_client, url)
    _storage_refuses(monkeypatch, "delete")
    response = _confirm(lead_client, url, preview)
    assert "Imported 2 scores from 2 respondents (2 new)" in response.text
    assert Response.objects.count() == 2
    assert "could not be removed" in caplog.text


def test_it_never_imports_one_upload_twice_when_storage_could_not_remove_it(
    lead_client, url, monkeypatch
):
    preview = _upload(lead_client, url)
    _storage_refuses(monkeypatch, "delete")
    _confirm(lead_client, url, preview)
    again = _confirm(lead_client, url, preview)  # the browser's back button, and the button again
    assert "That upload has expired or was already imported" in again.text
    assert "Imported" not in again.text


def test_it_says_so_when_storage_cannot_read_an_upload_back(lead_client, url, monkeypatch):
    preview = _upload(lead_client, url)
    _storage_refuses(monkeypatch, "open")
    response = _confirm(lead_client, url, preview)
    assert "The file kept for this preview could not be read back" in response.text
    assert STORAGE_DOWN in response.text
    assert not Response.objects.exists()
