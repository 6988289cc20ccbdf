"""manage.py import_scores: a workshop's file into a place's round, all or nothing."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, ManagementUtility, call_command
from openpyxl import Workbook

from assessment.models import Assessment, Place, Respondent, Response, RoundStatus
from frameworks.selectors import latest_published_versions

pytestmark = pytest.mark.django_db

SCORES = """respondent,framework,item,current,target,evidence
Grace Okafor,lga-maturity-matrix,impact,2,3,Admissions fell 6%.
Grace Okafor,kingsfund-16-lessons,lesson-01,1,2,
Dan Reilly,lga-maturity-matrix,impact,3,4,
"""
BAD = """respondent,framework,item,current,target,evidence
Grace Okafor,lga-maturity-matrix,impact,2,3,
Grace Okafor,lga-maturity-matrix,no-such-item,2,3,
,lga-maturity-matrix,place,2,3,
Dan Reilly,kingsfund-16-lessons,lesson-01,4,3,
"""


@pytest.fixture
def scores_file(tmp_path):
    path = tmp_path / "riverside.csv"
    path.write_text(SCORES, encoding="utf-8")
    return path


def _import(path, *args):
    out, err = StringIO(), StringIO()
    call_command("import_scores", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_creates_the_place_and_the_round_and_says_which_round(scores_file):
    out, _ = _import(
        scores_file, "--place", "eastvale", "--period", "2026 Q4",
        "--place-name", "Eastvale Health and Wellbeing Board",
    )  # fmt: skip
    assessment = Assessment.objects.get(place__code="eastvale", period="2026 Q4")
    assert assessment.place.name == "Eastvale Health and Wellbeing Board"
    assert assessment.status == RoundStatus.OPEN
    assert set(assessment.framework_versions.all()) == set(latest_published_versions())
    assert f"assessment {assessment.pk}" in out
    assert "3 scores from 2 respondents (2 new)" in out


def test_it_refuses_names_an_existing_round_does_not_have_suggesting_the_closest(
    tmp_path, open_round
):
    path = tmp_path / "typo.csv"
    path.write_text(
        "respondent,framework,item,current\nTom Hughs,lga-maturity-matrix,impact,2\n",
        encoding="utf-8",
    )
    err = StringIO()
    with pytest.raises(CommandError, match=r"^1 problem; nothing was imported"):
        call_command(
            "import_scores",
            str(path),
            "--place",
            "riverside",
            "--period",
            "2026 Q4",
            stdout=StringIO(),
            stderr=err,
        )
    assert err.getvalue().splitlines() == [
        f"{path}: line 2: Tom Hughs is not taking part in this round: did you mean Tom Hughes?"
    ]
    assert not Response.objects.exists()


def test_it_imports_into_an_existing_round_of_an_existing_place(scores_file, open_round):
    out, _ = _import(
        scores_file, "--place", "riverside", "--period", "2026 Q4", "--add-respondents"
    )
    assert f"assessment {open_round.pk}" in out
    assert Assessment.objects.count() == 1
    grace = Respondent.objects.get(assessment=open_round, name="Grace Okafor")
    assert grace.imported and not grace.is_submitted  # 2 of 25 items: a draft
    assert grace.responses.get(item__key="impact").evidence == "Admissions fell 6%."
    assert "not marked as submitted, as their answers leave items out: Dan Reilly, " in out


def test_it_marks_everyone_in_the_file_as_submitted_when_told_to(scores_file, open_round):
    _import(
        scores_file, "--place", "riverside", "--period", "2026 Q4", "--add-respondents",
        "--mark-submitted",
    )  # fmt: skip
    imported = Respondent.objects.filter(assessment=open_round, imported=True)
    assert [r.is_submitted for r in imported] == [True, True]


def test_it_opens_a_new_round_in_an_existing_place(scores_file, open_round):
    out, _ = _import(scores_file, "--place", "riverside", "--period", "2027 Q2")
    created = Assessment.objects.get(place=open_round.place, period="2027 Q2")
    assert f"assessment {created.pk}" in out
    assert Response.objects.filter(respondent__assessment=created).count() == 3


def test_it_refuses_an_unknown_place_without_a_name_to_create_it(scores_file):
    with pytest.raises(CommandError, match="give --place-name"):
        _import(scores_file, "--place", "eastvale", "--period", "2026 Q4")
    assert not Place.objects.exists()


def test_it_refuses_a_missing_file(tmp_path, place):
    with pytest.raises(CommandError, match="No such file"):
        _import(tmp_path / "absent.csv", "--place", "riverside", "--period", "2026 Q4")


def test_it_refuses_the_whole_file_listing_each_bad_line_and_saves_nothing(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(BAD, encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError, match=r"4 problems; nothing was imported"):
        call_command(
            "import_scores", str(path), "--place", "eastvale", "--period", "2026 Q4",
            "--place-name", "Eastvale", stdout=StringIO(), stderr=err,
        )  # fmt: skip
    lines = err.getvalue().splitlines()
    assert lines == [
        f"{path}: line 3: unknown item 'no-such-item' in lga-maturity-matrix",
        f"{path}: line 4: the respondent is missing",
        f"{path}: line 4: Place is a context factor: it describes the place's circumstances and "
        "takes no target (leave the target blank)",
        f"{path}: line 5: current level 4 is off the scale 0–3",
    ]
    assert not Place.objects.exists()
    assert not Response.objects.exists()


def test_it_exits_non_zero_on_a_bad_file(tmp_path, open_round, capsys, monkeypatch):
    # From the command line Django closes the connections on the way out; this test's
    # transaction must outlive that to look at the database afterwards.
    monkeypatch.setattr("django.core.management.base.connections.close_all", lambda: None)
    path = tmp_path / "bad.csv"
    path.write_text(BAD, encoding="utf-8")
    utility = ManagementUtility(
        ["manage.py", "import_scores", str(path), "--place", "riverside", "--period", "2026 Q4"]
    )
    with pytest.raises(SystemExit) as exited:
        utility.execute()
    assert exited.value.code == 1
    assert "line 3: unknown item 'no-such-item'" in capsys.readouterr().err
    assert not Respondent.objects.filter(assessment=open_round, imported=True).exists()


def test_it_refuses_to_import_into_a_closed_round_and_saves_nothing(scores_file, open_round):
    Assessment.objects.filter(pk=open_round.pk).update(status=RoundStatus.CLOSED)
    with pytest.raises(CommandError, match="closed"):
        _import(scores_file, "--place", "riverside", "--period", "2026 Q4")
    assert not Response.objects.exists()


def test_it_reads_an_xlsx_workbook_too(tmp_path, place):
    workbook = Workbook()
    for row in [line.split(",") for line in SCORES.splitlines()]:
        workbook.active.append([int(v) if re.fullmatch(r"\d", v) else v for v in row])
    path = tmp_path / "riverside.xlsx"
    workbook.save(path)
    out, _ = _import(path, "--place", "riverside", "--period", "2026 Q4")
    assert "3 scores from 2 respondents" in out
    assert Response.objects.get(respondent__name="Dan Reilly").current == 3
