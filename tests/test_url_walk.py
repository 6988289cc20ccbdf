"""Every URL pattern, as each kind of person: what they get is what the rules promise.

Anonymous people are sent to sign in; someone from another place learns nothing (404); a
respondent and a board viewer read but do not facilitate (403); an analyst reads rounds shared
by name; a lead does everything in their own place.
"""

import pytest
from django.urls import NoReverseMatch, get_resolver, reverse

from assessment.models import RoundStatus, Sharing
from assessment.services import assessment_advance, assessment_open
from assessment.services.actions import action_create
from tests.assessment.scoring import respondent_of, score

pytestmark = pytest.mark.django_db

ROLES = ("lead", "respondent", "viewer", "outsider", "analyst")
# Expected GET status per role, for a closed round shared by name. "login" means a redirect
# to the sign-in page; anonymous people get that everywhere but the sign-in pages themselves.
MEMBERS = {"lead": 200, "respondent": 200, "viewer": 200, "outsider": 404, "analyst": 200}
SCORERS = {"lead": 200, "respondent": 200, "viewer": 403, "outsider": 404, "analyst": 403}
LEADS = {"lead": 200, "respondent": 403, "viewer": 403, "outsider": 404, "analyst": 403}
PLACE = {"lead": 200, "respondent": 200, "viewer": 200, "outsider": 404, "analyst": 404}
PLACE_LEADS = {"lead": 200, "respondent": 403, "viewer": 403, "outsider": 404, "analyst": 404}
POST_ONLY = dict.fromkeys(ROLES, 405)
EVERYONE = dict.fromkeys(ROLES, 200)

EXPECTED = {
    # An analyst who belongs to no place is sent to the comparison, their home.
    "home": {**EVERYONE, "analyst": 302},
    "assessment-place": PLACE,
    "assessment-member-add": POST_ONLY,
    "assessment-member-invite": POST_ONLY,
    "assessment-open": PLACE_LEADS,
    "assessment-detail": MEMBERS,
    "assessment-advance": POST_ONLY,
    "assessment-step-back": POST_ONLY,
    "assessment-remind": POST_ONLY,
    # The round walked is closed: its page says so and sends a lead back (302).
    "assessment-edit": {**LEADS, "lead": 302},
    "assessment-share": POST_ONLY,
    "assessment-respond": SCORERS,
    "assessment-reopen": POST_ONLY,
    # Once scoring has ended the team reads the consensus pages; an analyst never does.
    "assessment-consensus": {**MEMBERS, "analyst": 403},
    "assessment-consensus-item": {**MEMBERS, "analyst": 403},
    "assessment-history": LEADS,
    "assessment-import": LEADS,
    "assessment-import-template": LEADS,
    "assessment-api": MEMBERS,
    "assessment-actions": MEMBERS,
    "assessment-action-new": LEADS,
    "assessment-action-edit": LEADS,
    "assessment-actions-csv": MEMBERS,
    "assessment-actions-xlsx": MEMBERS,
    "assessment-actions-api": MEMBERS,
    "assessment-next": LEADS,
    "reports-page": MEMBERS,
    "reports-print": MEMBERS,
    "reports-pdf": MEMBERS,
    "reports-docx": MEMBERS,
    "reports-compare": EVERYONE,
    # Nothing to compare for someone who may not see the round: a clear 400.
    "reports-compare-pdf": {**EVERYONE, "outsider": 400},
    # Board packs are for analysts (and staff); the others may not ask (403).
    "reports-compare-pack": {**dict.fromkeys(ROLES, 403), "analyst": 200},
    "reports-export-csv": EVERYONE,
    "reports-export-xlsx": EVERYONE,
    "reports-api-assessments": EVERYONE,
    "frameworks-list": EVERYONE,
    "frameworks-detail": EVERYONE,
    "frameworks-api": EVERYONE,
    "frameworks-workbook": EVERYONE,
    "frameworks-glossary": EVERYONE,
    # Staff upload frameworks; nobody in the cast is staff.
    "frameworks-upload": dict.fromkeys(ROLES, 403),
    "frameworks-upload-preview": dict.fromkeys(ROLES, 403),
    # Everyone downloads what the app holds about them; staff alone erase people.
    "accounts-your-data": EVERYONE,
    "accounts-your-data-download": EVERYONE,
    "accounts-erase": dict.fromkeys(ROLES, 403),
    # The audit log is for staff only.
    "accounts-audit": dict.fromkeys(ROLES, 403),
    "accounts-audit-export": dict.fromkeys(ROLES, 403),
    # Everyone makes and revokes their own API tokens; revoking is a POST.
    "accounts-tokens": EVERYONE,
    "accounts-token-revoke": POST_ONLY,
    "api-openapi": EVERYONE,
}
PUBLIC = {"login", "password_reset", "password_reset_done", "password_reset_confirm",
          "password_reset_complete", "logout"}  # fmt: skip
# Django's own account pages and the admin are checked elsewhere (and by Django).
NOT_WALKED = {"password_change", "password_change_done"}


@pytest.fixture
def cast(lead, respondent, viewer, outsider, analyst):
    return {"lead": lead, "respondent": respondent, "viewer": viewer, "outsider": outsider,
            "analyst": analyst}  # fmt: skip


@pytest.fixture
def shared_round(place, lead, respondent, versions):
    """A closed round with a submitted answer set, shared for comparison by name."""
    round_ = assessment_open(
        place=place, period="2025 Q4", versions=versions, participants=[lead, respondent]
    )
    score(respondent_of(round_, respondent))
    assessment_advance(assessment=round_)
    assessment_advance(assessment=round_)
    round_.sharing = Sharing.NAMED
    round_.save()
    impact = round_.framework_versions.get(framework__kind="maturity-matrix").items.get(
        key="impact"
    )
    action_create(assessment=round_, user=None, title="Joint induction", owner="Jo", items=[impact])
    assert round_.status == RoundStatus.CLOSED
    return round_


def _urls(round_, place):
    item = round_.framework_versions.get(framework__kind="maturity-matrix").items.first()
    kwargs = {
        "assessment-place": {"code": place.code},
        "assessment-member-add": {"code": place.code},
        "assessment-member-invite": {"code": place.code, "membership_pk": 1},
        "assessment-open": {"code": place.code},
        "assessment-consensus-item": {"pk": round_.pk, "item_pk": item.pk},
        "assessment-action-edit": {"pk": round_.pk, "action_pk": round_.actions.get().pk},
        "frameworks-detail": {"slug": "lga-maturity-matrix", "version": "1.0"},
        "frameworks-api": {"slug": "lga-maturity-matrix", "version": "1.0"},
        "frameworks-workbook": {"slug": "lga-maturity-matrix", "version": "1.0"},
        "frameworks-upload-preview": {"token": "0b7e1d52-3f3c-4c8e-9a51-1f0d4f3c2a10"},
    }
    urls = {}
    for name in EXPECTED:
        try:
            urls[name] = reverse(name, kwargs=kwargs.get(name, {"pk": round_.pk}))
        except NoReverseMatch:  # a page about no one round
            urls[name] = reverse(name)
    urls["reports-compare-pdf"] += f"?assessment={round_.pk}"
    urls["reports-compare-pack"] += f"?assessment={round_.pk}"
    urls["accounts-your-data-download"] += "?format=json"
    return urls


def test_it_walks_every_named_url_pattern():
    named = {
        name for name in get_resolver().reverse_dict if isinstance(name, str) and "-" in name
    } | {name for name in get_resolver().reverse_dict if name in {"home"}}
    assert named - set(EXPECTED) - PUBLIC - NOT_WALKED == set()


def test_it_sends_anonymous_people_to_sign_in_everywhere(client, shared_round, place):
    for name, url in _urls(shared_round, place).items():
        response = client.get(url)
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("login")), name


@pytest.mark.chromium  # the report PDF, charts and all
@pytest.mark.parametrize("role", ROLES)
def test_it_gives_each_role_what_the_rules_promise(client, cast, role, shared_round, place):
    client.force_login(cast[role])
    answers = {
        name: client.get(url).status_code for name, url in _urls(shared_round, place).items()
    }
    expected = {name: rules[role] for name, rules in EXPECTED.items()}
    assert answers == expected


def test_it_shows_the_sign_in_pages_to_anyone(client):
    for name in ("login", "password_reset", "password_reset_done", "password_reset_complete"):
        assert client.get(reverse(name)).status_code == 200, name
