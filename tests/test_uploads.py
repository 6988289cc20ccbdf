"""An upload is refused from its headers: who sends it and how big it says it is, before a byte
of its body is read (Django would stream a file in it to disk first)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, FakePayload, encode_multipart
from django.urls import reverse

from assessment.models import Response

pytestmark = pytest.mark.django_db

SCORES = b"respondent,framework,item,current\nGrace Okafor,lga-maturity-matrix,impact,2\n"


class WatchedBody(FakePayload):
    """A request body that notes whether anything read it."""

    read_from = False

    def read(self, *args, **kwargs):
        self.read_from = True
        return super().read(*args, **kwargs)

    def readline(self, *args, **kwargs):
        self.read_from = True
        return super().readline(*args, **kwargs)


def _csrf_client() -> Client:
    """A browser's client: the CSRF check runs, and reads the posted form for its token."""
    client = Client(enforce_csrf_checks=True)
    client.get(reverse("login"))
    return client


def _post_file(client, url, content: bytes, **extra):
    """Post a file as the import page's form does; (response, the body as sent)."""
    token = client.cookies["csrftoken"].value if "csrftoken" in client.cookies else ""
    fields = {"csrfmiddlewaretoken": token, "file": SimpleUploadedFile("scores.csv", content)}
    sent = encode_multipart(BOUNDARY, fields)
    body = WatchedBody(sent)
    response = client.generic("POST", url, sent, MULTIPART_CONTENT, **{"wsgi.input": body, **extra})
    return response, body


def _import_url(assessment) -> str:
    return reverse("assessment-import", args=[assessment.pk])


@pytest.mark.parametrize("who, status", [("respondent", 403), ("viewer", 403), ("outsider", 404)])
def test_it_refuses_an_upload_from_someone_who_may_not_import_before_reading_it(
    request, open_round, who, status
):
    client = _csrf_client()
    client.force_login(request.getfixturevalue(who))
    response, body = _post_file(client, _import_url(open_round), SCORES)
    assert response.status_code == status
    assert not body.read_from


def test_it_sends_someone_signed_out_to_sign_in_before_reading_their_upload(open_round):
    response, body = _post_file(_csrf_client(), _import_url(open_round), SCORES)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not body.read_from


def test_it_refuses_a_file_over_the_limit_before_reading_it(settings, lead, open_round):
    settings.SCORE_UPLOAD_MAX_BYTES = 100 * 1024
    client = _csrf_client()
    client.force_login(lead)
    response, body = _post_file(client, _import_url(open_round), b"x" * (3 * 1024 * 1024))
    assert response.status_code == 413
    assert "larger than this page takes (100.0\xa0KB). Choose a smaller one." in response.text
    assert not body.read_from


def test_it_refuses_a_300_mb_upload_from_its_stated_length_alone(lead, open_round):
    client = _csrf_client()
    client.force_login(lead)
    # The body is small; its Content-Length says 300 MB, as the probe's did.
    response, body = _post_file(
        client, _import_url(open_round), SCORES, CONTENT_LENGTH=str(300 * 1024 * 1024)
    )
    assert response.status_code == 413
    assert not body.read_from


def test_it_refuses_a_body_larger_than_any_page_takes_wherever_it_is_sent():
    # The sign-in page reads a posted form (and any file in it) for anyone, signed in or not.
    response, body = _post_file(_csrf_client(), reverse("login"), b"x" * (6 * 1024 * 1024))
    assert response.status_code == 413
    assert "That is more than this site takes in one go (5.0\xa0MB)." in response.text
    assert not body.read_from


def test_it_still_takes_the_lead_s_upload_within_the_limit(lead, open_round):
    client = _csrf_client()
    client.force_login(lead)
    client.get(_import_url(open_round))  # the page the lead uploads from
    response, body = _post_file(client, _import_url(open_round), SCORES)
    assert response.status_code == 200
    assert "Grace Okafor" in response.text
    assert body.read_from
    assert not Response.objects.exists()  # shown first, imported only on the go-ahead


def test_it_refuses_a_framework_upload_from_anyone_but_staff_before_reading_it(respondent):
    client = _csrf_client()
    client.force_login(respondent)
    response, body = _post_file(client, reverse("frameworks-upload"), b"slug: x\n")
    assert response.status_code == 403
    assert not body.read_from


def test_it_refuses_a_framework_file_over_2_mb_before_reading_it(staff):
    client = _csrf_client()
    client.force_login(staff)
    response, body = _post_file(client, reverse("frameworks-upload"), b"x" * (3 * 1024 * 1024))
    assert response.status_code == 413
    assert not body.read_from
