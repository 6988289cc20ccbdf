"""Which addresses a provider vouches for: a person is linked to their invitation only by one."""

import pytest
from allauth.socialaccount.models import SocialApp

from accounts.oidc import OpenIDConnectProvider

pytestmark = pytest.mark.django_db


def _provider():
    app = SocialApp(provider="openid_connect", provider_id="nhsmail", name="NHSmail")
    app.settings = {"server_url": "https://login.microsoftonline.com/tenant/v2.0"}
    return OpenIDConnectProvider(request=None, app=app)


def _addresses(userinfo: dict, id_token: dict) -> list[tuple[str, bool]]:
    found = _provider().extract_email_addresses({"userinfo": userinfo, "id_token": id_token})
    return [(address.email, address.verified) for address in found]


def test_it_takes_an_address_the_provider_marks_verified():
    email = "zara.khan@nhs.net"
    assert _addresses({"email": email, "email_verified": True}, {}) == [(email, True)]


def test_it_takes_entra_ids_domain_owner_verified_claim_for_the_id_tokens_address():
    # Entra ID's userinfo has no email_verified; its ID token may carry xms_edov.
    email = "zara.khan@nhs.net"
    assert _addresses({"email": email}, {"email": email, "xms_edov": True}) == [(email, True)]


@pytest.mark.parametrize(
    "id_token",
    [
        {},
        {"email": "zara.khan@nhs.net", "xms_edov": False},
        {"email": "someone.else@nhs.net", "xms_edov": True},
    ],
)
def test_it_leaves_an_address_nobody_vouched_for_unverified(id_token):
    email = "zara.khan@nhs.net"
    assert _addresses({"email": email}, id_token) == [(email, False)]
