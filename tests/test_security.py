"""Security settings a public-sector deployment relies on."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from tests.assessment.scoring import respondent_of, score

ROOT = Path(__file__).resolve().parent.parent
DEPLOY_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "k3v!q9-long-random-production-secret-0123456789-abcdefghijklmnopqrstuvwxyz",
    "ALLOWED_HOSTS": "integration.example.org",
    "SECURE_SSL_REDIRECT": "1",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_PRELOAD": "1",
    "SECURE_PROXY_SSL_HEADER": "1",
}


def _manage(*args, env):
    clean = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "DEBUG"}}
    command = [sys.executable, "manage.py", *args]
    return subprocess.run(
        command, cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, timeout=120
    )


def test_it_passes_the_deployment_checks_with_production_settings(tmp_path):
    env = {**DEPLOY_ENV, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_it_refuses_to_start_without_a_secret_key_when_debug_is_off():
    env = {k: v for k, v in DEPLOY_ENV.items() if k != "SECRET_KEY"}
    result = _manage("check", env={**env, "SECRET_KEY": ""})
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_it_refuses_a_setting_it_cannot_read():
    result = _manage("check", env={**DEPLOY_ENV, "DEBUG": "perhaps"})
    assert result.returncode != 0
    assert "DEBUG must be one of" in result.stderr


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["login", "password_reset", "home", "frameworks-list"])
def test_it_sends_a_content_security_policy_without_inline_scripts(client, lead, name):
    client.force_login(lead)
    policy = client.get(reverse(name))["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]+)", policy).group(1)
    assert "'self'" in script_src
    assert "unsafe-inline" not in script_src
    assert "unsafe-eval" not in script_src
    assert "object-src 'none'" in policy
    assert "frame-ancestors 'none'" in policy


@pytest.mark.django_db
def test_it_puts_no_executable_inline_script_on_a_page_with_charts(client, respondent, open_round):
    score(respondent_of(open_round, respondent))  # a round with answers has charts
    client.force_login(respondent)  # who has submitted, so sees the charts
    page = client.get(reverse("reports-page", args=[open_round.pk])).text
    scripts = re.findall(r"<script([^>]*)>", page)
    inline = [attrs for attrs in scripts if "src=" not in attrs]
    assert inline, "the figures travel as JSON data blocks"
    assert all('type="application/json"' in attrs for attrs in inline)


@pytest.mark.django_db
def test_it_locks_out_an_account_after_five_wrong_passwords(client, lead):
    url = reverse("login")
    for _ in range(5):
        client.post(url, {"login": lead.email, "password": "wrong-guess"})
    response = client.post(url, {"login": lead.email, "password": "correct-horse-battery-staple"})
    assert response.status_code == 429
    assert "Too many attempts to sign in" in response.text
    assert "_auth_user_id" not in client.session


def test_it_reads_the_client_address_from_the_proxy_header_when_told_of_a_proxy():
    shown = (
        "from django.conf import settings as s; print(s.AXES_IPWARE_PROXY_COUNT, "
        "s.AXES_IPWARE_META_PRECEDENCE_ORDER)"
    )
    behind = _manage("shell", "-c", shown, env={**DEPLOY_ENV, "AXES_PROXY_COUNT": "1"})
    direct = _manage("shell", "-c", shown, env=DEPLOY_ENV)
    assert behind.stdout.splitlines()[-1] == "0 ('HTTP_X_FORWARDED_FOR', 'REMOTE_ADDR')"
    assert direct.stdout.splitlines()[-1] == "None ('REMOTE_ADDR',)"


PROXY = "10.0.0.5"  # the TLS proxy every request arrives from


def _guess_through_proxy(client, email, password, client_address):
    return client.post(
        reverse("login"),
        {"login": email, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=client_address,
    )


@pytest.mark.django_db
def test_it_locks_out_only_the_guessing_address_behind_a_proxy(client, lead, settings):
    settings.AXES_IPWARE_PROXY_COUNT = 0  # what AXES_PROXY_COUNT=1 sets (tested above)
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    for _ in range(5):
        _guess_through_proxy(client, lead.email, "wrong-guess", "203.0.113.66")
    attacker = _guess_through_proxy(client, lead.email, "wrong-guess", "203.0.113.66")
    owner = _guess_through_proxy(client, lead.email, "correct-horse-battery-staple", "198.51.100.7")
    assert attacker.status_code == 429
    assert owner.status_code == 302
    assert client.session["_auth_user_id"] == str(lead.pk)


@pytest.mark.django_db
def test_it_ignores_a_forged_forwarded_header_without_a_proxy(client, lead):
    for n in range(5):
        _guess_through_proxy(client, lead.email, "wrong-guess", f"203.0.113.{n}")
    response = _guess_through_proxy(
        client, lead.email, "correct-horse-battery-staple", "198.51.100.7"
    )
    assert response.status_code == 429, "changing the header must not dodge the lock-out"


@pytest.mark.django_db
def test_it_still_signs_in_after_a_few_wrong_passwords(client, lead):
    url = reverse("login")
    for _ in range(3):
        client.post(url, {"login": lead.email, "password": "wrong-guess"})
    response = client.post(url, {"login": lead.email, "password": "correct-horse-battery-staple"})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(lead.pk)


@pytest.mark.django_db
def test_it_refuses_binary_content_dressed_as_csv(client, lead, open_round):
    client.force_login(lead)
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("scores.csv", b"PK\x03\x04\x00\x00binary", "text/csv")
    response = client.post(reverse("assessment-import", args=[open_round.pk]), {"file": upload})
    assert response.status_code == 400
    assert "the file is not CSV text" in response.text
