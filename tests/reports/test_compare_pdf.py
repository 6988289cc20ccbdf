"""GET /compare/report.pdf: the chosen rounds side by side, for a board (real Chromium and
WeasyPrint)."""

import io
import re
from datetime import date

import pytest
from django.core.files.storage import default_storage
from django.tasks import task_backends
from django.urls import reverse
from pypdf import PdfReader

from assessment.models import Assessment, Place
from reports import pdf as pdfs
from reports.compare import Comparison, Factor, RoundColumn, anonymous_label
from reports.models import RenderedPdf

from .compare_data import chosen
from .pages import download, refused
from .pdfs import raster_images
from .rounds import FACTOR_TITLES
from .tagged import figures

pytestmark = pytest.mark.django_db

URL = reverse("reports-compare-pdf")


def body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.fixture
def pdf(client, analyst, shared_places, media):
    """What an analyst gets for Riverside, Northmoor (anonymous) and Westfield."""
    client.force_login(analyst)
    response = client.get(
        URL,
        chosen(shared_places["riverside"], shared_places["northmoor"], shared_places["westfield"]),
    )
    assert response.status_code == 200, response.content[:300]
    reader = PdfReader(io.BytesIO(body(response)))
    # Table cells wrap their text over lines; read it as one run of words.
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    return response, reader, text


@pytest.mark.chromium
def test_it_serves_a_pdf_to_open_in_the_browser(pdf):
    response, reader, _ = pdf
    assert response["Content-Type"] == "application/pdf"
    assert download(response) == ("inline", "place-comparison.pdf")
    assert len(reader.pages) >= 2


@pytest.mark.chromium
def test_it_names_the_chosen_rounds_and_every_factor(pdf, shared_places):
    _, _, text = pdf
    anonymous = anonymous_label(shared_places["northmoor"].pk)
    assert (
        "3 closed rounds: Riverside Borough, 2026 Q2; "
        f"{anonymous}, 2026 Q2; Westfield Borough, 2026 Q2." in text
    )
    assert all(title in text for title in FACTOR_TITLES)


@pytest.mark.chromium
def test_it_gives_the_heat_map_and_the_distribution_as_numbers(pdf):
    _, _, text = pdf
    # Riverside's row of the heat map, with the version it used: Impact 2.5, then 2s,
    # Governance 4, Leadership 2.
    assert "2026 Q2 lga-maturity-matrix 1.2 2.5 2 2 2 2 2 2 4 2" in text
    # Impact across the shared rounds: 3 rounds, lowest 2.5, quartiles 2.75, 3 and 3.25,
    # highest 3.5: no column a chosen round, the next item's row follows.
    assert "Impact 3 2.5 2.75 3 3.25 3.5 Place" in text


@pytest.mark.chromium
def test_it_never_names_an_anonymous_place(pdf):
    _, _, text = pdf
    assert "northmoor" not in text.lower()


@pytest.mark.chromium
def test_it_draws_its_charts_as_vectors(pdf):
    _, reader, _ = pdf
    assert [image for page in reader.pages for image in page.images] == []
    assert not any(raster_images(page["/Resources"]) for page in reader.pages)


@pytest.mark.chromium
def test_it_names_the_comparison_once_and_opens_with_every_round_s_levels(pdf):
    _, reader, _ = pdf
    first = " ".join(reader.pages[0].extract_text().split())
    assert first.count("Comparing places") == 1
    assert "Riverside Borough, 2026 Q2 lga-maturity-matrix 1.2 2.5 2 2 2 2 2 2 4 2" in first
    assert len(reader.pages) == 4  # the heat map, then a page for each chart and the last table


@pytest.mark.chromium
def test_it_draws_each_chart_across_the_page(pdf):
    _, reader, _ = pdf
    # WeasyPrint gives a figure's box in CSS pixels, at 96 to the inch (a point is 1/72).
    page_width = float(reader.pages[0].mediabox.width) * 96 / 72
    widths = [figure["/A"]["/BBox"][2] - figure["/A"]["/BBox"][0] for figure in figures(reader)]
    assert len(widths) == 2
    assert all(width > 0.8 * page_width for width in widths)


@pytest.mark.chromium
def test_it_keeps_each_chart_no_taller_than_its_page_leaves_room_for(pdf):
    _, reader, _ = pdf
    # 140 mm in CSS pixels: with its heading and key the chart stays on one landscape page.
    heights = [figure["/A"]["/BBox"][3] - figure["/A"]["/BBox"][1] for figure in figures(reader)]
    assert len(heights) == 2
    assert all(height <= 140 / 25.4 * 96 + 1 for height in heights), heights


# A period as a workshop might write it: each row of the heat map takes four lines.
LONG_PERIOD = "2026 Q2 refresh workshop with the whole partnership board"


def many_rounds(count: int) -> Comparison:
    """A comparison of `count` named rounds, built without a database."""
    factors = [Factor(title.lower(), title, False) for title in FACTOR_TITLES]
    rounds = [
        RoundColumn(
            Assessment(place=Place(name=f"Place {n:02}"), period=LONG_PERIOD),
            named=True,
            values={f.key: 1 + (n + i) % 4 for i, f in enumerate(factors)},
        )
        for n in range(1, count + 1)
    ]
    return Comparison(
        rounds=rounds,
        factors=factors,
        levels=[],
        mixed_versions=False,
        distribution={},
        trend=[],
        trend_place=None,
    )


def test_it_keeps_heat_map_rows_together_under_a_header_on_every_page(monkeypatch):
    # 34 such rounds fill six pages all but the key to the levels: two rows go over with it,
    # rather than the key alone. No page holds a single row.
    monkeypatch.setattr(pdfs, "comparison_svgs", lambda c: {"overlay": "", "distribution": ""})
    html = pdfs.comparison_print_html(many_rounds(34), printed=date(2026, 11, 23))
    reader = PdfReader(io.BytesIO(pdfs.html_to_pdf(html)))
    pages = [" ".join(page.extract_text().split()) for page in reader.pages]
    row = re.compile(rf"Place \d\d, {LONG_PERIOD} \d")
    with_rows = [(page, len(row.findall(page))) for page in pages if row.search(page)]
    assert sum(count for _, count in with_rows) == 34
    assert all(count >= 2 and "Place and round" in page for page, count in with_rows)
    assert "Levels:" in with_rows[-1][0]


def test_it_refuses_when_no_round_is_chosen(client, analyst, shared_places):
    client.force_login(analyst)
    assert refused(client.get(URL)) == ["Choose at least one round to compare."]


def test_it_refuses_when_only_rounds_the_user_may_not_see_are_chosen(
    client, analyst, shared_places
):
    client.force_login(analyst)
    assert client.get(URL, chosen(shared_places["eastvale"])).status_code == 400


def test_it_refuses_a_round_not_given_by_its_number(client, analyst, shared_places):
    client.force_login(analyst)
    response = client.get(URL, {"assessment": [shared_places["riverside"].pk, "²"]})
    assert refused(response) == [
        "The PDF cannot be made as asked.",
        "Rounds: A round is chosen by its number, in the digits 0 to 9, or by the code of its "
        "anonymous label.",
    ]


# --- one render, kept (Chromium and WeasyPrint stand aside) -------------------------------------


def test_it_renders_a_comparison_once_and_serves_it_again(
    analyst_client, shared_places, media, fake_render
):
    query = chosen(shared_places["riverside"], shared_places["westfield"])
    first, second = analyst_client.get(URL, query), analyst_client.get(URL, query)
    assert body(first) == body(second) == b"%PDF-1.7 render 1"
    assert len(fake_render) == 1
    [row] = RenderedPdf.objects.all()
    assert default_storage.exists(row.name)


def test_it_shares_one_pdf_between_orders_of_the_same_rounds_only_while_it_is_current(
    analyst_client, shared_places, media, fake_render
):
    # The rounds show in the order chosen: another order is other content of the same document,
    # and replaces it.
    analyst_client.get(URL, chosen(shared_places["riverside"], shared_places["westfield"]))
    [first] = RenderedPdf.objects.all()
    response = analyst_client.get(
        URL, chosen(shared_places["westfield"], shared_places["riverside"])
    )
    assert body(response) == b"%PDF-1.7 render 2"
    [second] = RenderedPdf.objects.all()
    assert second.key == first.key and second.digest != first.digest
    assert not default_storage.exists(first.name)


def test_it_renders_again_when_a_place_shown_is_renamed(
    analyst_client, shared_places, media, fake_render
):
    query = chosen(shared_places["riverside"])
    analyst_client.get(URL, query)
    Place.objects.filter(code="riverside").update(name="Riverside and Bankside")
    response = analyst_client.get(URL, query)
    assert body(response) == b"%PDF-1.7 render 2"
    assert "Riverside and Bankside, 2026 Q2" in fake_render[-1]


def test_it_keeps_apart_the_pdfs_of_readers_who_see_a_round_differently(
    client, analyst, staff, shared_places, media, fake_render
):
    # Staff see Northmoor's name; an analyst sees it anonymous. Neither PDF replaces the other.
    query = chosen(shared_places["northmoor"])
    for person in (analyst, staff):
        client.force_login(person)
        client.get(URL, query)
    assert len(fake_render) == 2
    rows = RenderedPdf.objects.all()
    assert len({row.key for row in rows}) == 2
    assert all(default_storage.exists(row.name) for row in rows)


def test_it_shows_a_member_no_place_s_level_in_a_group_too_small_and_says_why(
    client, viewer, shared_places, media, fake_render
):
    # Three places share: fewer than COMPARE_MIN_GROUP, so a member sees only how many.
    client.force_login(viewer)
    client.get(URL, chosen(shared_places["riverside"]))
    [html] = fake_render
    assert "Fewer than 5 places share their rounds for comparison" in html
    assert "not shown: fewer than 5 places" in html


def test_it_tells_the_reader_what_to_do_when_the_pdf_cannot_be_made(
    analyst_client, shared_places, media, fake_render, monkeypatch, caplog
):
    def broken(html):
        raise OSError("out of memory in /srv/app/var")

    monkeypatch.setattr(pdfs, "html_to_pdf", broken)
    response = analyst_client.get(URL, chosen(shared_places["riverside"]))
    assert response.status_code == 503
    assert "Try again in a minute; if it persists, tell your administrator" in response.text
    assert "/srv/app" not in response.text
    assert "OSError: out of memory in /srv/app/var" in caplog.text


def test_it_says_the_pdf_is_on_its_way_when_a_worker_renders_it(
    analyst_client, shared_places, media, settings
):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    response = analyst_client.get(
        URL, chosen(shared_places["riverside"], shared_places["westfield"])
    )
    assert response.status_code == 202
    assert "The comparison of 2 rounds is being rendered." in response.text


def test_it_hands_the_worker_only_ids_to_build_the_comparison_again(
    analyst_client, analyst, shared_places, media, settings
):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    analyst_client.get(
        URL,
        chosen(shared_places["westfield"], shared_places["eastvale"], shared_places["riverside"]),
    )
    [result] = task_backends["default"].results
    # Eastvale's round is private: not the analyst's to compare, so not asked for.
    rounds = [shared_places["westfield"].pk, shared_places["riverside"].pk]
    assert result.kwargs == {
        "kind": "comparison",
        "user_id": analyst.pk,
        "round_ids": rounds,
        "framework": "lga-maturity-matrix",
    }


# --- who may ask ------------------------------------------------------------------------------


def test_it_sends_someone_signed_out_to_sign_in(client, shared_places):
    response = client.get(URL, chosen(shared_places["riverside"]))
    assert response.status_code == 302
    assert response.url.startswith(f"{reverse('login')}?next=")


def test_it_only_answers_get(client, analyst, shared_places):
    client.force_login(analyst)
    assert client.post(URL, chosen(shared_places["riverside"])).status_code == 405
