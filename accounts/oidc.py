"""allauth's OpenID Connect provider, with a nonce.

allauth checks discovery, PKCE, state and the ID token's signature, issuer, audience and expiry;
it does not send a nonce. This sends one with each sign-in and keeps it with the sign-in's state;
the social adapter (accounts.adapters) refuses an ID token that does not carry it back.
"""

import secrets

from allauth.core.internal.datakit import parse_bool_safely
from allauth.socialaccount.providers.openid_connect.provider import (
    OpenIDConnectProvider as AllauthOpenIDConnectProvider,
)

NONCE_KEY = "nonce"


class OpenIDConnectProvider(AllauthOpenIDConnectProvider):
    # allauth finds a provider's URLs in its package's urls module: allauth's, not this app's.
    package = "allauth.socialaccount.providers.openid_connect"

    def redirect(self, request, process, next_url=None, data=None, **kwargs):
        nonce = secrets.token_urlsafe(32)
        auth_params = kwargs.pop("auth_params", None)
        if auth_params is None:
            auth_params = self.get_auth_params()
        kwargs["auth_params"] = {**auth_params, NONCE_KEY: nonce}
        return super().redirect(request, process, next_url, data, **{NONCE_KEY: nonce}, **kwargs)

    def extract_email_addresses(self, data):
        """The address, verified where the provider says so: ``email_verified`` (most providers)
        or Entra ID's ``xms_edov`` ("email domain owner verified", an optional claim an NHSmail
        or council tenant adds to the ID token), for the address the ID token carries."""
        addresses = super().extract_email_addresses(data)
        id_token = data.get("id_token") or {}
        vouched = parse_bool_safely(id_token.get("email_verified")) or parse_bool_safely(
            id_token.get("xms_edov")
        )
        for address in addresses:
            if vouched and address.email.lower() == str(id_token.get("email", "")).lower():
                address.verified = True
        return addresses


def nonce_matches(sociallogin) -> bool:
    """Whether the ID token carries the nonce this sign-in sent."""
    sent = (sociallogin.state or {}).get(NONCE_KEY)
    id_token = (sociallogin.account.extra_data or {}).get("id_token") or {}
    returned = id_token.get(NONCE_KEY)
    return bool(sent) and isinstance(returned, str) and secrets.compare_digest(sent, returned)
