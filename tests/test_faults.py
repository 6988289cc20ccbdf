"""When something fails half-way, nothing half-done is left behind and the site keeps going."""

import asyncio
import os
import signal
import threading

import pytest
from django.urls import reverse

from assessment.imports import check_rows, read_table
from assessment.models import Respondent, Response
from assessment.services import scores_import
from reports import chart_export
from reports.charts import factor_radar
from reports.selectors import report_build

pytestmark = pytest.mark.django_db


class Killed(Exception):
    """Stands for a worker killed in the middle of a request."""


def _fail_on_call(monkeypatch, owner, name, call):
    original, calls = getattr(owner, name), []

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) == call:
            raise Killed
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, failing)


def test_it_imports_nothing_when_an_import_dies_half_way(monkeypatch, open_round, versions):
    text = "respondent,framework,item,current\n" + "".join(
        f"Person {n},lga-maturity-matrix,impact,2\n" for n in range(1, 6)
    )
    rows = check_rows(read_table("scores.csv", text.encode()), versions)
    import simple_history.utils

    _fail_on_call(monkeypatch, simple_history.utils, "bulk_create_with_history", call=1)
    with pytest.raises(Killed):
        scores_import(assessment=open_round, rows=rows, add_respondents=True)
    assert not Respondent.objects.filter(assessment=open_round, imported=True).exists()
    assert not Response.objects.filter(respondent__assessment=open_round).exists()


@pytest.mark.chromium
def test_it_keeps_answering_pages_while_the_chart_browser_restarts(
    client, staff, open_round, monkeypatch
):
    figure = factor_radar(report_build(open_round).factors)
    chart_export.figures_to_svg([figure])  # the browser is up and warm
    # The browser's whole process group (its guard, Chromium and its helpers), as the OOM
    # killer might take it: killing the guard alone can leave Chromium answering.
    group = os.getpgid(chart_export._kaleido.subprocess.pid)
    assert group != os.getpgid(0), "the browser runs in a process group of its own"
    os.killpg(group, signal.SIGKILL)
    # The new browser opens only once the page has been answered, however busy the machine:
    # the page must not wait for it.
    answered, opening = threading.Event(), chart_export._open

    async def opens_after_the_page(*args, **kwargs):
        await asyncio.get_running_loop().run_in_executor(None, answered.wait, 60)
        return await opening(*args, **kwargs)

    monkeypatch.setattr(chart_export, "_open", opens_after_the_page)
    exported: list[str] = []
    worker = threading.Thread(target=lambda: exported.extend(chart_export.figures_to_svg([figure])))
    worker.start()
    client.force_login(staff)  # who sees the report of a round still open
    page = client.get(reverse("reports-page", args=[open_round.pk]))
    still_restarting = worker.is_alive()
    answered.set()
    worker.join(timeout=150)  # up to three bounded tries to open a browser
    assert page.status_code == 200
    assert still_restarting, "the page was answered while the browser came back"
    assert exported and exported[0].lstrip().startswith("<svg")
