"""Workshop scores: the lead downloads the template and uploads it back filled (or a CSV)."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from assessment.models import Respondent, Response
from assessment.services import assessment_advance, assessment_open
from tests.assessment.forms_helper import page_form
from tests.assessment.scoring import items_by_key, respondent_of, score

pytestmark = pytest.mark.django_db

SCORES = b"""respondent,framework,item,current,target,evidence
Grace Okafor,lga-maturity-matrix,impact,2,3,Admissions fell 6%.
Grace Okafor,kingsfund-16-lessons,lesson-01,1 Starting,2,
Dan Reilly,lga-maturity-matrix,impact,3,4,
"""
BAD = b"""respondent,framework,item,current,target,evidence
Grace Okafor,lga-maturity-matrix,impact,2,3,
Grace Okafor,lga-maturity-matrix,no-such-item,2,3,
,lga-maturity-matrix,place,2,3,
Dan Reilly,kingsfund-16-lessons,lesson-01,4,3,
"""


@pytest.fixture
def urls(open_round):
    base = f"/assessments/{open_round.pk}/"
    return {"detail": base, "import": f"{base}import/", "template": f"{base}import/template.xlsx"}


def _upload(client, urls, name, content):
    form = page_form(client.get(urls["import"]))
    data = form.data()
    assert "file" in form.names
    data["file"] = SimpleUploadedFile(name, content)
    return client.post(urls["import"], data, follow=True)


def _confirm(client, urls, preview, *, add_respondents=False, mark_submitted=()):
    """Press "Import these scores" on the preview, ticking "add the new names" if asked, and
    "mark as submitted" beside the names given."""
    form = page_form(preview, urls["import"])
    if add_respondents:
        form.fill(add_respondents="on")
    if mark_submitted:
        form.fill(mark_submitted=[name.lower() for name in mark_submitted])
    return client.post(urls["import"], form.data(), follow=True)


def _imported():
    return Response.objects.filter(respondent__imported=True)


def test_it_links_the_template_from_the_import_page(client, lead, urls):
    client.force_login(lead)
    response = client.get(urls["import"])
    assert f'href="{urls["template"]}"' in response.text


def test_it_downloads_a_template_with_a_row_per_respondent_and_item(client, lead, urls, open_round):
    client.force_login(lead)
    response = client.get(urls["template"])
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"] == (
        'attachment; filename="riverside-2026-q4-workshop-scores.xlsx"'
    )
    sheet = load_workbook(io.BytesIO(response.getvalue()))["Scores"]
    names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names == ["Priya Shah"] * 25 + ["Tom Hughes"] * 25
    # The matrix's levels, Place's own, the lessons', no target for Place, and confidence.
    assert len(sheet.data_validations.dataValidation) == 5


def test_it_offers_placeholder_names_when_nobody_is_taking_part_yet(client, lead, urls, open_round):
    open_round.respondents.all().delete()
    client.force_login(lead)
    sheet = load_workbook(io.BytesIO(client.get(urls["template"]).getvalue()))["Scores"]
    names = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert names == {f"Participant {n}" for n in range(1, 6)}


def test_it_shows_what_an_import_would_do_before_saving_anything(client, lead, urls, open_round):
    client.force_login(lead)
    preview = _upload(client, urls, "workshop.csv", SCORES)
    assert "Check the import before it is saved" in preview.text
    assert not Response.objects.exists(), "nothing is written before the go-ahead"
    people = [
        [cell.strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)]
        for row in preview.text.split("<tbody>")[1].split("</tbody>")[0].split("</tr>")[:-1]
    ]
    assert people == [
        ["Dan Reilly", "<strong>New</strong>", "1", "0", "1 of 25", "Only if ticked below"],
        ["Grace Okafor", "<strong>New</strong>", "2", "0", "2 of 25", "Only if ticked below"],
    ]
    assert "Grace Okafor is not taking part in this round" in preview.text


def test_it_refuses_new_names_unless_the_lead_adds_them(client, lead, urls, open_round):
    client.force_login(lead)
    preview = _upload(client, urls, "workshop.csv", SCORES)
    refused = _confirm(client, urls, preview)
    assert refused.status_code == 400
    assert "Nothing was imported: 2 problems." in refused.text
    assert not _imported().exists()


def test_it_suggests_the_closest_name_for_a_typo(client, lead, urls, open_round):
    client.force_login(lead)
    typo = b"respondent,framework,item,current\nTom Hughs,lga-maturity-matrix,impact,2\n"
    preview = _upload(client, urls, "workshop.csv", typo)
    assert "line 2: Tom Hughs is not taking part in this round: did you mean Tom Hughes?" in (
        preview.text
    )


def test_it_replaces_an_existing_respondent_s_answers_and_says_so(
    client, lead, respondent, urls, open_round
):
    score(respondent_of(open_round, respondent), only=["impact"], submit=False)
    client.force_login(lead)
    sheet = b"respondent,framework,item,current\nTom Hughes,lga-maturity-matrix,impact,4\n"
    preview = _upload(client, urls, "workshop.csv", sheet)
    assert re.search(
        r"<th scope=\"row\">Tom Hughes</th>\s*<td>Yes</td>\s*<td>0</td>\s*<td>1</td>",
        preview.text,
    )
    done = _confirm(client, urls, preview)
    assert "Imported 1 score from 1 respondent (0 new); not marked as submitted" in done.text
    assert Response.objects.get(respondent__user=respondent, item__key="impact").current == 4


def test_it_says_when_a_previewed_upload_has_expired(client, lead, urls, open_round):
    client.force_login(lead)
    page = client.post(urls["import"], {"token": "x" * 40}, follow=True)
    assert "That upload has expired or was already imported: upload the file again." in page.text
    page = client.post(urls["import"], {"token": "../../etc/passwd"}, follow=True)
    assert "upload the file again" in page.text


def test_it_imports_a_csv_and_says_what_it_imported(client, lead, urls, open_round):
    client.force_login(lead)
    response = _confirm(
        client,
        urls,
        _upload(client, urls, "workshop.csv", SCORES),
        add_respondents=True,
        mark_submitted=["Grace Okafor"],
    )
    assert response.redirect_chain == [(urls["detail"], 302)]
    assert "Imported 3 scores from 2 respondents (2 new)" in response.text
    assert "Grace Okafor" in response.text and "workshop</span>" in response.text
    grace = Respondent.objects.get(assessment=open_round, name="Grace Okafor")
    dan = Respondent.objects.get(assessment=open_round, name="Dan Reilly")
    assert grace.is_submitted and not dan.is_submitted
    assert grace.responses.get(item__key="lesson-01").current == 1


def test_it_imports_the_downloaded_template_filled_in(client, lead, urls, open_round):
    client.force_login(lead)
    workbook = load_workbook(io.BytesIO(client.get(urls["template"]).getvalue()))
    sheet = workbook["Scores"]
    for row in sheet.iter_rows(min_row=2):
        row[4].value = "2 Established" if row[1].value == "kingsfund-16-lessons" else "3"
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = _confirm(client, urls, _upload(client, urls, "riverside.xlsx", buffer.getvalue()))
    assert "Imported 50 scores from 2 respondents (0 new)." in response.text
    tom = Respondent.objects.get(assessment=open_round, name="Tom Hughes")
    assert tom.is_submitted
    assert tom.responses.get(item__key="impact").current == 3
    assert tom.responses.get(item__key="lesson-16").current == 2


def test_it_refuses_the_whole_file_and_lists_each_bad_line(client, lead, urls, open_round):
    client.force_login(lead)
    response = _upload(client, urls, "workshop.csv", BAD)
    assert response.status_code == 400
    assert "The file was not imported: 4 problems" in response.text
    for message in (
        "line 3: unknown item &#x27;no-such-item&#x27; in lga-maturity-matrix",
        "line 4: the respondent is missing",
        "line 4: Place is a context factor: it describes the place&#x27;s circumstances and "
        "takes no target (leave the target blank)",
        "line 5: current level 4 is off the scale 0–3",
    ):
        assert f"<li>{message}</li>" in response.text
    assert not _imported().exists()
    assert not Respondent.objects.filter(assessment=open_round, imported=True).exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("scores.txt", SCORES, "Upload an .xlsx or .csv file."),
        (
            "scores.csv",
            b"x" * (2 * 1024 * 1024 + 1),
            "(2,097,153 bytes); the limit is 2.0\xa0MB (2,097,152 bytes).",
        ),
        ("scores.xlsx", SCORES, "the file is not a valid XLSX workbook"),
    ],
)
def test_it_refuses_a_file_it_cannot_read(client, lead, urls, name, content, message):
    client.force_login(lead)
    response = _upload(client, urls, name, content)
    assert response.status_code == 400
    assert message in response.text
    assert not _imported().exists()


def test_it_asks_for_a_file(client, lead, urls):
    client.force_login(lead)
    response = client.post(urls["import"], page_form(client.get(urls["import"])).data())
    assert response.status_code == 400
    assert "This field is required." in response.text


def test_it_refuses_to_import_into_a_closed_round(client, lead, urls, open_round):
    assessment_advance(assessment=open_round)
    assessment_advance(assessment=open_round)
    client.force_login(lead)
    response = _upload(client, urls, "workshop.csv", SCORES)
    assert "This round is closed; scores can no longer be imported." in response.text
    assert not _imported().exists()


@pytest.mark.parametrize("who", ["respondent", "viewer"])
def test_it_forbids_anyone_but_the_lead(client, request, urls, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(urls["import"]).status_code == 403
    assert client.get(urls["template"]).status_code == 403
    upload = SimpleUploadedFile("workshop.csv", SCORES)
    assert client.post(urls["import"], {"file": upload}).status_code == 403
    assert not _imported().exists()


def test_it_marks_submitted_only_those_who_answer_every_item(client, lead, urls, open_round):
    """A whole sheet is a submission; 2 of 25 answers is a draft."""
    whole = "".join(
        f"Ruth Denby,{i.version.framework.slug},{i.key},2\n"
        for i in items_by_key(open_round).values()
    )
    partial = "Sam Ahmed,lga-maturity-matrix,impact,2\nSam Ahmed,lga-maturity-matrix,care-model,3\n"
    sheet = f"respondent,framework,item,current\n{whole}{partial}".encode()
    client.force_login(lead)
    _confirm(client, urls, _upload(client, urls, "workshop.csv", sheet), add_respondents=True)
    ruth = Respondent.objects.get(assessment=open_round, name="Ruth Denby")
    sam = Respondent.objects.get(assessment=open_round, name="Sam Ahmed")
    assert (ruth.is_submitted, sam.is_submitted) == (True, False)


def test_it_marks_a_person_submitted_when_the_lead_ticks_them(client, lead, urls, open_round):
    sheet = b"respondent,framework,item,current\nSam Ahmed,lga-maturity-matrix,impact,2\n"
    client.force_login(lead)
    preview = _upload(client, urls, "workshop.csv", sheet)
    assert "Sam Ahmed (1 of 25 items)" in preview.text
    _confirm(client, urls, preview, add_respondents=True, mark_submitted=["Sam Ahmed"])
    assert Respondent.objects.get(assessment=open_round, name="Sam Ahmed").is_submitted


def test_it_names_the_template_after_the_whole_period(client, lead, place, versions):
    round_ = assessment_open(place=place, period="2026/27 Q1", versions=versions, participants=[])
    client.force_login(lead)
    response = client.get(reverse("assessment-import-template", args=[round_.pk]))
    assert response["Content-Disposition"] == (
        'attachment; filename="riverside-2026-27-q1-workshop-scores.xlsx"'
    )
