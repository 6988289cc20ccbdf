"""Personal read-only API tokens: made and revoked on the person's page, shown once, kept only as
a digest, and accepted by the API and the data downloads alone, as the person's session is."""

import hashlib

import pytest
from django.urls import reverse

from accounts.erasure import erase_person
from accounts.models import ApiToken, AuditEvent, AuditKind
from accounts.token_auth import FAILURE_LIMIT
from accounts.tokens import token_create
from tests.reports.conftest import (  # noqa: F401 (fixtures)
    anonymous_northmoor,
    full_round,
    make_round,
    shared_places,
)

pytestmark = pytest.mark.django_db
FRAMEWORK = {"slug": "lga-maturity-matrix", "version": "1.0"}


def _bearer(plain: str) -> dict:
    return {"Authorization": f"Bearer {plain}"}


def _token(person) -> str:
    return token_create(person=person, name="Power BI").plain


def _data_urls(round_) -> dict[str, str]:
    """Each URL a token opens, for this round where it is about one."""
    return {
        "api-openapi": reverse("api-openapi"),
        "reports-api-assessments": reverse("reports-api-assessments"),
        "reports-export-csv": reverse("reports-export-csv") + f"?assessment={round_.pk}",
        "reports-export-xlsx": reverse("reports-export-xlsx") + f"?assessment={round_.pk}",
        "assessment-api": reverse("assessment-api", args=[round_.pk]),
        "assessment-actions-api": reverse("assessment-actions-api", args=[round_.pk]),
        "assessment-actions-csv": reverse("assessment-actions-csv", args=[round_.pk]),
        "assessment-actions-xlsx": reverse("assessment-actions-xlsx", args=[round_.pk]),
        "frameworks-api": reverse("frameworks-api", kwargs=FRAMEWORK),
        "frameworks-workbook": reverse("frameworks-workbook", kwargs=FRAMEWORK),
    }


def _form(page, action_ends: str):
    """The page's form posting to an address ending so (the menu has a form of its own)."""
    return next(f for f in page.forms.values() if f.action.rstrip("/").endswith(action_ends))


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


# --- the person's page --------------------------------------------------------------------------


def test_a_person_makes_a_token_shown_once_and_kept_only_as_a_digest(django_app, lead):
    page = django_app.get(reverse("accounts-tokens"), user=lead)
    assert "You have no tokens yet" in page
    form = _form(page, "tokens")
    form["name"] = "Power BI workbook"
    made = form.submit()
    assert made.status_code == 201
    plain = made.html.select_one("#token-value")["value"]
    assert plain.startswith("imt_") and len(plain) == 56
    assert made.headers["Cache-Control"].startswith("max-age=0")
    # Kept: its name, its visible start and a SHA-256 digest; never the token itself.
    token = ApiToken.objects.get(person=lead)
    assert token.digest == hashlib.sha256(plain.encode()).hexdigest()
    secret = plain[len("imt_12345678_") :]  # 43 characters; may itself hold "_"
    assert len(secret) == 43
    stored = " ".join(str(v) for v in ApiToken.objects.values_list().get())
    assert secret not in stored and plain not in stored
    assert plain[4:12] == token.prefix
    # Shown once: the list names it by its start, and the token is nowhere on the page again.
    again = django_app.get(reverse("accounts-tokens"), user=lead)
    assert plain not in again and secret not in again
    assert "Power BI workbook" in again and f"imt_{token.prefix}…" in again
    event = AuditEvent.objects.get(kind=AuditKind.TOKEN_CREATED)
    assert (event.person, event.detail) == (lead, f"token {token.prefix}")


def test_a_token_needs_a_name(django_app, lead):
    page = django_app.get(reverse("accounts-tokens"), user=lead)
    refused = _form(page, "tokens").submit(status=400)
    assert "The token could not be made" in refused
    assert not ApiToken.objects.exists()


def test_a_person_revokes_their_token_and_it_stops_working(django_app, client, lead):
    plain = _token(lead)
    url = reverse("reports-api-assessments")
    assert client.get(url, headers=_bearer(plain)).status_code == 200
    page = django_app.get(reverse("accounts-tokens"), user=lead)
    page = _form(page, "revoke").submit().follow()
    assert "no longer works" in page and "Revoked" in page
    refused = client.get(url, headers=_bearer(plain))
    assert refused.status_code == 401
    assert "revoked" in refused.json()["error"]
    event = AuditEvent.objects.get(kind=AuditKind.TOKEN_REVOKED)
    assert (event.person, event.detail) == (lead, f"token {ApiToken.objects.get().prefix}")


def test_nobody_revokes_another_person_s_token(client, lead, outsider):
    token = token_create(person=lead, name="mine").token
    client.force_login(outsider)
    assert client.post(reverse("accounts-token-revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert not token.revoked


def test_a_person_keeps_at_most_ten_working_tokens(django_app, lead):
    for number in range(10):
        token_create(person=lead, name=f"tool {number}")
    page = django_app.get(reverse("accounts-tokens"), user=lead)
    form = _form(page, "tokens")
    form["name"] = "one more"
    refused = form.submit(status=400)
    assert "revoke one you no longer use" in refused
    assert ApiToken.objects.filter(person=lead).count() == 10


# --- what a token opens, and to whom ------------------------------------------------------------


def test_every_data_url_answers_a_token_as_it_answers_the_session(client, full_round, lead):  # noqa: F811
    plain = _token(lead)
    for name, url in _data_urls(full_round).items():
        with_token = client.get(url, headers=_bearer(plain))
        assert with_token.status_code == 200, name
        # No session and no CSRF cookie is made for a token.
        assert not with_token.cookies, name
        assert "Authorization" in with_token["Vary"], name
        client.force_login(lead)
        with_session = client.get(url)
        client.logout()
        assert with_session.status_code == 200, name
        if with_token["Content-Type"].startswith(("application/json", "text/csv")):
            assert _body(with_token) == _body(with_session), name


def test_an_outsider_s_token_finds_nothing_of_another_place(client, full_round, outsider):  # noqa: F811
    plain = _token(outsider)
    urls = _data_urls(full_round)
    for name in ("assessment-api", "assessment-actions-api", "assessment-actions-csv"):
        assert client.get(urls[name], headers=_bearer(plain)).status_code == 404, name
    listed = client.get(urls["reports-api-assessments"], headers=_bearer(plain)).json()
    assert full_round.pk not in [entry["id"] for entry in listed["assessments"]]
    # The comparison export asked for the round: its place is not in it.
    export = _body(client.get(urls["reports-export-csv"], headers=_bearer(plain))).decode()
    assert "Riverside" not in export


def test_an_analyst_s_token_sees_anonymous_rounds_without_their_names(
    client,
    analyst,
    shared_places,  # noqa: F811
    anonymous_northmoor,  # noqa: F811
):
    plain = _token(analyst)
    listed = client.get(reverse("reports-api-assessments"), headers=_bearer(plain)).json()
    text = str(listed)
    assert anonymous_northmoor.split(",")[0] in text
    assert "Northmoor" not in text and "northmoor" not in text


def test_a_withheld_round_is_withheld_from_a_token_too(
    client,
    make_round,  # noqa: F811
    respondent,
):
    from assessment.models import Respondent

    scoring = make_round()
    Respondent.objects.filter(assessment=scoring, user=respondent).update(submitted_at=None)
    response = client.get(
        reverse("assessment-api", args=[scoring.pk]), headers=_bearer(_token(respondent))
    )
    assert response.status_code == 403
    assert "submitted your own" in response.json()["error"]


# --- what a token is refused --------------------------------------------------------------------


@pytest.mark.parametrize(
    "sent, words",
    [
        ("", "not an API token"),
        ("Power BI", "not an API token"),
        ("imt_0123abcd_" + "x" * 43, "not known here"),
    ],
)
def test_a_malformed_or_unknown_token_is_refused_with_a_clear_message(client, sent, words):
    response = client.get(reverse("reports-api-assessments"), headers=_bearer(sent))
    assert response.status_code == 401
    assert words in response.json()["error"]
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_the_token_of_someone_who_can_no_longer_sign_in_is_refused(client, lead):
    plain = _token(lead)
    lead.is_active = False
    lead.save()
    response = client.get(reverse("reports-api-assessments"), headers=_bearer(plain))
    assert response.status_code == 401
    assert "can no longer sign in" in response.json()["error"]


def test_a_token_only_reads(client, full_round, lead):  # noqa: F811
    plain = _token(lead)
    client.force_login(lead)
    for url in _data_urls(full_round).values():
        # HEAD passes the token, and is answered as the session's HEAD is.
        head = client.head(url, headers=_bearer(plain)).status_code
        assert head == client.head(url).status_code, url
        for method in (client.post, client.put, client.delete):
            refused = method(url, headers=_bearer(plain))
            assert refused.status_code == 405, url
            assert refused["Allow"] == "GET, HEAD"
    client.logout()
    # Nor does it change anything through a page that writes.
    share = reverse("assessment-share", args=[full_round.pk])
    assert client.post(share, {"sharing": "named"}, headers=_bearer(plain)).status_code == 401
    full_round.refresh_from_db()
    assert full_round.sharing == "private"


def test_a_token_is_never_accepted_on_a_page(client, full_round, lead):  # noqa: F811
    plain = _token(lead)
    pages = [
        reverse("home"),
        reverse("assessment-detail", args=[full_round.pk]),
        reverse("reports-page", args=[full_round.pk]),
        reverse("reports-compare"),
        reverse("accounts-tokens"),
        reverse("accounts-your-data"),
        reverse("accounts-your-data-download") + "?format=json",
    ]
    for url in pages:
        response = client.get(url, headers=_bearer(plain))
        assert response.status_code == 401, url
        assert "only by the API and the data downloads" in response.json()["error"]
        assert "Priya" not in response.content.decode(), url


def test_an_address_sending_many_refused_tokens_is_turned_away(client, lead):
    plain = _token(lead)
    url = reverse("reports-api-assessments")
    for _ in range(FAILURE_LIMIT):
        assert client.get(url, headers=_bearer("imt_guess")).status_code == 401
    turned_away = client.get(url, headers=_bearer(plain))
    assert turned_away.status_code == 429
    assert "Too many refused API tokens" in turned_away.json()["error"]
    assert int(turned_away["Retry-After"]) > 0


def test_last_used_is_noted(client, lead):
    plain = _token(lead)
    client.get(reverse("reports-api-assessments"), headers=_bearer(plain))
    assert ApiToken.objects.get().last_used_at is not None


# --- as personal data ---------------------------------------------------------------------------


def test_your_data_lists_the_tokens_but_not_their_digests(client, lead):
    made = token_create(person=lead, name="R on my laptop")
    client.force_login(lead)
    response = client.get(reverse("accounts-your-data-download") + "?format=json")
    [listed] = response.json()["API tokens"]["api_tokens"]
    assert (listed["name"], listed["prefix"]) == ("R on my laptop", made.token.prefix)
    assert made.token.digest not in response.content.decode()


def test_erasing_a_person_removes_their_tokens(client, lead, staff):
    plain = _token(lead)
    outcome = erase_person(lead, by=staff)
    assert "1 API token" in outcome.removed
    assert not ApiToken.objects.exists()
    assert client.get(reverse("reports-api-assessments"), headers=_bearer(plain)).status_code == 401
