"""manage.py seed_demo: made-up places, people and rounds, safe to run again."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from assessment.demo import DEMO_PASSWORD
from assessment.models import (
    Assessment,
    Consensus,
    Membership,
    Place,
    Respondent,
    Response,
    Role,
    RoundStatus,
)
from frameworks.models import FrameworkVersion
from frameworks.selectors import first_published_versions, latest_published_versions

pytestmark = pytest.mark.django_db

User = get_user_model()


def _seed(*args):
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def _counts():
    return [
        model.objects.count()
        for model in (User, Place, Membership, Assessment, Respondent, Response, Consensus)
    ]


def test_it_creates_places_with_a_lead_respondents_and_a_board_viewer():
    out = _seed()
    assert "6 places and 10 demo rounds added" in out
    codes = set(Place.objects.values_list("code", flat=True))
    assert codes == {"riverside", "northmoor", "eastvale", "westbrook", "southdale", "highfield"}
    riverside = Membership.objects.filter(place__code="riverside")
    assert sorted(set(riverside.values_list("role", flat=True))) == sorted(Role.values)


def test_it_creates_rounds_in_every_state_with_scores_and_consensus():
    _seed()
    assert set(Assessment.objects.values_list("status", flat=True)) == set(RoundStatus.values)
    closed = Assessment.objects.filter(status=RoundStatus.CLOSED).first()
    assert closed.consensus.count() == 25
    open_round = Assessment.objects.get(place__code="riverside", status=RoundStatus.OPEN)
    submitted = open_round.respondents.filter(submitted_at__isnull=False).count()
    assert 0 < submitted < open_round.respondents.count()


def test_it_adds_nothing_the_second_time():
    _seed()
    before = _counts()
    out = _seed()
    assert _counts() == before
    assert "0 places and 0 demo rounds added" in out


def test_it_creates_people_who_can_sign_in_with_the_demo_password(client):
    _seed()
    admin = User.objects.get(email="admin@example.org")
    assert admin.is_staff and admin.check_password(DEMO_PASSWORD)
    analyst = User.objects.get(email="analyst@example.org")
    assert analyst.has_perm("assessment.compare_places")
    signed_in = client.post(
        "/accounts/login/",
        {"login": "priya.shah@riverside.example.org", "password": DEMO_PASSWORD},
    )
    assert signed_in["Location"] == "/signed-in/"


def test_it_adds_synthetic_places_with_two_shared_closed_rounds_each():
    out = _seed("--places", "2", "--respondents", "3")
    assert "8 places" in out
    synthetic = Assessment.objects.filter(place__code__startswith="place-")
    assert synthetic.count() == 4
    assert set(synthetic.values_list("status", flat=True)) == {RoundStatus.CLOSED}
    assert Response.objects.filter(respondent__assessment__in=synthetic).count() == 4 * 3 * 25


def test_it_refuses_a_negative_number_of_places():
    with pytest.raises(CommandError, match="--places must be 0 or more"):
        _seed("--places", "-1")
    assert not Place.objects.exists()


def test_it_asks_for_the_frameworks_to_be_loaded_first():
    FrameworkVersion.objects.update(status="draft")
    with pytest.raises(CommandError, match="load_frameworks"):
        _seed()
    assert not Place.objects.exists()


def test_it_has_rounds_on_the_first_and_the_latest_version_of_both_frameworks():
    _seed()
    pinned = {
        (version.framework.slug, version.version)
        for round_ in Assessment.objects.prefetch_related("framework_versions__framework")
        for version in round_.framework_versions.all()
    }
    first_and_latest = {
        (version.framework.slug, version.version)
        for version in [*first_published_versions(), *latest_published_versions()]
    }
    assert {version for _, version in first_and_latest} == {"1.0", "1.2"}
    assert pinned == first_and_latest
    riverside_first = Assessment.objects.get(place__code="riverside", period="2025 Q4")
    assert (
        riverside_first.framework_versions.get(framework__kind="maturity-matrix").version == "1.0"
    )


def test_it_records_each_demo_member_s_sector_so_consensus_shows_answers_by_sector():
    _seed()
    sectors = set(
        Membership.objects.filter(
            place__code="riverside", role__in=["lead", "respondent"]
        ).values_list("sector", flat=True)
    )
    assert sectors == {"commissioner", "local-authority", "nhs-provider", "voluntary"}


def test_it_shows_riverside_s_members_a_distribution_with_anonymous_places_in_it():
    from reports.compare import comparison_build

    _seed()
    member = User.objects.get(email="asha.patel@riverside.example.org")
    comparison = comparison_build(member, [])
    impact = comparison.counts["impact"]
    assert impact >= comparison.smallest_shown, "enough places share for members to see them"
    anonymous = Assessment.objects.filter(status="closed", sharing="anonymous")
    assert anonymous.values("place").distinct().count() >= 2
    assert comparison.distribution["impact"].count == impact


def test_it_dates_every_round_whose_scoring_has_ended_before_today():
    from datetime import date

    _seed()
    ended = Assessment.objects.exclude(status=RoundStatus.OPEN).exclude(deadline=None)
    assert ended.exists()
    assert not ended.filter(deadline__gte=date.today()).exists()
    open_round = Assessment.objects.get(place__code="riverside", status=RoundStatus.OPEN)
    assert open_round.deadline > date.today()


def test_it_leaves_the_demo_respondent_a_round_to_score():
    _seed()
    asha = Respondent.objects.get(
        assessment__place__code="riverside",
        assessment__status=RoundStatus.OPEN,
        user__email="asha.patel@riverside.example.org",
    )
    assert not asha.is_submitted and not asha.responses.exists()


def test_it_records_a_minority_view_and_no_target_for_place():
    _seed()
    assert Consensus.objects.exclude(minority_view="").exists()
    place = Consensus.objects.filter(item__key="place")
    assert place.exists() and not place.exclude(target=None).exists()
    assert not Response.objects.filter(item__is_context=True).exclude(target=None).exists()
