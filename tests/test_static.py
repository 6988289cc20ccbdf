"""Page weight: the partial plotly.js bundle, hashed long-cached static files, compressed HTML."""

import ast
import gzip
import json
import re
from importlib.util import find_spec
from pathlib import Path

import plotly.graph_objects as go
import pytest
from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.test import Client, override_settings
from plotly.basedatatypes import BaseTraceType

from tests.assessment.scoring import respondent_of, score

ROOT = Path(__file__).resolve().parent.parent
BUNDLE = ROOT / "static" / "vendor" / "plotly.min.js"
# Written beside the bundle by scripts/build_plotly.mjs (`make install`).
BUNDLE_MANIFEST = ROOT / "static" / "vendor" / "plotly.traces.json"
TEN_YEARS = 10 * 365 * 24 * 60 * 60


def _chart_trace_types() -> set[str]:
    """The trace type of every `go.<Trace>(...)` and `fig.add_<trace>(...)` in the chart
    builders: reports/charts.py and reports/compare_charts.py."""
    names = set()
    for builder in ("charts.py", "compare_charts.py"):
        names |= _traces_named((ROOT / "reports" / builder).read_text(encoding="utf-8"))
    traces = [getattr(go, name, None) for name in names]
    return {
        trace().plotly_name
        for trace in traces
        if isinstance(trace, type) and issubclass(trace, BaseTraceType)
    }


def _traces_named(source: str) -> set[str]:
    tree = ast.parse(source)
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            name = node.func.attr
            if isinstance(node.func.value, ast.Name) and node.func.value.id == "go":
                names.add(name)
            elif name.startswith("add_"):
                names.add(name.removeprefix("add_").capitalize())
    return names


def _bundle_manifest() -> dict:
    if not BUNDLE_MANIFEST.is_file():
        pytest.fail("static/vendor/plotly.min.js is not built: run `make install`")
    return json.loads(BUNDLE_MANIFEST.read_text(encoding="utf-8"))


def test_it_bundles_exactly_the_trace_types_the_charts_draw():
    drawn = _chart_trace_types()
    assert {"scatterpolar", "box"} <= drawn  # the radar and the distribution of places
    # scatter is in plotly.js's core whatever the bundle registers.
    assert set(_bundle_manifest()["traces"]) == drawn | {"scatter"}


def test_it_bundles_the_plotly_js_version_that_draws_the_pdf_charts():
    # PDFs draw with the full plotly.js inside the plotly package (kaleido): the same version
    # draws a chart alike on the page and in the PDF.
    package_data = Path(find_spec("plotly").submodule_search_locations[0]) / "package_data"
    header = (package_data / "plotly.min.js").read_text(encoding="utf-8")[:200]
    version = _bundle_manifest()["version"]
    assert f"plotly.js v{version}\n" in header
    assert BUNDLE.read_text(encoding="utf-8").startswith(f"/* plotly.js v{version} (partial: ")


def test_it_keeps_the_plotly_bundle_a_quarter_of_the_full_one():
    package_data = Path(find_spec("plotly").submodule_search_locations[0]) / "package_data"
    assert BUNDLE.stat().st_size < (package_data / "plotly.min.js").stat().st_size / 3


def _scoring_form(client, respondent, open_round, *, encoding: str):
    client.force_login(respondent)
    return client.get(f"/assessments/{open_round.pk}/respond/", HTTP_ACCEPT_ENCODING=encoding)


@pytest.mark.django_db
def test_it_compresses_the_scoring_form_for_a_browser_that_accepts_gzip(
    client, respondent, open_round
):
    plain = _scoring_form(client, respondent, open_round, encoding="identity")
    compressed = _scoring_form(client, respondent, open_round, encoding="gzip, deflate, br")

    assert "Content-Encoding" not in plain
    assert compressed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in compressed["Vary"]
    assert b"<form" in gzip.decompress(compressed.content)
    assert len(compressed.content) < len(plain.content) / 5


@pytest.mark.django_db
def test_it_pads_each_compressed_page_by_a_random_length_against_breach(
    client, respondent, open_round
):
    # BREACH guesses a secret on the page (the CSRF token) from how well it compresses: random
    # padding makes the length of one response say nothing.
    responses = [_scoring_form(client, respondent, open_round, encoding="gzip") for _ in range(10)]
    pages = [gzip.decompress(response.content) for response in responses]
    assert len({len(page) for page in pages}) == 1  # the same page every time
    sizes = [len(response.content) for response in responses]
    assert max(sizes) - min(sizes) > 10, sizes


@pytest.mark.django_db
def test_it_leaves_files_that_are_compressed_already_as_they_are(client, respondent, open_round):
    # A workbook (like a PDF or a zip) is compressed inside: gzip would cost the server time and
    # save the reader nothing. The same plan as CSV is text, and is compressed.
    score(respondent_of(open_round, respondent))  # who has submitted reads the plan
    client.force_login(respondent)
    urls = {kind: f"/assessments/{open_round.pk}/actions/export.{kind}" for kind in ("xlsx", "csv")}
    workbook = client.get(urls["xlsx"], HTTP_ACCEPT_ENCODING="gzip")
    table = client.get(urls["csv"], HTTP_ACCEPT_ENCODING="gzip")

    assert workbook.status_code == table.status_code == 200
    assert "Content-Encoding" not in workbook
    assert b"".join(workbook.streaming_content)[:2] == b"PK"  # the workbook itself
    assert table["Content-Encoding"] == "gzip"


# Last in this file: the settings below hold until the module's tests are done.
@pytest.fixture(scope="module")
def production_static(tmp_path_factory):
    """Static files collected as a deployment collects them (once: compressing takes seconds),
    served by a fresh WhiteNoise."""
    production = override_settings(
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
        },
        STATIC_ROOT=tmp_path_factory.mktemp("collected") / "staticfiles",
        WHITENOISE_USE_FINDERS=False,
        WHITENOISE_AUTOREFRESH=False,
    )
    with production:
        call_command("collectstatic", interactive=False, verbosity=0)
        yield Client()  # a new client loads the middleware, so WhiteNoise reads these settings


@pytest.mark.django_db
def test_it_links_static_files_by_hashed_names_cached_for_years(production_static):
    page = production_static.get("/accounts/login/")
    stylesheet = re.search(
        r'href="(/static/vendor/bootstrap/bootstrap\.min\.\w{12}\.css)"', page.text
    )
    assert stylesheet, "the sign-in page links the stylesheet by a hashed name"

    response = production_static.get(stylesheet[1], HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert response["Cache-Control"] == f"max-age={TEN_YEARS}, public, immutable"
    assert response["Content-Encoding"] == "gzip"


@pytest.mark.django_db
def test_it_serves_the_plotly_bundle_by_a_hashed_name_compressed(production_static):
    url = staticfiles_storage.url("vendor/plotly.min.js")
    assert re.fullmatch(r"/static/vendor/plotly\.min\.\w{12}\.js", url)

    response = production_static.get(url, HTTP_ACCEPT_ENCODING="br, gzip")
    assert response.status_code == 200
    assert response["Cache-Control"] == f"max-age={TEN_YEARS}, public, immutable"
    assert response["Content-Encoding"] == "br"
    assert int(response["Content-Length"]) < 500_000  # 1.2 MB before compression
