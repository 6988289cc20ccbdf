"""GET /compare/report.pdf: the chosen rounds side by side, for a board (real Chromium and
WeasyPrint)."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from reports.compare import anonymous_label

from .compare_data import chosen, four_places
from .pdfs import raster_images
from .rounds import FACTOR_TITLES

pytestmark = pytest.mark.django_db

URL = reverse("reports-compare-pdf")


@pytest.fixture
def world(place, other_place):
    return four_places(place, other_place)


@pytest.fixture
def pdf(client, analyst, world):
    """What an analyst gets for Riverside, Northmoor (anonymous) and Westfield."""
    client.force_login(analyst)
    response = client.get(URL, chosen(world["riverside"], world["northmoor"], world["westfield"]))
    assert response.status_code == 200, response.content[:300]
    reader = PdfReader(io.BytesIO(response.content))
    # Table cells wrap their text over lines; read it as one run of words.
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    return response, reader, text


def test_it_serves_a_pdf_to_open_in_the_browser(pdf):
    response, reader, _ = pdf
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="place-comparison.pdf"'
    assert len(reader.pages) >= 2


def test_it_names_the_chosen_rounds_and_every_factor(pdf, other_place):
    _, _, text = pdf
    anonymous = anonymous_label(other_place.pk)
    assert (
        "3 closed rounds: Riverside Borough, 2026 Q2; "
        f"{anonymous}, 2026 Q2; Westfield Borough, 2026 Q2." in text
    )
    assert all(title in text for title in FACTOR_TITLES)


def test_it_gives_the_heat_map_and_the_distribution_as_numbers(pdf):
    _, _, text = pdf
    # Riverside's row of the heat map: Impact 2.5, then 2s, Governance 4, Leadership 2.
    assert "2026 Q2 2.5 2 2 2 2 2 2 4 2" in text
    # Impact across every shared place: 3 places, lowest 2.5, median 3, highest 3.5.
    assert "Impact 3 2.5 3 3.5 2.5 3 3.5" in text


def test_it_never_names_an_anonymous_place(pdf):
    _, _, text = pdf
    assert "northmoor" not in text.lower()


def test_it_draws_its_charts_as_vectors(pdf):
    _, reader, _ = pdf
    assert [image for page in reader.pages for image in page.images] == []
    assert not any(raster_images(page["/Resources"]) for page in reader.pages)


def test_it_refuses_when_no_round_is_chosen(client, analyst, world):
    client.force_login(analyst)
    response = client.get(URL)
    assert response.status_code == 400
    assert response.content == b"Choose at least one round to compare."


def test_it_refuses_when_only_rounds_the_user_may_not_see_are_chosen(client, analyst, world):
    client.force_login(analyst)
    assert client.get(URL, chosen(world["eastvale"])).status_code == 400


def test_it_sends_someone_signed_out_to_sign_in(client, world):
    response = client.get(URL, chosen(world["riverside"]))
    assert response.status_code == 302
    assert response.url.startswith(f"{reverse('login')}?next=")


def test_it_only_answers_get(client, analyst, world):
    client.force_login(analyst)
    assert client.post(URL, chosen(world["riverside"])).status_code == 405
