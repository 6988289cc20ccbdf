"""The history of every change to answers and agreed positions, for the lead."""

import pytest

from assessment.imports import check_rows, read_table
from assessment.services import assessment_advance, scores_import
from tests.assessment.forms_helper import page_form
from tests.assessment.scoring import items_by_key, named_respondent, score

pytestmark = pytest.mark.django_db


def _history(assessment):
    return f"/assessments/{assessment.pk}/history/"


def _save_impact(client, assessment, level):
    url = f"/assessments/{assessment.pk}/respond/"
    impact = items_by_key(assessment)["impact"]
    form = page_form(client.get(url)).fill({f"i{impact.pk}_current": level})
    client.post(url, form.data(button="save"))


def test_it_lists_each_saved_answer_with_who_saved_it(client, respondent, lead, open_round):
    client.force_login(respondent)
    _save_impact(client, open_round, "1")
    _save_impact(client, open_round, "3")
    client.force_login(lead)
    html = client.get(_history(open_round)).text
    rows = [row for row in html.split("<tr>") if "<td>Impact</td>" in row]
    assert len(rows) == 2
    assert "<td>tom.hughes@riverside.example.org</td><td>Tom Hughes</td>" in rows[0]
    assert "<td>Changed</td><td>3</td>" in rows[0]  # newest first
    assert "<td>Created</td><td>1</td>" in rows[1]


def test_it_lists_each_change_to_an_agreed_position(client, lead, open_round):
    assessment_advance(assessment=open_round)
    client.force_login(lead)
    url = f"/assessments/{open_round.pk}/consensus/{items_by_key(open_round)['impact'].pk}/"
    form = page_form(client.get(url)).fill(current="2", target="3", rationale="First view.")
    client.post(url, form.data())
    form = page_form(client.get(url)).fill(current="3", rationale="Second view.")
    client.post(url, form.data())
    html = client.get(_history(open_round)).text
    positions = html.split("Changes to consensus")[1].split("</table>")[0]
    assert positions.count("<td>priya.shah@riverside.example.org</td><td>Impact</td>") == 2
    assert positions.index("Second view.") < positions.index("First view.")


def test_it_marks_imported_answers_as_saved_by_an_import(client, lead, open_round):
    csv = b"respondent,framework,item,current\nGrace Okafor,lga-maturity-matrix,impact,2\n"
    rows = check_rows(read_table("s.csv", csv), list(open_round.framework_versions.all()))
    scores_import(assessment=open_round, rows=rows)
    client.force_login(lead)
    html = client.get(_history(open_round)).text
    assert "<td>import</td><td>Grace Okafor</td><td>Impact</td><td>Created</td>" in html


def test_it_says_when_nothing_has_changed_yet(client, lead, open_round):
    client.force_login(lead)
    assert client.get(_history(open_round)).text.count("No changes yet.") == 2


@pytest.mark.parametrize("who", ["respondent", "viewer"])
def test_it_forbids_anyone_but_the_lead(client, request, open_round, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(_history(open_round)).status_code == 403


@pytest.mark.parametrize("respondents", [1, 8])
def test_it_lists_the_history_in_the_same_queries_however_many_changes(
    client, lead, open_round, django_assert_num_queries, respondents
):
    for n in range(respondents):
        score(named_respondent(open_round, f"Respondent {n}"), submit=False)
    client.force_login(lead)
    # session, user, round with place, my role, consensus changes (with who and item),
    # answer changes (with who, respondent and item)
    with django_assert_num_queries(6):
        response = client.get(_history(open_round))
    assert response.text.count("<td>Created</td>") == 25 * respondents
