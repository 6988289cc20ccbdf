"""Measure what users wait for: chart export, report page, PDFs, comparison and exports.

Run by `make bench` on its own SQLite database seeded at national scale. Prints a Markdown
table (also written to bench-results/bench.md) for the README, and a profile of WeasyPrint on the
report's print HTML (bench-results/weasyprint-profile.md; README's performance section keeps
the profile from before the print style was made cheaper to lay out, to compare with).
"""

import cProfile
import io
import pstats
import statistics
import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from assessment.models import Assessment, RoundStatus
from reports import chart_export
from reports.models import RenderedPdf
from reports.pdf import html_to_pdf, report_document, report_print_html
from reports.selectors import report_build
from reports.services import document_render


def _timed(fn, repeat: int) -> tuple[float, object]:
    """Median wall time in milliseconds over `repeat` runs, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), result


def _where(func: tuple[str, int, str]) -> str:
    """A profiled function as package/module.py:line(name)."""
    file, line, name = func
    if file == "~":  # a built-in
        return name
    parts = Path(file).parts
    if "site-packages" in parts:
        parts = parts[parts.index("site-packages") + 1 :]
    else:
        parts = Path(file).relative_to(settings.BASE_DIR).parts
    return f"{'/'.join(parts)}:{line}({name})"


def weasyprint_profile(html: str, top: int = 10) -> str:
    """cProfile of html_to_pdf on `html`, as Markdown: the time of each phase (parse, cascade,
    boxes, layout, drawing, tags) and the top functions by cumulative and by own time."""
    import weasyprint
    from weasyprint.css import get_all_computed_styles
    from weasyprint.document import Document
    from weasyprint.formatting_structure.build import build_formatting_structure
    from weasyprint.layout import layout_document

    from reports.pdf_tags import finish_tags

    phases = {
        "parse the HTML": weasyprint.HTML.__init__,
        "cascade (selector matching)": get_all_computed_styles,
        "boxes (computed styles)": build_formatting_structure,
        "layout and pagination": layout_document,
        "drawing (the PDF)": Document.write_pdf,
        "tags (reports.pdf_tags)": finish_tags,
    }
    profiler = cProfile.Profile()
    profiler.runcall(html_to_pdf, html)
    stats = pstats.Stats(profiler).stats  # (file, line, name): (calls, ncalls, own, cumulative, _)
    total = sum(own for _, _, own, _, _ in stats.values())
    lines = [f"cProfile of `html_to_pdf` on the report's print HTML: {total:.2f} s in all.", ""]
    lines += ["| phase | cumulative s | share |", "|---|---|---|"]
    for label, function in phases.items():
        code = function.__code__
        row = stats.get((code.co_filename, code.co_firstlineno, code.co_name))
        cumulative = row[3] if row else 0.0
        lines.append(f"| {label} | {cumulative:.2f} | {cumulative / total:.0%} |")
    for column, heading in ((3, "cumulative time"), (2, "own time (tottime)")):
        lines += ["", f"Top {top} by {heading}:", ""]
        lines += ["| function | calls | own s | cumulative s |", "|---|---|---|---|"]
        ranked = sorted(stats.items(), key=lambda item: item[1][column], reverse=True)
        for func, (_, calls, own, cumulative, _) in ranked[:top]:
            lines.append(f"| `{_where(func)}` | {calls} | {own:.2f} | {cumulative:.2f} |")
    return "\n".join(lines) + "\n"


class Command(BaseCommand):
    help = "Benchmark chart export, the report page and PDF, comparisons and exports."

    def add_arguments(self, parser):
        parser.add_argument("--places", type=int, default=200)
        parser.add_argument("--repeat", type=int, default=5)

    def handle(self, *args, places, repeat, **options):
        call_command("load_frameworks", verbosity=0)
        start = time.perf_counter()
        call_command("seed_demo", places=places, respondents=20, verbosity=0)
        # Rounds closing keep their reliability figures; rounds seeded before that get theirs.
        call_command("reliability_keep", verbosity=0, stdout=io.StringIO())
        seeded = time.perf_counter() - start
        rows: list[tuple[str, str, str]] = []
        closed = Assessment.objects.filter(status=RoundStatus.CLOSED).count()
        seeding = "Seed the bench database (near 0 once it exists)"
        rows.append((seeding, f"{seeded:.1f} s", f"{closed} closed rounds"))

        # Chart export: the first call opens Chromium, later ones reuse it.
        chart_export.shutdown()
        assessment = Assessment.objects.select_related("place").get(
            place__code="riverside", period="2026 Q2"
        )
        report = report_build(assessment)
        figures = list(report.figures.values())
        cold, _ = _timed(lambda: chart_export.figures_to_svg(figures), 1)
        warm, _ = _timed(lambda: chart_export.figures_to_svg(figures), repeat * 2)
        rows.append(("Chart export, cold (opens the browser), 2 charts", f"{cold:.0f} ms", ""))
        rows.append(("Chart export, warm, 2 charts in one batch", f"{warm:.0f} ms", "median"))

        lead = get_user_model().objects.get(email="priya.shah@riverside.example.org")
        # Session cookies are "secure" with DEBUG off; the bench speaks plain HTTP on loopback.
        settings.SESSION_COOKIE_SECURE = False
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(lead)
        url = f"/assessments/{assessment.pk}/report/"
        client.get(url)
        connection.queries_log.clear()  # a full log (it keeps 9,000) would count nothing new
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        page_queries = len(queries)  # read now: the next request empties the log
        page, response = _timed(lambda: client.get(url), repeat * 2)
        assert response.status_code == 200, f"report page answered {response.status_code}"
        rows.append(("Report page", f"{page:.0f} ms", f"{page_queries} queries"))

        html = report_print_html(report)
        floor, _ = _timed(lambda: html_to_pdf(html), repeat)
        profile = weasyprint_profile(html)

        def fresh():
            document = report_document(report_build(assessment))
            RenderedPdf.objects.filter(kind=document.kind, key=document.key).delete()
            if default_storage.exists(document.storage_name):
                default_storage.delete(document.storage_name)
            return document_render(document=document)

        fresh_ms, _ = _timed(fresh, repeat)
        rows.append(("WeasyPrint alone on the print HTML (the floor)", f"{floor:.0f} ms", ""))
        fresh_pdf = "Fresh report PDF (build, export charts, lay out, store)"
        rows.append((fresh_pdf, f"{fresh_ms:.0f} ms", f"{fresh_ms / floor:.2f}× the floor"))
        pdf_url = f"/assessments/{assessment.pk}/report.pdf"
        client.get(pdf_url)
        cached, response = _timed(lambda: client.get(pdf_url), repeat * 4)
        size = len(b"".join(response.streaming_content))
        rows.append(("Cached report PDF over HTTP", f"{cached:.0f} ms", f"{size:,} bytes"))

        analyst = get_user_model().objects.get(email="analyst@example.org")
        client.force_login(analyst)
        shared = list(
            Assessment.objects.filter(status=RoundStatus.CLOSED)
            .exclude(sharing="private")
            .values_list("pk", flat=True)
        )
        for count in (4, 40, len(shared)):
            query = "&".join(f"assessment={pk}" for pk in shared[:count])
            compare_url = f"/compare/?{query}"
            client.get(compare_url)
            connection.queries_log.clear()
            with CaptureQueriesContext(connection) as queries:
                client.get(compare_url)
            compare_queries = len(queries)
            took, response = _timed(lambda u=compare_url: client.get(u), repeat)
            assert response.status_code == 200, f"compare page answered {response.status_code}"
            page = f"Compare page, {count} rounds chosen of {len(shared)} shared"
            rows.append((page, f"{took:.0f} ms", f"{compare_queries} queries"))

        def export(detail=""):
            response = client.get(f"/compare/export.csv?{detail}")
            return b"".join(response.streaming_content)

        for measure, detail in (
            (f"CSV export, all {len(shared)} shared rounds", ""),
            ("CSV export with responses, all shared rounds", "detail=responses"),
        ):
            took, body = _timed(lambda d=detail: export(d), 1)
            rows.append((measure, f"{took:.0f} ms", f"{body.count(b'\n') - 1:,} rows"))

        table = ["| measure | time | notes |", "|---|---|---|"]
        table += [f"| {a} | {b} | {c} |" for a, b, c in rows]
        output = "\n".join(table)
        out_dir = Path(settings.BASE_DIR) / "bench-results"
        out_dir.mkdir(exist_ok=True)
        (out_dir / "bench.md").write_text(output + "\n", encoding="utf-8")
        (out_dir / "weasyprint-profile.md").write_text(profile, encoding="utf-8")
        self.stdout.write(output)
        chart_export.shutdown()
