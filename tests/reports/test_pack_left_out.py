"""The board pack's index lists every chosen round it does not hold, and why, in words that tell
a reader nothing about a round that is not theirs to see (Chromium and WeasyPrint stand aside:
`fake_render`; the index is real)."""

import pytest
from django.tasks import task_backends
from django.urls import reverse

from assessment.models import Membership
from reports.compare import anonymous_label

from .compare_data import chosen
from .pages import refused
from .test_compare_board_pack import INDEX, RIVERSIDE, WESTFIELD, index_text, unpacked

pytestmark = pytest.mark.django_db

URL = reverse("reports-compare-pack")
LEFT_OUT = "Chosen but not in this pack"
NOT_YOURS = "not found, or not closed, or not shared with you"


@pytest.fixture
def queue_only(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


def test_it_lists_each_chosen_round_left_out_and_why(
    client, analyst, shared_places, media, fake_render
):
    client.force_login(analyst)
    northmoor = shared_places["northmoor"]
    query = chosen(shared_places["riverside"], northmoor)
    query["assessment"] += [999999, "ABCDEFGHIJ"]
    files = unpacked(client.get(URL, query))
    assert set(files) == {INDEX, RIVERSIDE}
    said = index_text(files)
    assert f"{LEFT_OUT}: 3 rounds." in said
    assert (
        f"{anonymous_label(northmoor.pk)}, 2026 Q2: shared anonymously: its report names its place."
        in said
    )
    assert f"Round 999999: {NOT_YOURS}." in said
    assert f"ABCDEFGHIJ: {NOT_YOURS}." in said
    assert "Northmoor" not in said


def test_it_says_the_same_of_a_private_round_as_of_one_that_does_not_exist(
    client, analyst, shared_places, media, fake_render
):
    client.force_login(analyst)
    eastvale = shared_places["eastvale"]
    query = {"assessment": [shared_places["westfield"].pk, eastvale.pk]}
    said = index_text(unpacked(client.get(URL, query)))
    assert f"Round {eastvale.pk}: {NOT_YOURS}." in said
    assert "Eastvale" not in said


def test_it_names_a_round_of_the_reader_s_own_place_that_is_not_closed(
    client, analyst, place, shared_places, open_round, media, fake_render
):
    Membership.objects.create(user=analyst, place=place, role="viewer")
    client.force_login(analyst)
    query = {"assessment": [shared_places["riverside"].pk, open_round.pk]}
    said = index_text(unpacked(client.get(URL, query)))
    assert f"{LEFT_OUT}: 1 round." in said
    assert "Riverside Borough, 2026 Q4: not closed yet" in said


def test_a_pack_of_every_round_that_matches_lists_the_anonymous_ones_left_out(
    client, analyst, shared_places, media, fake_render
):
    client.force_login(analyst)
    files = unpacked(client.get(URL, {"all": "1", "period": "2026 Q2"}))
    assert set(files) == {INDEX, RIVERSIDE, WESTFIELD}
    said = index_text(files)
    label = anonymous_label(shared_places["northmoor"].pk)
    assert f"{LEFT_OUT}: 1 round. {label}, 2026 Q2: shared anonymously" in said


def test_a_pack_that_leaves_nothing_out_says_nothing_of_it(
    client, analyst, shared_places, media, fake_render
):
    client.force_login(analyst)
    query = chosen(shared_places["riverside"], shared_places["westfield"])
    assert LEFT_OUT not in index_text(unpacked(client.get(URL, query)))


def test_it_hands_the_worker_what_was_left_out_as_plain_text(
    client, analyst, shared_places, media, queue_only
):
    client.force_login(analyst)
    northmoor = shared_places["northmoor"]
    client.get(URL, chosen(shared_places["riverside"], northmoor))
    client.get(URL, chosen(shared_places["westfield"]))
    first, second = task_backends["default"].results
    assert first.kwargs["left_out"] == [
        [
            f"{anonymous_label(northmoor.pk)}, 2026 Q2",
            "shared anonymously: its report names its place",
        ]
    ]
    assert "left_out" not in second.kwargs  # a pack that leaves nothing out: ids only


def test_it_says_why_when_no_chosen_round_can_go_in_a_pack(client, analyst, shared_places, media):
    client.force_login(analyst)
    response = client.get(URL, chosen(shared_places["northmoor"]))
    assert response.status_code == 400
    label = anonymous_label(shared_places["northmoor"].pk)
    assert f"{label}, 2026 Q2: shared anonymously: its report names its place." in response.text


@pytest.fixture
def national(request):
    """The demo and `places` synthetic places, each with two closed rounds, mostly shared by
    name and some anonymously."""
    from assessment.demo import seed_demo

    seed_demo(extra_places=request.param, respondents_per_round=3)


@pytest.mark.parametrize("national", [4, 40], indirect=True)
def test_it_asks_for_a_pack_of_every_round_in_the_same_queries_for_any_number(
    client, analyst, national, media, queue_only, django_assert_num_queries
):
    client.force_login(analyst)
    client.get(reverse("reports-compare"))
    # session, user, permissions (2); the analyst's places and the rounds on offer; the rounds
    # whose reports they may open (every chosen round is found: none is looked for as one of
    # their own not closed); the plans' last change; the pack's row.
    with django_assert_num_queries(9):
        response = client.get(URL, {"all": "1"})
    assert response.status_code == 202
    [result] = task_backends["default"].results
    assert len(result.kwargs["left_out"]) > 0 and len(result.kwargs["round_ids"]) > 4


def test_it_refuses_a_pack_larger_than_the_deployment_allows_and_queues_nothing(
    client, analyst, shared_places, media, queue_only, settings
):
    settings.BOARD_PACK_MAX_REPORTS = 1
    client.force_login(analyst)
    query = chosen(shared_places["riverside"], shared_places["westfield"])
    response = client.get(URL, query)
    assert response.status_code == 400
    heading, why = refused(response)
    assert heading == "A board pack made here holds at most 1 reports."
    assert why.startswith("These rounds have 2. Narrow them by region")
    assert b'href="/compare/?' in response.content  # the way back
    assert task_backends["default"].results == []
