"""GET /compare/board-pack.zip: the report PDF of each chosen round the reader may open, in one
zip with an index, for analysts and staff (Chromium and WeasyPrint stand aside: `fake_render`;
the index page is real)."""

import io
import zipfile

import pytest
from django.tasks import task_backends
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from assessment.models import Place
from reports import pack

from .compare_data import chosen
from .pages import download

pytestmark = pytest.mark.django_db

URL = reverse("reports-compare-pack")
BUTTON = "Board pack of these places"
INDEX = "00-index.pdf"
RIVERSIDE = "riverside-borough-2026-q2-integration-maturity.pdf"
WESTFIELD = "westfield-borough-2026-q2-integration-maturity.pdf"
NORTHMOOR = "northmoor-integrated-care-system-2026-q2-integration-maturity.pdf"


def unpacked(response) -> dict[str, bytes]:
    body = b"".join(response.streaming_content)
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def index_text(files: dict[str, bytes]) -> str:
    reader = PdfReader(io.BytesIO(files[INDEX]))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


@pytest.fixture
def queue_only(settings):
    """A queue that keeps what is put on it and runs nothing: a worker would make the pack."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


# --- the pack ---------------------------------------------------------------------------------


def test_it_serves_a_zip_of_each_chosen_round_s_report_with_an_index(
    client, analyst, shared_places, media, fake_render
):
    client.force_login(analyst)
    response = client.get(URL, chosen(shared_places["riverside"], shared_places["westfield"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    today = timezone.localdate()
    assert download(response) == ("attachment", f"board-pack-{today:%Y-%m-%d}.zip")
    files = unpacked(response)
    assert set(files) == {INDEX, RIVERSIDE, WESTFIELD}
    assert files[RIVERSIDE].startswith(b"%PDF-1.7 render")
    assert "2 closed rounds, one report each" in index_text(files)


def test_it_leaves_out_a_round_shared_anonymously_and_never_names_its_place(
    client, analyst, shared_places, media, fake_render
):
    client.force_login(analyst)
    query = chosen(shared_places["riverside"], shared_places["northmoor"])
    page = client.get(reverse("reports-compare"), query)
    assert "1 of the chosen rounds is shared anonymously and left out of it" in page.text
    files = unpacked(client.get(URL, query))
    assert set(files) == {INDEX, RIVERSIDE}
    assert "Northmoor" not in index_text(files)
    assert not any(b"Northmoor" in content for content in files.values())
    assert not any("Northmoor" in html for html in fake_render)  # its report was never made


def test_it_packs_every_chosen_round_by_name_for_staff(
    client, staff, shared_places, media, fake_render
):
    client.force_login(staff)
    files = unpacked(
        client.get(URL, chosen(shared_places["riverside"], shared_places["northmoor"]))
    )
    assert set(files) == {INDEX, RIVERSIDE, NORTHMOOR}
    assert "Northmoor Integrated Care System" in index_text(files)


def test_it_serves_the_same_pack_again_without_making_it_anew(
    client, analyst, shared_places, media, fake_render
):
    client.force_login(analyst)
    query = chosen(shared_places["riverside"], shared_places["westfield"])
    first = unpacked(client.get(URL, query))
    renders = len(fake_render)
    again = unpacked(client.get(URL, query))
    assert again == first
    assert len(fake_render) == renders


def test_it_makes_the_pack_anew_when_a_place_in_it_is_renamed(
    client, analyst, shared_places, media, fake_render
):
    client.force_login(analyst)
    query = chosen(shared_places["riverside"], shared_places["westfield"])
    client.get(URL, query)
    Place.objects.filter(code="westfield").update(name="Westfield and Downs Borough")
    files = unpacked(client.get(URL, query))
    assert "Westfield and Downs Borough" in index_text(files)


# --- made by a worker -------------------------------------------------------------------------


def test_it_says_the_pack_is_on_its_way_and_queues_it_once(
    client, analyst, shared_places, media, queue_only
):
    client.force_login(analyst)
    query = chosen(
        shared_places["riverside"], shared_places["northmoor"], shared_places["westfield"]
    )
    for _ in range(3):  # the preparing page checks again
        response = client.get(URL, query)
        assert response.status_code == 202
    assert "<script>" not in response.text  # its script is a static file (the CSP)
    assert "The board pack of 2 reports is being made" in response.text
    [result] = task_backends["default"].results
    # Only ids: the worker finds again which rounds this person may open (not Northmoor's).
    rounds = sorted([shared_places["riverside"].pk, shared_places["westfield"].pk])
    assert result.task.name == "build_board_pack"
    assert result.kwargs["user_id"] == analyst.pk and sorted(result.kwargs["round_ids"]) == rounds


def test_it_tells_the_reader_what_to_do_when_the_pack_cannot_be_made(
    client, analyst, shared_places, media, fake_render, monkeypatch, caplog
):
    def full_disk(*args, **kwargs):
        raise OSError("No space left on device: /srv/app/media")

    monkeypatch.setattr(pack, "pack_write", full_disk)
    client.force_login(analyst)
    response = client.get(URL, chosen(shared_places["riverside"]))
    assert response.status_code == 503
    assert "The board pack could not be made" in response.text
    assert "Try again in a minute" in response.text
    assert "/srv/app" not in response.text
    assert "No space left on device" in caplog.text


# --- who may ask --------------------------------------------------------------------------------


def test_it_shows_the_button_to_analysts_and_staff_only(
    client, analyst, staff, lead, shared_places
):
    query = chosen(shared_places["riverside"])
    for person, shown in ((analyst, True), (staff, True), (lead, False)):
        client.force_login(person)
        assert (BUTTON in client.get(reverse("reports-compare"), query).text) is shown


@pytest.mark.parametrize("who", ["lead", "viewer", "outsider"])
def test_it_refuses_anyone_who_may_not_compare_places(client, request, shared_places, media, who):
    client.force_login(request.getfixturevalue(who))
    response = client.get(URL, chosen(shared_places["riverside"]))
    assert response.status_code == 403
    assert not media.exists() or not any(media.rglob("*.zip"))


def test_it_refuses_when_no_round_it_may_open_is_chosen(client, analyst, shared_places, media):
    client.force_login(analyst)
    assert client.get(URL).status_code == 400
    # Eastvale's round is private; Northmoor's is anonymous: no report the analyst may open.
    response = client.get(URL, chosen(shared_places["eastvale"], shared_places["northmoor"]))
    assert response.status_code == 400
    assert "Choose at least one round whose report you may open." in response.text


def test_it_sends_someone_signed_out_to_sign_in(client, shared_places):
    response = client.get(URL, chosen(shared_places["riverside"]))
    assert response.status_code == 302
    assert response.url.startswith(f"{reverse('login')}?next=")


def test_it_only_answers_get(client, analyst, shared_places):
    client.force_login(analyst)
    assert client.post(URL, chosen(shared_places["riverside"])).status_code == 405
