"""The comparison's charts and tables at scale: up to six rounds share one radar, up to two dozen
get a small radar each, beyond that the heat map leads; the distribution gives a row to each
chosen round, so neither the page nor the PDF grows a column per round."""

import io
import shutil
import subprocess
from datetime import date
from types import SimpleNamespace

import pytest
from django.urls import reverse
from pypdf import PdfReader

from assessment.demo import seed_demo
from assessment.models import Assessment, Place
from reports import pdf as pdfs
from reports.chart_alt import distribution_alt, rounds_chart_alt
from reports.compare import Comparison, Crowd, Factor
from reports.compare_charts import distribution_chart, rounds_chart
from reports.compare_rounds import RoundColumn

from .compare_data import chosen, heatmap_labels
from .pages import DISTRIBUTION, figure, table
from .rounds import FACTOR_TITLES

URL = reverse("reports-compare")
STANDINGS = "Where each chosen round stands"
LEVELS = [(1, "Emerging"), (2, "Developing"), (3, "Established"), (4, "Exemplary")]


def factors() -> list[Factor]:
    return [Factor(title.lower().replace(" ", "-"), title, False) for title in FACTOR_TITLES]


def rounds_of(count: int) -> list[SimpleNamespace]:
    """`count` rounds as a comparison shows them, each a different shape, without a database."""
    return [
        SimpleNamespace(
            label=f"Place {n:03}, 2026 Q2",
            values={f.key: 1 + (n + i) % 4 for i, f in enumerate(factors())},
            mapped={},
        )
        for n in range(1, count + 1)
    ]


def comparison_of(count: int) -> SimpleNamespace:
    crowd = {f.key: Crowd.of([1, 2, 2, 3, 4], 5) for f in factors()}
    return SimpleNamespace(
        rounds=rounds_of(count), factors=factors(), levels=LEVELS, distribution=crowd
    )


# --- how the chosen rounds are drawn ------------------------------------------------------------


def test_it_overlays_up_to_six_rounds_on_one_radar():
    fig = rounds_chart(rounds_of(6), factors(), LEVELS)
    assert [t.name for t in fig.data] == [f"Place {n:03}, 2026 Q2" for n in range(1, 7)]
    assert len({(t.line.dash, t.marker.symbol) for t in fig.data}) == 6  # apart without colour
    assert not [name for name in fig.to_plotly_json()["layout"] if name.startswith("polar2")]


@pytest.mark.parametrize("count", [7, 24])
def test_it_gives_seven_to_two_dozen_rounds_a_small_radar_each(count):
    fig = rounds_chart(rounds_of(count), factors(), LEVELS).to_plotly_json()
    polars = [name for name in fig["layout"] if name.startswith("polar")]
    assert len(polars) == count
    titles = [a["text"] for a in fig["layout"]["annotations"]]
    assert titles[0] == "Place 001<br>2026 Q2"  # the period on a line of its own
    assert len(titles) == count
    # Each radar holds its round and, dotted in grey, the chosen rounds' median: one key entry.
    shown = [t for t in fig["data"] if t["name"] != "Median of the chosen rounds"]
    assert len(shown) == count
    assert [t.get("showlegend") for t in fig["data"]].count(True) == 1
    # Spokes numbered, the key names them; the same scale in every radar.
    assert fig["data"][1]["theta"][:9] == [str(n) for n in range(1, 10)]
    ranges = {tuple(fig["layout"][p]["radialaxis"]["range"]) for p in polars}
    assert len(ranges) == 1
    # A phone: two radars to a row, each round's name over its own.
    narrow = fig["layout"]["meta"]["narrow"]
    columns = {tuple(narrow[p]["domain"]["x"]) for p in polars}
    assert len(columns) == min(count, 2)
    assert len(narrow["annotations"]) == count


def test_it_draws_no_radar_beyond_two_dozen_rounds():
    assert rounds_chart(rounds_of(25), factors(), LEVELS) is None
    assert rounds_chart(rounds_of(200), factors(), LEVELS) is None


def test_it_marks_a_few_chosen_rounds_one_by_one_in_the_distribution():
    traces = distribution_chart(comparison_of(6)).data
    assert [t.type for t in traces].count("scatter") == 6


def test_it_gives_many_chosen_rounds_a_box_of_their_own_beside_every_shared_place_s():
    fig = distribution_chart(comparison_of(200)).to_plotly_json()
    boxes = [t for t in fig["data"] if t["type"] == "box"]
    assert [t for t in fig["data"] if t["type"] != "box"] == []  # no marker a round
    shared, chosen_box = boxes[:-1], boxes[-1]
    assert len(shared) == 9 and all("y" not in box for box in boxes)  # quartiles, not values
    assert chosen_box["name"] == "The 200 chosen rounds"
    assert len(chosen_box["x"]) == 9
    assert {box["offsetgroup"] for box in shared} == {"shared"}
    assert fig["layout"]["boxmode"] == "group"


def test_it_says_in_words_what_many_rounds_show():
    comparison = comparison_of(40)
    alt = rounds_chart_alt(comparison.rounds, comparison.factors)
    assert alt.startswith("Small radar charts, one for each of the 40 rounds, on the 9 factors")
    summary = [
        {
            "factor": f,
            "count": 5,
            "hidden": False,
            "median": 2,
            "chosen": [(c, c.values[f.key]) for c in comparison.rounds],
        }
        for f in comparison.factors
    ]
    alt = distribution_alt(summary, smallest_shown=5)
    assert "of the 40 chosen rounds, " in alt
    assert "Place 001" not in alt  # a sentence a round would be too long to hear
    assert len(alt) < 600


# --- the page ----------------------------------------------------------------------------------


@pytest.fixture
def national(db, request):
    """The demo's places and `request.param` synthetic ones, two closed rounds each."""
    seed_demo(extra_places=request.param, respondents_per_round=1)
    return list(Assessment.objects.filter(place__code__startswith="place-").order_by("pk"))


@pytest.mark.parametrize("national", [5], indirect=True)
def test_it_shows_ten_rounds_as_small_radars_with_a_key_to_their_spokes(
    django_app, staff, national
):
    page = django_app.get(URL, chosen(*national), user=staff)
    fig = figure(page, "overlay-data")
    assert len([name for name in fig["layout"] if name.startswith("polar")]) == 10
    key = " ".join(page.html.find(id="spoke-key").get_text(" ", strip=True).split())
    heads = [th.get_text(" ", strip=True) for th in page.html.select("table.heatmap thead th")]
    spokes = ", ".join(f"{n} {title}" for n, title in enumerate(heads[1:], start=1))
    assert f"Spokes clockwise from the top: {spokes}." in key
    assert "The chart shows the first" not in page.text


@pytest.mark.parametrize("national", [13], indirect=True)
def test_it_lets_the_heat_map_lead_beyond_two_dozen_rounds(django_app, staff, national):
    page = django_app.get(URL, chosen(*national), user=staff)
    assert len(national) == 26
    assert page.html.find("script", id="overlay-data") is None
    assert "26 rounds are too many to draw a radar each" in page.text
    assert len(heatmap_labels(page)) == 26
    # The distribution: a row an item and a row a round, never a column a round.
    items = table(page, DISTRIBUTION)
    assert items[0] == [
        "Item",
        "Rounds",
        "Lowest",
        "Lower quartile",
        "Median",
        "Upper quartile",
        "Highest",
    ]
    assert all(len(row) == 7 for row in items)
    standings = table(page, STANDINGS)
    assert standings[0] == ["Round", "Above the middle half", "Below the middle half"]
    assert len(standings) == 27 and all(len(row) == 3 for row in standings)
    boxes = [t for t in figure(page, "distribution-data")["data"] if t["type"] == "box"]
    assert boxes[-1]["name"] == "The 26 chosen rounds"


def test_it_names_the_items_a_round_stands_above_and_below_the_middle_half(
    django_app, analyst, shared_places
):
    page = django_app.get(URL, chosen(shared_places["riverside"]), user=analyst)
    # Impact: every shared place from 2.5 to 3.5, quartiles 2.75 and 3.25; Riverside 2.5.
    [_, riverside] = table(page, STANDINGS)
    assert riverside[0] == "Riverside Borough, 2026 Q2"
    assert "Impact 2.5" in riverside[2]
    assert "Impact" not in riverside[1]


def test_it_compares_a_member_s_round_with_no_quartile_it_may_not_see(
    django_app, viewer, shared_places
):
    # Three places share: too few for a member to see their levels, so nothing to stand against.
    page = django_app.get(URL, chosen(shared_places["riverside"]), user=viewer)
    assert table(page, DISTRIBUTION)[1] == ["Impact", "3", "not shown: fewer than 5 places"]
    assert STANDINGS not in page.text


# --- the PDF ---------------------------------------------------------------------------------

MM = 72 / 25.4  # points to a millimetre
MARGIN = 18 * MM  # the print style's left and right margins


def many_rounds(count: int) -> Comparison:
    """A comparison of `count` named rounds with a crowd, built without a database."""
    fs = [Factor(title.lower(), title, False) for title in FACTOR_TITLES]
    rounds = [
        RoundColumn(
            Assessment(place=Place(name=f"Place {n:03}"), period="2026 Q2"),
            named=True,
            values={f.key: 1 + (n + i) % 4 for i, f in enumerate(fs)},
        )
        for n in range(1, count + 1)
    ]
    crowd = {f.key: Crowd.of([1, 2, 2, 3, 3, 4], 6) for f in fs}
    return Comparison(
        rounds=rounds,
        factors=fs,
        levels=LEVELS,
        mixed_versions=False,
        distribution=crowd,
        trend=[],
        trend_place=None,
        counts={f.key: 6 for f in fs},
        framework="lga-maturity-matrix",
        frameworks={"lga-maturity-matrix": "Maturity matrix"},
    )


def text_positions(reader: PdfReader) -> list[tuple[int, float, str]]:
    """Each chunk of text WeasyPrint wrote, with its page and where it starts across."""
    found = []
    for number, page in enumerate(reader.pages):

        def visit(text, cm, tm, font, size, number=number):
            if text.strip():
                found.append((number, tm[4] * cm[0] + tm[5] * cm[2] + cm[4], text))

        page.extract_text(visitor_text=visit)
    return found


def assert_within_margins(reader: PdfReader):
    width = float(reader.pages[0].mediabox.width)
    chunks = text_positions(reader)
    assert chunks
    outside = [(n, round(x), t) for n, x, t in chunks if not MARGIN - 2 <= x <= width - MARGIN]
    assert outside == []


def print_html(comparison, svgs: dict | None = None) -> str:
    return pdfs.comparison_print_html(comparison, printed=date(2026, 11, 23), svgs=svgs)


@pytest.mark.django_db
@pytest.mark.parametrize("count", [7, 40, 200])
def test_it_keeps_every_word_of_the_pdf_within_its_margins(count):
    html = print_html(many_rounds(count), svgs={"distribution": ""})
    reader = PdfReader(io.BytesIO(pdfs.html_to_pdf(html)))
    assert_within_margins(reader)
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert f"{count} closed rounds, a row each in the table below" in text
    assert "Place 001, 2026 Q2" in text and f"Place {count:03}, 2026 Q2" in text
    assert "Impact 6 1 2 2.5 3 4 Place 6" in text  # an item's row: no column a round


@pytest.mark.django_db
def test_it_gives_200_rounds_a_pdf_of_a_few_pages_a_round_a_line():
    html = print_html(many_rounds(200), svgs={"distribution": ""})
    reader = PdfReader(io.BytesIO(pdfs.html_to_pdf(html)))
    # The heat map and the rounds against the crowd: 400 rows in all, about 30 to a page.
    assert len(reader.pages) <= 20


def margins_inked(pdf: bytes, tmp_path) -> list[int]:
    """The pages (from 1) with anything drawn in their left or right margin, found by rendering
    them (pdftoppm, 30 dots to the inch, greyscale): text inside a chart's figure is placed by
    the figure's own transform, which pypdf's text positions do not follow."""
    from PIL import Image

    (tmp_path / "comparison.pdf").write_bytes(pdf)
    run = ["pdftoppm", "-r", "30", "-gray", str(tmp_path / "comparison.pdf"), str(tmp_path / "p")]
    subprocess.run(run, check=True, timeout=120)
    inked = []
    for number, path in enumerate(sorted(tmp_path.glob("p-*.pgm")), start=1):
        image = Image.open(path)
        strip = round(image.width * 17 / 297)  # just inside the 18 mm margins of landscape A4
        left = image.crop((0, 0, strip, image.height))
        right = image.crop((image.width - strip, 0, image.width, image.height))
        if min(left.getextrema()[0], right.getextrema()[0]) < 200:
            inked.append(number)
    return inked


@pytest.mark.chromium
@pytest.mark.django_db
@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="needs poppler's pdftoppm")
@pytest.mark.parametrize("count", [4, 24, 200])
def test_it_draws_the_pdf_s_charts_within_its_margins(count, tmp_path):
    comparison = many_rounds(count)
    pdf = pdfs.html_to_pdf(print_html(comparison))
    assert margins_inked(pdf, tmp_path) == []
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    if count == 24:
        assert "Each place's shape" in text
        assert "Spokes clockwise from the top: 1 Impact" in text
    if count == 200:
        assert "Each place's shape" not in text and "Places side by side" not in text
