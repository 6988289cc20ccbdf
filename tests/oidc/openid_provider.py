"""The test OpenID Provider as a process (tests/oidc/provider/server.mjs): start it on a free
loopback port, point the app at it, stop it. Used by tests/oidc and tests/e2e/test_oidc_signin.py.
"""

import json
import os
import shutil
import socket
import subprocess
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils.csp import CSP

from config.oidc import form_action_origins, providers_from_env

PROVIDER_DIR = Path(__file__).parent / "provider"
PROVIDER_ID = "test-nhs"
PROVIDER_NAME = "Test NHSmail"
CLIENT_ID = "integration-maturity"
CLIENT_SECRET = "tests-only-client-secret"
START_SECONDS = 20
CALLBACK_PATH = f"/accounts/oidc/{PROVIDER_ID}/login/callback/"
# allauth builds the callback address with ACCOUNT_DEFAULT_HTTP_PROTOCOL: https, as in production.
TEST_SERVER_CALLBACK = f"https://testserver{CALLBACK_PATH}"

# The people the provider knows; the first two are the shared cast (tests/conftest.py).
LEAD = "priya.shah@riverside.example.org"
RESPONDENT = "tom.hughes@riverside.example.org"
INVITED = "sam.invited@riverside.example.org"
UNVERIFIED = "una.verified@riverside.example.org"
UNINVITED = "nobody.asked@elsewhere.example.org"
ALLOWED_DOMAIN = "partner.example.org"
AT_ALLOWED_DOMAIN = f"pat.partner@{ALLOWED_DOMAIN}"
REFUSED = "refused@riverside.example.org"
ACCOUNTS = [
    {"email": LEAD, "name": "Priya Shah"},
    {"email": RESPONDENT, "name": "Tom Hughes"},
    {"email": INVITED, "name": "Sam Invited"},
    {"email": UNVERIFIED, "name": "Una Verified", "email_verified": False},
    {"email": UNINVITED, "name": "Nobody Asked"},
    {"email": AT_ALLOWED_DOMAIN, "name": "Pat Partner"},
    {"email": REFUSED, "name": "Ray Fused", "error": "server_error"},
]


@dataclass
class Provider:
    """A running provider: its address (the issuer, unless told otherwise) and its process."""

    url: str
    process: subprocess.Popen
    output: list[str] = field(default_factory=list)
    readers: list[threading.Thread] = field(default_factory=list)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        for reader in self.readers:
            reader.join(timeout=5)
        for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
            stream.close()


def start_provider(redirect_uris, *, accounts=ACCOUNTS, **faults) -> Provider:
    """Start tests/oidc/provider/server.mjs on a free loopback port.

    ``faults``: ``issuer`` (another issuer string), ``id_token_clock_offset`` (seconds),
    ``nonce`` ("omit" or "wrong"). Fails loudly when node or the provider's packages are missing.
    """
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not installed: the oidc tests need node 20 or later.")
    if not (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir():
        pytest.fail(
            "The test OpenID Provider's packages are missing: run "
            "`npm ci --prefix tests/oidc/provider` (part of `make install`)."
        )
    command = [
        node,
        str(PROVIDER_DIR / "server.mjs"),
        "--port=0",
        "--exit-with-stdin",
        f"--client-id={CLIENT_ID}",
        f"--client-secret={CLIENT_SECRET}",
        f"--accounts={json.dumps(accounts)}",
        *(f"--redirect-uri={uri}" for uri in redirect_uris),
        *(f"--{name.replace('_', '-')}={value}" for name, value in faults.items()),
    ]
    process = subprocess.Popen(
        command,
        cwd=PROVIDER_DIR,
        stdin=subprocess.PIPE,  # closed when this process ends: the provider then stops too
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "NODE_ENV": "test"},
    )
    first_line: list[str] = []
    reader = threading.Thread(target=lambda: first_line.append(process.stdout.readline()))
    reader.start()
    reader.join(START_SECONDS)
    line = first_line[0].strip() if first_line else ""
    if not line.startswith("listening "):
        process.kill()
        _, errors = process.communicate(timeout=5)
        pytest.fail(f"The test OpenID Provider did not start: {line!r}\n{errors}")
    provider = Provider(url=line.removeprefix("listening "), process=process)
    # Keep reading its output, so that a full pipe never stalls it.
    for stream in (process.stdout, process.stderr):
        reader = threading.Thread(target=_drain, args=(stream, provider.output), daemon=True)
        reader.start()
        provider.readers.append(reader)
    return provider


def _drain(stream, lines: list[str]) -> None:
    for line in stream:
        lines.append(line)


def closed_port_url() -> str:
    """The address of a loopback port nothing listens on: a provider that is down."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def app_settings_for(settings, url: str, **entry) -> None:
    """Point the app at a provider, as OIDC_PROVIDERS in the environment would: a copy of the
    settings' SOCIALACCOUNT_PROVIDERS, never the shared dict (allauth reads it per request)."""
    provider = {
        "id": PROVIDER_ID,
        "name": PROVIDER_NAME,
        "issuer": url,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        **entry,
    }
    apps = providers_from_env(json.dumps([provider]))
    providers = {name: dict(conf) for name, conf in settings.SOCIALACCOUNT_PROVIDERS.items()}
    providers["openid_connect"]["APPS"] = apps
    settings.SOCIALACCOUNT_PROVIDERS = providers
    # The sign-in form posts to the app, which redirects to the provider: a browser holds that
    # redirect to the page's CSP form-action, which must name the provider (as settings do for
    # OIDC_PROVIDERS).
    settings.SECURE_CSP = {
        **settings.SECURE_CSP,
        "form-action": [CSP.SELF, *form_action_origins(apps)],
    }


def query_of(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}
