"""GET /api/assessments/: the rounds the caller may see, with ?place=, ?period= and ?status=."""

import pytest
from django.urls import reverse

from assessment.models import Sharing
from assessment.services import assessment_open
from reports.compare import anonymous_code, anonymous_label

from .compare_data import closed_round, key_of, make_place

pytestmark = pytest.mark.django_db

URL = reverse("reports-api-assessments")


@pytest.fixture
def rounds(place, other_place, open_round, versions, outsider):
    """Riverside: an open round (2026 Q4), one closed and shared by name (2026 Q2) and one closed
    and private (2025 Q4). Northmoor: one closed and shared anonymously (2026 Q2) and one open
    (2026 Q4). Eastvale: one closed and private (2026 Q2)."""
    eastvale = make_place("eastvale", "Eastvale Health and Wellbeing Board")
    return {
        "riverside_open": open_round,
        "riverside": closed_round(place, "2026 Q2", {"Asha Patel": {}}),
        "riverside_private": closed_round(
            place, "2025 Q4", {"Asha Patel": {}}, sharing=Sharing.PRIVATE
        ),
        "northmoor": closed_round(
            other_place, "2026 Q2", {"Ian Walker": {}}, sharing=Sharing.ANONYMOUS
        ),
        "northmoor_open": assessment_open(
            place=other_place, period="2026 Q4", versions=versions, participants=[outsider]
        ),
        "eastvale": closed_round(eastvale, "2026 Q2", {"Maria Costa": {}}, sharing=Sharing.PRIVATE),
    }


def _listed(client, user, **query) -> list[dict]:
    client.force_login(user)
    response = client.get(URL, query)
    assert response.status_code == 200
    return response.json()["assessments"]


def _ids(listed) -> set[int | str]:
    """Each round by its id, or where it has none (an anonymous round), by its code."""
    return {entry["key"] if entry["id"] is None else entry["id"] for entry in listed}


def _of(rounds, *names) -> set[int]:
    return {rounds[name].pk for name in names}


def _as_analyst(rounds, *names) -> set[int | str]:
    """The rounds as an analyst meets them: an anonymous one by its code."""
    return {key_of(rounds[name]) for name in names}


def _entry(listed, round_) -> dict:
    [entry] = [e for e in listed if e["key"] in (str(round_.pk), anonymous_code(round_.pk))]
    return entry


def test_it_lists_a_member_s_own_rounds_in_every_state(client, viewer, rounds):
    listed = _ids(_listed(client, viewer))
    assert listed == _of(rounds, "riverside_open", "riverside", "riverside_private")


def test_it_lists_no_round_of_another_place_to_a_lead_elsewhere(client, outsider, rounds):
    assert _ids(_listed(client, outsider)) == _of(rounds, "northmoor", "northmoor_open")


def test_it_lists_every_closed_shared_round_to_an_analyst(client, analyst, rounds):
    assert _ids(_listed(client, analyst)) == _as_analyst(rounds, "riverside", "northmoor")


def test_it_lists_every_round_to_staff(client, staff, rounds):
    assert _ids(_listed(client, staff)) == {r.pk for r in rounds.values()}


def test_it_describes_a_round_shared_by_name_with_a_link_to_its_data(client, analyst, rounds):
    entry = _entry(_listed(client, analyst), rounds["riverside"])
    assert entry == {
        "id": rounds["riverside"].pk,
        "key": str(rounds["riverside"].pk),
        "place": {"code": "riverside", "name": "Riverside Borough"},
        "period": "2026 Q2",
        "status": "closed",
        "sharing": "named",
        "url": f"http://testserver/api/assessments/{rounds['riverside'].pk}/",
    }


def test_it_describes_an_anonymous_round_without_its_place_its_id_or_a_link(
    client, analyst, rounds
):
    # Ids run in order: the anonymous round's beside its place's named rounds' would tell.
    entry = _entry(_listed(client, analyst), rounds["northmoor"])
    assert entry == {
        "id": None,
        "key": anonymous_code(rounds["northmoor"].pk),
        "place": {"code": "", "name": anonymous_label(rounds["northmoor"].pk)},
        "period": "2026 Q2",
        "status": "closed",
        "sharing": "anonymous",
        "url": None,
    }


def test_it_names_the_place_of_an_anonymous_round_to_its_own_members(client, outsider, rounds):
    entry = _entry(_listed(client, outsider), rounds["northmoor"])
    assert entry["place"] == {"code": "northmoor", "name": "Northmoor Integrated Care System"}


def test_it_gives_a_link_that_opens_for_the_analyst(client, analyst, rounds):
    entry = _entry(_listed(client, analyst), rounds["riverside"])
    assert client.get(entry["url"]).json()["period"] == "2026 Q2"


# --- filters ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"place": "riverside"}, {"riverside_open", "riverside", "riverside_private"}),
        ({"period": "2026 Q2"}, {"riverside", "northmoor", "eastvale"}),
        # Periods match loosely, as on the compare page: a year holds its quarters.
        ({"period": "q2 2026"}, {"riverside", "northmoor", "eastvale"}),
        ({"period": "2025"}, {"riverside_private"}),
        ({"period": "2026", "status": "open"}, {"riverside_open", "northmoor_open"}),
        ({"status": "open"}, {"riverside_open", "northmoor_open"}),
        ({"place": "northmoor", "status": "closed"}, {"northmoor"}),
        ({"place": "nowhere"}, set()),
    ],
)
def test_it_filters_the_rounds(client, staff, rounds, query, expected):
    assert _ids(_listed(client, staff, **query)) == _of(rounds, *expected)


def test_it_filters_within_what_the_caller_may_see(client, analyst, rounds):
    listed = _ids(_listed(client, analyst, period="2026 Q2"))
    assert listed == _as_analyst(rounds, "riverside", "northmoor")


def test_it_never_finds_an_anonymous_round_by_its_place_s_code(client, analyst, rounds):
    # Otherwise ?place=northmoor would tell an analyst whose anonymous round this is.
    assert _listed(client, analyst, place="northmoor") == []


def test_it_withholds_a_period_that_could_name_an_anonymous_place(
    client, analyst, rounds, other_place
):
    telling = closed_round(
        other_place, "Northmoor refresh", {"Ian Walker": {}}, sharing=Sharing.ANONYMOUS
    )
    entry = _entry(_listed(client, analyst), telling)
    assert entry["period"] == "period withheld"
    # Nor does the period filter read it back.
    assert _listed(client, analyst, period="Northmoor refresh") == []


def test_it_lists_rounds_by_the_name_shown_so_no_anonymous_round_sorts_beside_its_place(
    client, analyst, rounds, other_place
):
    closed_round(other_place, "2025 Q4", {"Ian Walker": {}}, sharing=Sharing.NAMED)
    names = [e["place"]["name"] for e in _listed(client, analyst)]
    assert names == sorted(names)
    assert names.count("Northmoor Integrated Care System") == 1  # its named round only


PLACE_CODE = "A place code has only letters, digits, hyphens and underscores."
PERIOD = "Give a period as a year, a quarter, a half or a month, e.g. “2026 Q2”."
NO_STATUS = "There is no status “%s”: use open, consensus or closed."


@pytest.mark.parametrize(
    ("query", "problem"),
    [
        # PostgreSQL refuses text holding NUL: such a filter must never reach a query.
        ({"place": "riverside\x00"}, {"place": [PLACE_CODE]}),
        ({"period": "2026\x00Q2"}, {"period": ["Null characters are not allowed."]}),
        ({"period": "—"}, {"period": [PERIOD]}),
        ({"status": "open\x00"}, {"status": [NO_STATUS % "open\x00"]}),
        ({"status": "finished"}, {"status": [NO_STATUS % "finished"]}),
    ],
)
def test_it_refuses_a_filter_it_cannot_use_and_says_why(client, staff, rounds, query, problem):
    client.force_login(staff)
    response = client.get(URL, query)
    assert response.status_code == 400
    assert response.json() == {"errors": problem}


# --- who may ask ------------------------------------------------------------------------------


def test_it_sends_someone_signed_out_to_sign_in(client, rounds):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={URL}"


def test_it_only_answers_get(client, analyst, rounds):
    client.force_login(analyst)
    assert client.post(URL).status_code == 405
