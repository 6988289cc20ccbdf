"""OpenID Connect providers from the environment, as django-allauth's settings want them.

``OIDC_PROVIDERS`` is a JSON list of ``{"id", "name", "issuer", "client_id", "client_secret"}``
(or ``"client_secret_file"``, a file holding the secret, for secrets mounted by the platform).
Each becomes one ``openid_connect`` app: discovery from
``<issuer>/.well-known/openid-configuration``,
PKCE, and the issuer held to the configured one, so tokens from any other are refused.
"""

import json
import re
from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,29}$")
_KEYS = {"id", "name", "issuer", "client_id", "client_secret", "client_secret_file"}


def providers_from_env(raw: str) -> list[dict]:
    """allauth's APPS list for the JSON in ``raw``; ImproperlyConfigured naming what is wrong."""
    if not raw.strip():
        return []
    try:
        entries = json.loads(raw)
    except json.JSONDecodeError as error:
        raise ImproperlyConfigured(f"OIDC_PROVIDERS is not valid JSON: {error}") from None
    if not isinstance(entries, list):
        raise ImproperlyConfigured("OIDC_PROVIDERS must be a JSON list of providers.")
    apps, seen = [], set()
    for number, entry in enumerate(entries, start=1):
        where = f"OIDC_PROVIDERS entry {number}"
        if not isinstance(entry, dict):
            raise ImproperlyConfigured(f"{where} must be an object.")
        if unknown := set(entry) - _KEYS:
            raise ImproperlyConfigured(f"{where} has unknown keys: {', '.join(sorted(unknown))}.")
        for key in ("id", "name", "issuer", "client_id"):
            if not isinstance(entry.get(key), str) or not entry[key].strip():
                raise ImproperlyConfigured(f"{where} needs “{key}” (text).")
        if not _ID.match(entry["id"]):
            raise ImproperlyConfigured(
                f"{where}: “id” must be lower-case letters, digits and hyphens (at most 30), "
                f"as it appears in the redirect URL; got {entry['id']!r}."
            )
        if entry["id"] in seen:
            raise ImproperlyConfigured(f"{where}: the id {entry['id']!r} is used twice.")
        seen.add(entry["id"])
        issuer = entry["issuer"].strip().rstrip("/")
        if not issuer.startswith(("https://", "http://127.0.0.1", "http://localhost")):
            raise ImproperlyConfigured(f"{where}: the issuer must be an https:// address.")
        apps.append(
            {
                "provider_id": entry["id"],
                "name": entry["name"].strip(),
                "client_id": entry["client_id"].strip(),
                "secret": _secret(entry, where),
                "settings": {
                    "server_url": issuer,
                    "oauth_pkce_enabled": True,
                    # Tokens must come from the issuer configured here, whatever the provider's
                    # discovery document says.
                    "openid_configuration_overrides": {"issuer": _issuer_claim(entry["issuer"])},
                },
            }
        )
    return apps


def form_action_origins(apps: list[dict]) -> list[str]:
    """The origins of the providers' sign-in pages, for the CSP's form-action: "Sign in with …"
    posts to the app, which redirects to the provider, and a browser holds that redirect to the
    sign-in page's form-action (with only 'self' there, Chromium blocks it). The issuer's
    origin: where Entra ID, NHSmail and the common providers serve their authorization page."""
    origins = []
    for app in apps:
        parts = urlsplit(app["settings"]["server_url"])
        if (origin := f"{parts.scheme}://{parts.netloc}") not in origins:
            origins.append(origin)
    return origins


def _issuer_claim(issuer: str) -> str:
    # Entra ID's issuer ends in "/v2.0" without a slash; others end in one: keep it as given.
    return issuer.strip()


def _secret(entry: dict, where: str) -> str:
    if path := entry.get("client_secret_file"):
        try:
            return Path(path).read_text().strip()
        except OSError as error:
            raise ImproperlyConfigured(
                f"{where}: cannot read client_secret_file: {error}"
            ) from None
    secret = entry.get("client_secret", "")
    if not isinstance(secret, str) or not secret.strip():
        raise ImproperlyConfigured(f"{where} needs “client_secret” or “client_secret_file”.")
    return secret.strip()
