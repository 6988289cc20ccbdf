"""Starting the next round from a closed one: the same place and people, the latest framework
versions, and every action not done or dropped carried over."""

import io
import shutil
import threading
import time
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection, connections
from django.urls import reverse

from assessment.models import Action, ActionStatus, Assessment, Respondent, RoundStatus
from assessment.services import actions as services_actions
from assessment.services import assessment_advance, assessment_open
from assessment.services.actions import action_create, assessment_next
from frameworks import documents
from frameworks.selectors import latest_published_versions
from frameworks.services import framework_files_load
from tests.assessment.scoring import items_by_key, named_respondent, respondent_of, score
from tests.frameworks.files import as_published, matrix_data, write_framework

pytestmark = pytest.mark.django_db


def _next(round_):
    return reverse("assessment-next", args=[round_.pk])


def _own_form(page):
    [form] = [f for f in page.forms.values() if f.action in ("", page.request.path)]
    return form


@pytest.fixture
def first_versions(versions):
    """The first published versions: the next round moves on to the latest."""
    from frameworks.models import FrameworkVersion

    return [FrameworkVersion.objects.get(framework=v.framework, version="1.0") for v in versions]


@pytest.fixture
def closed_round(place, lead, respondent, viewer, first_versions):
    """Riverside's closed round on the 1.0 versions, with the lead and respondent taking part,
    a workshop name, and an action in every status."""
    round_ = assessment_open(
        place=place,
        period="2025 Q4",
        versions=first_versions,
        participants=[lead, respondent],
        show_names=True,
        user=lead,
    )
    named_respondent(round_, "Workshop guest")
    score(respondent_of(round_, respondent))
    assessment_advance(assessment=round_)
    assessment_advance(assessment=round_)
    items = items_by_key(round_)
    for status, keys in [
        (ActionStatus.PLANNED, ["workforce", "lesson-07"]),
        (ActionStatus.IN_PROGRESS, ["information-management"]),
        (ActionStatus.DONE, ["impact"]),
        (ActionStatus.DROPPED, ["governance"]),
    ]:
        action_create(
            assessment=round_,
            user=lead,
            title=f"A {status} action",
            owner="Jo Lee",
            items=[items[k] for k in keys],
            status=status,
            due=date(2026, 1, 31),
            expected_level=3,
        )
    return round_


def test_it_offers_last_round_s_people_ticked(django_app, lead, respondent, closed_round):
    form = _own_form(django_app.get(_next(closed_round), user=lead))
    ticked = sorted(box._value for box in form.fields["participants"] if box.checked)
    assert ticked == sorted([str(lead.pk), str(respondent.pk)])
    assert form["show_names"].checked


def test_it_starts_the_next_round_from_the_form_and_carries_open_actions(
    django_app, lead, respondent, closed_round
):
    page = django_app.get(_next(closed_round), user=lead)
    assert "A planned action" in page and "A done action" not in page
    form = _own_form(page)
    form["period"] = " 2026   Q2 "
    form["deadline"] = "2026-06-30"
    plan = form.submit(user=lead).follow()
    following = Assessment.objects.get(period="2026 Q2")
    assert plan.request.path == reverse("assessment-detail", args=[following.pk])
    assert "Round 2026 Q2 is open for scoring. 2 open actions carried over from 2025 Q4." in plan
    assert (following.previous, following.status, following.place) == (
        closed_round,
        RoundStatus.OPEN,
        closed_round.place,
    )
    assert following.deadline == date(2026, 6, 30) and following.show_names
    assert set(following.framework_versions.all()) == set(latest_published_versions())
    assert {r.user for r in following.respondents.all()} == {lead, respondent}
    carried = {a.title: a for a in following.actions.all()}
    assert set(carried) == {"A planned action", "A in-progress action"}
    planned = carried["A planned action"]
    assert planned.carried_from.assessment == closed_round
    assert (planned.status, planned.owner, planned.due, planned.expected_level) == (
        ActionStatus.PLANNED,
        "Jo Lee",
        date(2026, 1, 31),
        3,
    )
    new_items = {i.key: i for i in planned.items.all()}
    assert sorted(new_items) == ["lesson-07", "workforce"]
    assert {i.version for i in new_items.values()} <= set(following.framework_versions.all())


def test_it_ticks_the_frameworks_last_round_scored_and_pins_those_chosen(
    django_app, lead, closed_round
):
    form = _own_form(django_app.get(_next(closed_round), user=lead))
    ticked = {box._value for box in form.fields["versions"] if box.checked}
    assert ticked == {str(v.pk) for v in latest_published_versions()}
    lessons = latest_published_versions()[1]
    form["period"] = "2026 Q2"
    for box in form.fields["versions"]:
        box.checked = box._value == str(lessons.pk)
    page = form.submit(user=lead).follow()
    following = Assessment.objects.get(period="2026 Q2")
    assert list(following.framework_versions.all()) == [lessons]
    # The in-progress action was on a factor alone: the lessons-only round cannot hold it.
    assert "“A in-progress action” was linked to Information management" in page
    kept = following.actions.get(title="A planned action")
    assert [i.key for i in kept.items.all()] == ["lesson-07"]


def test_it_lets_the_lead_change_who_takes_part(django_app, lead, respondent, closed_round):
    form = _own_form(django_app.get(_next(closed_round), user=lead))
    form["period"] = "2026 Q2"
    for box in form.fields["participants"]:
        box.checked = box._value == str(respondent.pk)
    form.submit(user=lead)
    following = Assessment.objects.get(period="2026 Q2")
    assert [r.user for r in following.respondents.all()] == [respondent]


def test_it_refuses_a_period_the_place_has_used(django_app, lead, closed_round):
    form = _own_form(django_app.get(_next(closed_round), user=lead))
    form["period"] = "2025 Q4"
    response = form.submit(user=lead)
    assert response.status_code == 200
    error = response.html.find(id="div_id_period").text
    assert "Riverside Borough already has a round called '2025 Q4'." in error
    assert Assessment.objects.count() == 1


def test_it_starts_only_from_a_closed_round(django_app, lead, open_round):
    page = django_app.get(_next(open_round), user=lead)
    assert "Only a closed round can start the next round." in page
    with pytest.raises(ValidationError, match="Only a closed round"):
        assessment_next(assessment=open_round, period="2027 Q1", participants=[], user=lead)
    assert Assessment.objects.count() == 1


def test_it_starts_one_next_round_however_often_the_form_is_sent(django_app, lead, closed_round):
    page = django_app.get(_next(closed_round), user=lead)
    form = _own_form(page)
    form["period"] = "2026 Q2"
    form.submit(user=lead)
    form["period"] = "2026 Q3"  # the same tab, sent again
    second = form.submit(user=lead)
    assert "has already been started from this one" in second
    assert Assessment.objects.filter(previous=closed_round).count() == 1
    assert Action.objects.filter(carried_from__isnull=False).count() == 2


def test_it_says_which_items_the_new_versions_no_longer_have(
    django_app, lead, closed_round, tmp_path, monkeypatch
):
    _publish_matrix_without("workforce", tmp_path, monkeypatch)
    page = django_app.get(_next(closed_round), user=lead)
    assert "Not in the new versions, so left off: Workforce (workforce)." in page
    form = _own_form(page)
    form["period"] = "2026 Q2"
    for box in form.fields["participants"]:  # the lead prepares, not taking part
        box.checked = box._value != str(lead.pk)
    started = form.submit(user=lead).follow()
    assert (
        "“A planned action” was linked to Workforce (workforce), which the new framework "
        "versions do not have: it keeps its other items." in started
    )
    carried = Action.objects.get(assessment__period="2026 Q2", title="A planned action")
    assert [i.key for i in carried.items.all()] == ["lesson-07"]
    plan = django_app.get(reverse("assessment-actions", args=[carried.assessment_id]), user=lead)
    row = plan.html.find("a", string="A planned action").find_parent("tr")
    assert "also aimed at Workforce, which this round's framework versions do not have" in row.text


def test_it_keeps_an_action_all_of_whose_items_are_gone(lead, closed_round, tmp_path, monkeypatch):
    _publish_matrix_without("information-management", tmp_path, monkeypatch)
    started = assessment_next(assessment=closed_round, period="2026 Q2", participants=[], user=lead)
    [gone] = [c for c in started.with_missing_items if c.action.title == "A in-progress action"]
    assert [i.key for i in gone.missing] == ["information-management"]
    assert not gone.action.items.exists()
    assert gone.action.pk in {a.pk for a in started.assessment.actions.all()}


@pytest.mark.parametrize("who", ["respondent", "viewer"])
def test_it_lets_only_a_lead_start_the_next_round(client, request, closed_round, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(_next(closed_round)).status_code == 403
    assert client.post(_next(closed_round), {"period": "2026 Q2"}).status_code == 403
    assert Assessment.objects.count() == 1


def test_it_answers_404_to_an_outsider(client, outsider, closed_round):
    client.force_login(outsider)
    assert client.post(_next(closed_round), {"period": "2026 Q2"}).status_code == 404
    assert Assessment.objects.count() == 1


def test_it_answers_405_to_other_methods(client, lead, closed_round):
    client.force_login(lead)
    assert client.put(_next(closed_round)).status_code == 405


def test_it_leaves_the_closed_round_and_its_plan_as_they_were(lead, closed_round):
    before = list(Action.objects.values_list("pk", "status", "title").order_by("pk"))
    answers = Respondent.objects.filter(assessment=closed_round).count()
    assessment_next(assessment=closed_round, period="2026 Q2", participants=[], user=lead)
    closed_round.refresh_from_db()
    assert closed_round.status == RoundStatus.CLOSED
    assert (
        list(Action.objects.filter(assessment=closed_round).values_list("pk", "status", "title"))
        == before
    )
    assert Respondent.objects.filter(assessment=closed_round).count() == answers


def _publish_matrix_without(key, tmp_path, monkeypatch):
    """A matrix 2.0 without the factor `key`, locked in a private lock file and published."""
    lock = tmp_path / "frameworks.lock.json"
    shutil.copyfile(documents.LOCK_PATH, lock)
    monkeypatch.setattr(documents, "LOCK_PATH", lock)
    data = as_published(matrix_data(), "2.0")
    data["items"] = [item for item in data["items"] if item["key"] != key]
    path = write_framework(tmp_path, data)
    call_command("lock_frameworks", str(path), stdout=io.StringIO())
    framework_files_load(paths=[path])


# --- two leads at once (PostgreSQL: SQLite serialises every write, which hides the race) -------


@pytest.fixture
def committed(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("Races need real row locks: run on PostgreSQL (set DATABASE_URL), as CI does")
    # A transactional test ends by emptying the database, frameworks included: load them again.
    call_command("load_frameworks", verbosity=0)


def test_it_starts_one_next_round_when_two_leads_start_it_at_once(
    committed, place, lead, respondent, monkeypatch
):
    versions = latest_published_versions()
    closed = assessment_open(place=place, period="2025 Q4", versions=versions, participants=[])
    items = items_by_key(closed)
    action_create(
        assessment=closed, user=lead, title="Carried once", owner="Jo", items=[items["workforce"]]
    )
    Assessment.objects.filter(pk=closed.pk).update(status=RoundStatus.CLOSED)
    # Each start takes its time once it holds the lock, so the second has to wait for it.
    slow_open = services_actions.assessment_open

    def slowly(**kwargs):
        time.sleep(0.3)
        return slow_open(**kwargs)

    monkeypatch.setattr(services_actions, "assessment_open", slowly)
    errors: list[Exception] = []
    barrier = threading.Barrier(2)

    def start(period: str) -> None:
        try:
            barrier.wait()
            assessment_next(assessment=closed, period=period, participants=[], user=lead)
        except ValidationError as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=start, args=(p,)) for p in ("2026 Q2", "2026 Q3")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert Assessment.objects.filter(previous=closed).count() == 1
    assert Action.objects.filter(carried_from__isnull=False).count() == 1
    assert ["has already been started" in " ".join(e.messages) for e in errors] == [True]
