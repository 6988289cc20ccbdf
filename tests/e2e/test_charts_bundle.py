"""The pages' own plotly.js (a partial bundle, scripts/build_plotly.mjs) draws every chart whole."""

import json
from pathlib import Path

import pytest

from assessment.models import Assessment, RoundStatus

from .conftest import ANALYST, draw_every_chart, sign_in

pytestmark = pytest.mark.e2e

BUNDLE_MANIFEST = Path(__file__).resolve().parents[2] / "static" / "vendor" / "plotly.traces.json"

# Each chart on the page: the trace types its figure asks for, and those plotly.js drew.
TRACES = """() => Array.from(document.querySelectorAll("[data-chart]")).map(element => ({
  id: element.id,
  asked: JSON.parse(document.getElementById(element.dataset.chart).textContent)
    .data.map(trace => trace.type || "scatter"),
  drawn: (element._fullData || []).filter(trace => trace.visible !== false)
    .map(trace => trace.type),
}))"""


def test_it_draws_every_trace_of_the_compare_charts_with_the_bundled_trace_types(page, demo):
    # Radar lines, markers over boxes and trend lines: every trace type the app draws.
    shared = Assessment.objects.filter(status=RoundStatus.CLOSED).exclude(sharing="private")
    query = "&".join(f"assessment={pk}" for pk in shared.values_list("pk", flat=True))
    sign_in(page, ANALYST)
    page.goto(f"/compare/?{query}")
    draw_every_chart(page)

    charts = page.evaluate(TRACES)
    assert {chart["id"] for chart in charts} >= {"chart-overlay", "chart-distribution"}
    for chart in charts:
        assert chart["drawn"] == chart["asked"], chart["id"]
    drawn = {kind for chart in charts for kind in chart["drawn"]}
    assert drawn == {"scatterpolar", "scatter", "box"}
    registered = page.evaluate("() => Object.keys(window.Plotly.PlotSchema.get().traces)")
    bundled = json.loads(BUNDLE_MANIFEST.read_text(encoding="utf-8"))["traces"]
    assert sorted(registered) == sorted(bundled)
    assert page.problems.messages == []
