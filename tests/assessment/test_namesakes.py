"""Two people with the same full name: a round tells them apart by who they are, and a workshop
sheet that names them only by that name is refused rather than guessed."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessment.imports import ScoresFileError, check_rows, read_table
from assessment.models import Assessment, Membership, Respondent, Role
from assessment.services import assessment_advance, assessment_open, import_preview, scores_import
from tests.assessment.forms_helper import page_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def namesakes(make_person, place):
    """Two members of the place called Sam Jones."""
    people = [
        make_person("sam.jones@riverside.example.org", "Sam", "Jones"),
        make_person("sam.jones@voluntary.example.org", "Sam", "Jones"),
    ]
    for person in people:
        Membership.objects.create(user=person, place=place, role=Role.RESPONDENT)
    return people


def _taking_part(round_) -> set:
    return {r.user for r in round_.respondents.all()}


def test_it_opens_a_round_with_two_members_of_the_same_name(client, lead, namesakes, versions):
    client.force_login(lead)
    url = reverse("assessment-open", args=["riverside"])
    form = page_form(client.get(url))
    form.fill(period="2027 Q1")  # everyone who scores is ticked by default
    response = client.post(url, form.data())
    assert response.status_code == 302
    opened = Assessment.objects.get(period="2027 Q1")
    assert set(namesakes) <= _taking_part(opened)


def test_it_tells_namesakes_apart_by_their_e_mail_addresses(lead, namesakes, place, versions):
    opened = assessment_open(
        place=place, period="2027 Q1", versions=versions, participants=[*namesakes, lead]
    )
    assert sorted(r.name for r in opened.respondents.all()) == [
        "Priya Shah",
        "Sam Jones (sam.jones@riverside.example.org)",
        "Sam Jones (sam.jones@voluntary.example.org)",
    ]


def test_it_adds_two_members_of_the_same_name_on_deadline_and_people(
    client, lead, namesakes, open_round
):
    client.force_login(lead)
    url = reverse("assessment-edit", args=[open_round.pk])
    form = page_form(client.get(url))
    form.fill(participants=[*form.values["participants"], *[str(p.pk) for p in namesakes]])
    response = client.post(url, form.data())
    assert response.status_code == 302
    assert set(namesakes) <= _taking_part(open_round)


def test_it_starts_the_next_round_with_two_members_of_the_same_name(
    client, lead, namesakes, place, versions
):
    closed = assessment_open(place=place, period="2026 Q4", versions=versions, participants=[])
    assessment_advance(assessment=closed)
    assessment_advance(assessment=closed)
    client.force_login(lead)
    url = reverse("assessment-next", args=[closed.pk])
    form = page_form(client.get(url))
    form.fill(period="2027 Q2", participants=[str(p.pk) for p in namesakes])
    response = client.post(url, form.data())
    assert response.status_code == 302, response.content.decode()
    assert _taking_part(Assessment.objects.get(period="2027 Q2")) == set(namesakes)


SHEET = "respondent,framework,item,current\nSam Jones,lga-maturity-matrix,impact,2\n"


@pytest.fixture
def two_sam_joneses(open_round, namesakes):
    """Two respondents the round calls by the same name (a name is not who someone is)."""
    for person in namesakes:
        Respondent.objects.create(assessment=open_round, user=person, name="Sam Jones")
    return open_round


def _rows(round_, sheet: str):
    return check_rows(read_table("s.csv", sheet.encode()), list(round_.framework_versions.all()))


def test_it_refuses_an_import_line_whose_name_two_people_share(two_sam_joneses):
    with pytest.raises(ScoresFileError) as refused:
        scores_import(
            assessment=two_sam_joneses, rows=_rows(two_sam_joneses, SHEET), add_respondents=True
        )
    assert [str(e) for e in refused.value.errors] == [
        "line 2: 2 people in this round are called Sam Jones: name each by their e-mail address"
    ]
    assert not Respondent.objects.filter(assessment=two_sam_joneses, user=None).exists()


def test_it_shows_the_shared_name_in_the_preview_and_offers_no_import(
    client, lead, two_sam_joneses
):
    client.force_login(lead)
    url = reverse("assessment-import", args=[two_sam_joneses.pk])
    data = page_form(client.get(url)).data()
    data["file"] = SimpleUploadedFile("scores.csv", SHEET.encode())
    preview = client.post(url, data)
    said = " ".join(preview.content.decode().split())
    assert "line 2: 2 people in this round are called Sam Jones" in said
    assert "Import these scores" not in said
    assert not import_preview(assessment=two_sam_joneses, rows=_rows(two_sam_joneses, SHEET)).people


def test_it_imports_a_namesake_named_by_e_mail(two_sam_joneses, namesakes):
    sheet = SHEET.replace("Sam Jones", namesakes[1].email)
    scores_import(assessment=two_sam_joneses, rows=_rows(two_sam_joneses, sheet))
    scored = Respondent.objects.get(responses__isnull=False)
    assert scored.user == namesakes[1]
