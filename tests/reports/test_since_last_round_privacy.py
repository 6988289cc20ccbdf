"""An analyst opens a round another place shared by name: its report says nothing of the round
before it unless that round is itself shared with them by name, so an anonymous round is never
unmasked through the named one after it (page, PDF, the PDF a worker makes, the board pack).
The place's own members see "Since last round" in full."""

import io
import zipfile

import pytest
from django.tasks import task_backends
from django.urls import reverse

from assessment.models import Assessment, Sharing
from assessment.services import assessment_advance, assessment_share
from reports import pdf
from reports.selectors import report_build

from .compare_data import chosen
from .plan_rounds import build_two_rounds

# The same words whether or not a round came before (see test_anonymity_attacks.py).
WITHHELD = "is shared with you, so this report shows no change since one"


@pytest.fixture
def rounds(make_round, lead, respondent):
    """Riverside's 2025 Q4 (closed, with a plan) and 2026 Q4 started from it, now closed too
    and shared by name; 2025 Q4 shared anonymously."""
    rounds = build_two_rounds(make_round, lead, respondent)
    assessment_advance(assessment=rounds.current)
    assessment_share(assessment=rounds.current, sharing=Sharing.NAMED)
    assessment_share(assessment=rounds.previous, sharing=Sharing.ANONYMOUS)
    return rounds


def page_url(assessment):
    return reverse("reports-page", args=[assessment.pk])


def pdf_url(assessment):
    return reverse("reports-pdf", args=[assessment.pk])


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def rendered_html(renders: list[str], response) -> str:
    """The HTML the served (fake) PDF was made from: `fake_render` numbers its renders."""
    number = int(body(response).rsplit(b" ", 1)[1])
    return renders[number - 1]


# --- the report page ----------------------------------------------------------------------------


@pytest.mark.parametrize("sharing", [Sharing.ANONYMOUS, Sharing.PRIVATE])
def test_it_shows_an_analyst_nothing_of_a_previous_round_not_shared_by_name(
    client, analyst, rounds, sharing
):
    assessment_share(assessment=rounds.previous, sharing=sharing)
    client.force_login(analyst)
    page = client.get(page_url(rounds.current)).text
    assert "2025 Q4" not in page  # not in the section, the summary, nor the plan
    assert WITHHELD in page
    assert "The nine factors: level in" not in page
    assert "Largest moves" not in page and "Factors: 2 up, 3 down" not in page


def test_it_shows_an_analyst_the_previous_round_once_it_is_shared_by_name(client, analyst, rounds):
    assessment_share(assessment=rounds.previous, sharing=Sharing.NAMED)
    client.force_login(analyst)
    page = client.get(page_url(rounds.current)).text
    assert "The nine factors: level in 2025 Q4" in page
    assert "Change since 2025 Q4" in page
    assert WITHHELD not in page


def test_it_shows_the_place_s_own_members_since_last_round_in_full(client, viewer, rounds):
    client.force_login(viewer)
    page = client.get(page_url(rounds.current)).text
    assert "The nine factors: level in 2025 Q4" in page
    assert "Factors: 2 up, 3 down, 4 unchanged" in page
    assert "Carried over from 2025 Q4." in page
    assert WITHHELD not in page


def test_it_prints_an_analyst_nothing_of_the_previous_round(client, analyst, rounds):
    client.force_login(analyst)
    page = client.get(reverse("reports-print", args=[rounds.current.pk])).text
    assert "2025 Q4" not in page
    assert WITHHELD in page


# --- the report PDF, cached per reader's variant --------------------------------------------------


@pytest.mark.parametrize("member_first", [True, False])
def test_it_never_serves_one_reader_s_cached_pdf_to_the_other(
    client, viewer, analyst, rounds, media, fake_render, member_first
):
    readers = [viewer, analyst] if member_first else [analyst, viewer]
    served = {}
    for _ in range(2):  # the second time round, each is served from the cache
        for reader in readers:
            client.force_login(reader)
            response = client.get(pdf_url(rounds.current))
            assert response.status_code == 200
            served.setdefault(reader, set()).add(rendered_html(fake_render, response))
    assert len(fake_render) == 2  # one document each, each made once
    [member_html], [analyst_html] = served[viewer], served[analyst]
    assert "2025 Q4" in member_html and WITHHELD not in member_html
    assert "2025 Q4" not in analyst_html and WITHHELD in analyst_html


def test_it_has_the_worker_make_the_analyst_s_variant_from_ids_alone(
    client, analyst, rounds, media, fake_render, settings
):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    client.force_login(analyst)
    assert client.get(pdf_url(rounds.current)).status_code == 202
    [queued] = task_backends["default"].results
    assert queued.kwargs == {
        "kind": "report",
        "assessment_id": rounds.current.pk,
        "user_id": analyst.pk,
    }
    queued.task.call(*queued.args, **queued.kwargs)  # the worker runs it
    response = client.get(pdf_url(rounds.current))
    assert response.status_code == 200
    assert len(fake_render) == 1  # the page found what the worker made
    html = rendered_html(fake_render, response)
    assert "2025 Q4" not in html and WITHHELD in html


def test_it_has_the_worker_refuse_a_round_no_longer_shared_with_the_reader(
    client, analyst, rounds, media, fake_render, settings
):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    client.force_login(analyst)
    client.get(pdf_url(rounds.current))
    [queued] = task_backends["default"].results
    assessment_share(assessment=rounds.current, sharing=Sharing.ANONYMOUS)  # meanwhile
    with pytest.raises(Assessment.DoesNotExist):
        queued.task.call(*queued.args, **queued.kwargs)
    assert fake_render == []


def test_it_keys_the_analyst_s_variant_apart_from_the_members(viewer, analyst, rounds):
    report = report_build(rounds.current)
    member = pdf.report_document(report, reader=viewer)
    outsider = pdf.report_document(report, reader=analyst)
    assert member.key == str(rounds.current.pk)
    assert outsider.key == f"{rounds.current.pk}-shared"
    assert member.storage_name != outsider.storage_name


# --- the board pack from the compare page ---------------------------------------------------------


def packed_html(renders: list[str], response) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(body(response))) as archive:
        pdfs = [archive.read(n) for n in archive.namelist() if n != "00-index.pdf"]
    return [renders[int(content.rsplit(b" ", 1)[1]) - 1] for content in pdfs]


@pytest.mark.parametrize("staff_first", [True, False])
def test_it_packs_an_analyst_s_report_without_the_previous_round(
    client, staff, analyst, rounds, media, fake_render, staff_first
):
    url = reverse("reports-compare-pack")
    readers = [staff, analyst] if staff_first else [analyst, staff]
    packed = {}
    for reader in readers:
        client.force_login(reader)
        response = client.get(url, chosen(rounds.current))
        assert response.status_code == 200
        [packed[reader]] = packed_html(fake_render, response)
    assert "2025 Q4" in packed[staff]
    assert "2025 Q4" not in packed[analyst] and WITHHELD in packed[analyst]


# --- the improvement plan and its downloads -------------------------------------------------------

PLAN_SURFACES = [
    "assessment-actions",
    "assessment-actions-csv",
    "assessment-actions-xlsx",
    "assessment-actions-api",
]


def plan_text(client, name: str, assessment) -> str:
    response = client.get(reverse(name, args=[assessment.pk]))
    assert response.status_code == 200
    if name.endswith("xlsx"):
        from openpyxl import load_workbook

        workbook = load_workbook(io.BytesIO(body(response)))
        return " ".join(
            str(cell)
            for sheet in workbook
            for row in sheet.iter_rows(values_only=True)
            for cell in row
        )
    return body(response).decode() if response.streaming else response.text


@pytest.mark.parametrize("name", PLAN_SURFACES)
def test_it_never_names_an_anonymous_previous_round_on_the_plan_to_an_analyst(
    client, analyst, rounds, name
):
    client.force_login(analyst)
    text = plan_text(client, name, rounds.current)
    assert "Pool the community equipment budget" in text  # the carried action is listed
    assert "2025 Q4" not in text  # but not where it was carried from


@pytest.mark.parametrize("name", PLAN_SURFACES)
def test_it_tells_the_place_s_members_where_each_action_was_carried_from(
    client, viewer, rounds, name
):
    client.force_login(viewer)
    assert "2025 Q4" in plan_text(client, name, rounds.current)


def test_it_never_names_a_later_anonymous_round_on_the_plan_to_an_analyst(
    client, analyst, viewer, rounds
):
    assessment_share(assessment=rounds.previous, sharing=Sharing.NAMED)
    assessment_share(assessment=rounds.current, sharing=Sharing.ANONYMOUS)
    url = reverse("assessment-actions", args=[rounds.previous.pk])
    client.force_login(analyst)
    assert "2026 Q4" not in client.get(url).text
    client.force_login(viewer)
    assert "The next round, <a" in client.get(url).text


def test_it_forgets_both_of_a_round_s_pdfs_when_it_is_reopened(
    client, viewer, analyst, lead, rounds, media, fake_render, django_capture_on_commit_callbacks
):
    from assessment.services import assessment_step_back
    from reports.models import RenderedPdf

    for reader in (viewer, analyst):
        client.force_login(reader)
        body(client.get(pdf_url(rounds.current)))
    assert RenderedPdf.objects.count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        assessment_step_back(
            assessment=rounds.current, shown_status="closed", user=lead, reason="A late answer."
        )
    assert RenderedPdf.objects.count() == 0
    assert not list((media / "pdf").rglob("*.pdf"))
