"""A round pins one published version of each framework its lead chooses: the shipped ones by
default, an uploaded one when ticked, never two versions of one framework."""

import shutil
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from assessment import services
from assessment.imports import check_rows, read_table
from assessment.models import Assessment, Response
from assessment.services import assessment_open
from frameworks import documents
from frameworks.models import Framework, FrameworkVersion, VersionStatus
from tests.assessment.forms_helper import page_form
from tests.frameworks.files import as_published, matrix_data, write_framework

pytestmark = pytest.mark.django_db

OPEN_URL = "/places/riverside/rounds/new/"
THIRD = "wellbeing-matrix"


@pytest.fixture
def third_version(versions, tmp_path, monkeypatch):
    """A third framework, published: the matrix's content under its own slug, title and keys,
    loaded from its YAML file like any other, then marked as uploaded rather than shipped."""
    lock = tmp_path / "frameworks.lock.json"
    shutil.copyfile(documents.LOCK_PATH, lock)
    monkeypatch.setattr(documents, "LOCK_PATH", lock)
    data = as_published(matrix_data(), "1.0")
    data.update(slug=THIRD, title="Wellbeing partnership matrix")
    for item in data["items"]:
        item["key"], item["title"] = f"wb-{item['key']}", f"Wellbeing: {item['title']}"
    path = write_framework(tmp_path, data)
    call_command("lock_frameworks", str(path), stdout=StringIO())
    call_command("load_frameworks", str(path), stdout=StringIO())
    Framework.objects.filter(slug=THIRD).update(shipped=False)
    return FrameworkVersion.objects.get(framework__slug=THIRD)


def _opened(client, **fields):
    form = page_form(client.get(OPEN_URL)).fill(period="2027 Q1", **fields)
    return client.post(OPEN_URL, form.data(), follow=True)


def test_it_ticks_the_newest_shipped_versions_and_offers_an_uploaded_one_unticked(
    client, lead, versions, third_version
):
    client.force_login(lead)
    form = page_form(client.get(OPEN_URL))
    assert str(third_version.pk) in form.options["versions"]
    assert sorted(form.values["versions"]) == sorted(str(v.pk) for v in versions)


def test_it_pins_a_third_framework_beside_the_two_and_asks_its_items(
    client, lead, versions, third_version
):
    client.force_login(lead)
    chosen = [v.pk for v in versions] + [third_version.pk]
    _opened(client, versions=chosen, participants=[lead.pk])
    assessment = Assessment.objects.get(period="2027 Q1")
    assert set(assessment.framework_versions.all()) == {*versions, third_version}
    page = client.get(reverse("assessment-respond", args=[assessment.pk]))
    scoring = page_form(page)
    for item in third_version.items.all():
        assert f"i{item.pk}_current" in scoring.names
        assert item.title in page.text


def test_it_refuses_two_versions_of_one_framework(client, lead, versions):
    client.force_login(lead)
    matrix = FrameworkVersion.objects.filter(
        framework=versions[0].framework, status=VersionStatus.PUBLISHED
    )
    assert matrix.count() == 3  # 1.0, 1.1 and 1.2
    response = _opened(client, versions=[v.pk for v in matrix])
    title = versions[0].framework.title
    assert f"Choose one version of “{title}”: a round scores each framework once." in response.text
    assert not Assessment.objects.exists()


def test_it_refuses_a_round_with_no_framework(client, lead, versions):
    client.force_login(lead)
    response = _opened(client, versions=[])
    assert "Choose at least one framework for the round to score." in response.text
    assert not Assessment.objects.exists()


def test_it_opens_a_round_on_one_framework_alone(client, lead, versions):
    client.force_login(lead)
    _opened(client, versions=[versions[1].pk])
    assessment = Assessment.objects.get(period="2027 Q1")
    assert list(assessment.framework_versions.all()) == [versions[1]]


def test_its_service_refuses_two_versions_of_one_framework_and_none(place, lead, versions):
    both = list(FrameworkVersion.objects.filter(framework=versions[0].framework))
    with pytest.raises(ValidationError, match="a round scores each framework once"):
        assessment_open(place=place, period="2027 Q1", versions=both, participants=[])
    with pytest.raises(ValidationError, match="at least one framework version"):
        assessment_open(place=place, period="2027 Q1", versions=[], participants=[])
    assert not Assessment.objects.exists()


def test_it_imports_a_workshop_sheet_for_a_third_framework(place, lead, versions, third_version):
    assessment = assessment_open(
        place=place, period="2027 Q1", versions=[*versions, third_version], participants=[]
    )
    sheet = (
        "respondent,framework,item,current,target\n"
        f"Ada Lovelace,{THIRD},wb-impact,2,3\n"
        "Ada Lovelace,lga-maturity-matrix,impact,3,4\n"
    ).encode()
    pinned = list(assessment.framework_versions.prefetch_related("levels", "items"))
    rows = check_rows(read_table("sheet.csv", sheet), pinned)
    services.scores_import(assessment=assessment, rows=rows, add_respondents=True)
    saved = dict(
        Response.objects.filter(respondent__assessment=assessment).values_list(
            "item__version__framework__slug", "current"
        )
    )
    assert saved == {THIRD: 2, "lga-maturity-matrix": 3}


def test_it_refuses_two_frameworks_that_share_an_item_key(
    client, lead, versions, tmp_path, monkeypatch
):
    # The matrix under another slug, its keys kept: a round could not tell its items apart.
    lock = tmp_path / "frameworks.lock.json"
    shutil.copyfile(documents.LOCK_PATH, lock)
    monkeypatch.setattr(documents, "LOCK_PATH", lock)
    data = as_published(matrix_data(), "1.0")
    data.update(slug="matrix-copy", title="A copy of the matrix")
    path = write_framework(tmp_path, data)
    call_command("lock_frameworks", str(path), stdout=StringIO())
    call_command("load_frameworks", str(path), stdout=StringIO())
    copy = FrameworkVersion.objects.get(framework__slug="matrix-copy")
    client.force_login(lead)
    page = _opened(client, versions=[str(v.pk) for v in [*versions, copy]])
    assert "These frameworks both have an item called" in page.text
    assert "care-model" in page.text
    assert not Assessment.objects.filter(period="2027 Q1").exists()
    with pytest.raises(ValidationError, match="told apart by their keys"):
        assessment_open(
            place=lead.memberships.get().place,
            period="2027 Q2",
            versions=[*versions, copy],
            participants=[],
        )
