"""Uploading a framework through its pages: staff only; checked, previewed, then published once."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook
from webtest import Upload

from frameworks.models import FrameworkUpload, FrameworkVersion
from tests.frameworks.files import LESSONS_1_1_FILE, MATRIX_1_1_FILE
from tests.frameworks.workbooks import as_upload, cell, edited, renamed, shipped_workbook

pytestmark = pytest.mark.django_db

UPLOAD_URL = "/frameworks/upload/"


def _upload(django_app, user, content: bytes, name: str = "framework.xlsx"):
    """Fetch the upload page and post its own form back with the file; the response."""
    page = django_app.get(UPLOAD_URL, user=user)
    form = page.forms["upload-form"]
    form["file"] = Upload(name, content)
    return form.submit(user=user, expect_errors=True)


def _problems(response) -> list[str]:
    return [str(problem) for problem in response.context["problems"]]


def _published(django_app, user, content: bytes, name: str = "framework.xlsx"):
    preview = _upload(django_app, user, content, name).follow(user=user)
    return preview.forms["publish-form"].submit(user=user).follow(user=user)


def test_it_previews_an_upload_then_publishes_it(django_app, staff):
    content = edited(shipped_workbook(), *renamed("our-matrix", "1.0"))
    checked = _upload(django_app, staff, content)
    assert checked.status_code == 302
    preview = checked.follow(user=staff)
    assert "Check Integration maturity matrix: nine factors before it is published" in preview
    assert "Nothing is published yet" in preview
    assert "9, each scored on 4 levels" in preview
    assert "none: a new framework" in preview
    assert not FrameworkVersion.objects.filter(framework__slug="our-matrix").exists()

    page = preview.forms["publish-form"].submit(user=staff).follow(user=staff)

    assert "Published Integration maturity matrix: nine factors 1.0." in page
    version = FrameworkVersion.objects.get(framework__slug="our-matrix")
    assert version.is_published
    assert version.items.count() == 9
    assert FrameworkUpload.objects.get().published == version


def test_it_takes_a_yaml_file_in_the_fixtures_shape(django_app, staff):
    text = MATRIX_1_1_FILE.read_text(encoding="utf-8")
    text = text.replace("slug: lga-maturity-matrix", "slug: our-yaml-matrix")
    page = _published(django_app, staff, text.encode(), name="matrix.yaml")
    assert page.request.path == "/frameworks/our-yaml-matrix/1.1/"
    assert FrameworkVersion.objects.get(framework__slug="our-yaml-matrix").items.count() == 9


def test_it_names_the_line_of_a_bad_yaml_file(django_app, staff):
    text = LESSONS_1_1_FILE.read_text(encoding="utf-8")
    text = text.replace("slug: kingsfund-16-lessons", "slug: our-lessons")
    text = text.replace("related: [leadership, care-model, workforce]", "related: [leader]")
    response = _upload(django_app, staff, text.encode(), name="lessons.yaml")
    assert response.status_code == 400
    assert _problems(response) == [
        "lessons.yaml: line 148 (items[1].related): "
        "lesson-02: 'leader' is not an item of lga-maturity-matrix@1.1"
    ]
    assert not FrameworkUpload.objects.exists()


def test_it_publishes_an_upload_once_however_often_publish_is_pressed(client, staff):
    client.force_login(staff)
    content = edited(shipped_workbook(), *renamed("our-matrix"))
    preview_url = client.post(UPLOAD_URL, {"file": as_upload(content)})["Location"]
    first = client.post(preview_url)
    second = client.post(preview_url, follow=True)
    assert first["Location"] == second.redirect_chain[-1][0] == "/frameworks/our-matrix/1.1/"
    assert "is published already" in second.text
    assert FrameworkVersion.objects.filter(framework__slug="our-matrix").count() == 1


def test_it_refuses_a_version_that_is_published_already(client, staff):
    client.force_login(staff)
    content = edited(shipped_workbook(), *renamed("our-matrix"))
    preview_url = client.post(UPLOAD_URL, {"file": as_upload(content)})["Location"]
    # The same file again, checked before the first was published: refused when it publishes.
    late_url = client.post(UPLOAD_URL, {"file": as_upload(content)})["Location"]
    client.post(preview_url)

    again = client.post(UPLOAD_URL, {"file": as_upload(content)})
    late = client.post(late_url)

    for response in (again, late):
        assert "our-matrix 1.1 is already published; a change of content is a new version" in (
            response.text
        )
    assert again.status_code == 400
    assert late.status_code == 409
    assert FrameworkVersion.objects.filter(framework__slug="our-matrix").count() == 1


def test_it_compares_a_second_version_of_an_upload_on_shared_keys(django_app, staff):
    first = edited(shipped_workbook(), *renamed("our-matrix", "1.0"))
    _published(django_app, staff, first)
    second = edited(
        first,
        cell("Framework", "B3", "1.1"),
        cell(
            "Descriptors", "D2", "Nothing yet measured, not even the process changes a pilot makes."
        ),
        # Leadership, the last factor, dropped with its four levels.
        lambda book: book["Items"].delete_rows(10),
        lambda book: book["Descriptors"].delete_rows(34, 4),
    )
    preview = _upload(django_app, staff, second).follow(user=staff)
    assert "1.0: the changes are listed below" in preview
    assert "What changed since version 1.0" in preview
    changes = preview.html.find(id="changes")
    impact = changes.find(id="changes-impact").text
    assert "Level 1" in impact
    assert "Nothing yet measured, not even the process changes a pilot makes." in impact
    assert "Leadership (removed)" in changes.text

    page = preview.forms["publish-form"].submit(user=staff).follow(user=staff)
    assert "What changed since version 1.0" in page
    assert [v.version for v in FrameworkVersion.objects.filter(framework__slug="our-matrix")] == [
        "1.1",
        "1.0",
    ]


def test_it_refuses_an_earlier_version_number_than_the_latest(django_app, staff):
    _published(django_app, staff, edited(shipped_workbook(), *renamed("our-matrix", "2.0")))
    response = _upload(django_app, staff, edited(shipped_workbook(), *renamed("our-matrix", "1.5")))
    assert response.status_code == 400
    assert _problems(response) == [
        "framework.xlsx: sheet Framework, cell B3 (version): "
        "a new version of our-matrix comes after 2.0"
    ]


@pytest.mark.parametrize("who", ["respondent", "lead", "analyst"])
def test_it_refuses_the_upload_pages_to_anyone_but_staff(client, request, who, staff):
    client.force_login(staff)
    content = edited(shipped_workbook(), *renamed("our-matrix"))
    preview_url = client.post(UPLOAD_URL, {"file": as_upload(content)})["Location"]
    client.force_login(request.getfixturevalue(who))
    assert client.get(UPLOAD_URL).status_code == 403
    assert client.post(UPLOAD_URL, {"file": as_upload(content)}).status_code == 403
    assert client.get(preview_url).status_code == 403
    assert client.post(preview_url).status_code == 403
    assert not FrameworkVersion.objects.filter(framework__slug="our-matrix").exists()


def test_it_sends_someone_signed_out_to_sign_in(client):
    response = client.get(UPLOAD_URL)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={UPLOAD_URL}"


def test_it_answers_404_for_an_unknown_upload(client, staff):
    client.force_login(staff)
    response = client.get("/frameworks/upload/0b7e1d52-3f3c-4c8e-9a51-1f0d4f3c2a10/")
    assert response.status_code == 404


def test_it_refuses_a_file_that_is_neither_workbook_nor_yaml(client, staff):
    client.force_login(staff)
    upload = SimpleUploadedFile("scores.csv", b"respondent,framework\n")
    response = client.post(UPLOAD_URL, {"file": upload})
    assert response.status_code == 400
    assert "Upload an XLSX workbook (.xlsx) or a YAML file (.yaml)." in response.text


def test_it_lists_uploaded_frameworks_with_their_workbooks(django_app, staff, respondent):
    _published(django_app, staff, edited(shipped_workbook(), *renamed("our-matrix")))
    page = django_app.get("/frameworks/", user=staff)
    section = page.html.find("section", attrs={"aria-labelledby": "fw-our-matrix"})
    assert "Uploaded" in section.text
    assert section.find("a", href="/frameworks/our-matrix/1.1/workbook.xlsx")
    assert page.html.find("a", href=UPLOAD_URL)
    shipped = page.html.find("section", attrs={"aria-labelledby": "fw-lga-maturity-matrix"})
    assert "Uploaded" not in shipped.text
    assert not django_app.get("/frameworks/", user=respondent).html.find("a", href=UPLOAD_URL)


def test_it_downloads_a_version_as_a_workbook_for_anyone_signed_in(client, respondent):
    client.force_login(respondent)
    response = client.get("/frameworks/kingsfund-16-lessons/1.1/workbook.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.sheetnames == ["Framework", "Scale", "Items", "Descriptors"]
    assert book["Framework"]["B2"].value == "kingsfund-16-lessons"
    assert book["Framework"]["B11"].value == "lga-maturity-matrix 1.1"
    assert book["Items"].max_row == 17  # a header and sixteen lessons
    assert client.get("/frameworks/kingsfund-16-lessons/7.0/workbook.xlsx").status_code == 404
