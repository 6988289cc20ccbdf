"""Settings from the environment and a .env file (config/settings.py), as a new process reads them.

Each test starts Python with the real settings, an environment of its own and its own .env file
(ENV_FILE), and reads back what Django made of them. Nothing connects anywhere: the bucket's
storage is built and signs a link offline.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Variables the settings read that the environment of the test run may hold: not passed on.
READ = ("DEBUG", "SECRET_KEY", "DATABASE_URL", "REDIS_URL", "TASKS_BACKEND", "CACHE_KEY_PREFIX")

SHOW = """
import json, django
django.setup()
from django.conf import settings
print(json.dumps({
    "debug": settings.DEBUG,
    "secret_key": settings.SECRET_KEY,
    "cache": settings.CACHES["default"],
    "tasks": settings.TASKS["default"]["BACKEND"],
    "sessions": settings.SESSION_ENGINE,
    "storage": settings.STORAGES["default"],
}, default=str))
"""


def settings_from(env_file: str, tmp_path: Path, code: str = SHOW, **environ) -> dict:
    """What Django's settings hold in a new process given this .env text and these variables."""
    path = tmp_path / ".env"
    path.write_text(env_file, encoding="utf-8")
    inherited = {
        name: value
        for name, value in os.environ.items()
        if name not in READ and not name.startswith(("STORAGE_", "AWS_", "ENV_FILE"))
    }
    env = {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "ENV_FILE": str(path),
        **environ,
    }
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if done.returncode:
        raise RuntimeError(done.stderr.strip().splitlines()[-1])
    return json.loads(done.stdout)


def test_it_reads_settings_from_the_env_file(tmp_path):
    found = settings_from(
        "SECRET_KEY=from-the-file\nREDIS_URL=redis://127.0.0.1:6379/3\nTASKS_BACKEND=database\n",
        tmp_path,
    )
    assert found["debug"] is False
    assert found["secret_key"] == "from-the-file"
    assert found["cache"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert found["cache"]["LOCATION"] == "redis://127.0.0.1:6379/3"
    assert found["tasks"] == "django_tasks_db.DatabaseBackend"


def test_it_lets_the_environment_win_over_the_env_file(tmp_path):
    found = settings_from(
        "SECRET_KEY=from-the-file\nTASKS_BACKEND=database\n",
        tmp_path,
        SECRET_KEY="from-the-environment",
        TASKS_BACKEND="immediate",
    )
    assert found["secret_key"] == "from-the-environment"
    assert found["tasks"] == "django.tasks.backends.immediate.ImmediateBackend"


def test_it_works_after_a_clone_in_one_process(tmp_path):
    found = settings_from("", tmp_path, DEBUG="1")
    assert found["tasks"] == "django.tasks.backends.immediate.ImmediateBackend"
    assert found["cache"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    assert found["storage"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert found["sessions"] == "django.contrib.sessions.backends.db"  # any node serves anyone


BUCKET = """
import json, django
django.setup()
from django.core.files.storage import storages
storage = storages["default"]
print(json.dumps({
    "class": type(storage).__name__,
    "bucket": storage.bucket_name,
    "link": storage.url("pdf/report/7-abc.pdf"),
}))
"""


def test_it_keeps_pdfs_in_a_bucket_when_one_is_named(tmp_path):
    environment = (
        "DEBUG=1\n"
        "STORAGE_BUCKET=integration-reports\n"
        "STORAGE_ENDPOINT_URL=https://objects.example.org\n"
        "STORAGE_REGION=eu-west-2\n"
        "STORAGE_ACCESS_KEY_ID=key-id\n"
        "STORAGE_SECRET_ACCESS_KEY=secret\n"
        "STORAGE_PREFIX=integration\n"
    )
    found = settings_from(environment, tmp_path, code=BUCKET)
    assert found["class"] == "S3Storage"
    assert found["bucket"] == "integration-reports"
    # Private files: a link is signed, under the prefix, at the bucket's own address.
    assert found["link"].startswith(
        "https://objects.example.org/integration-reports/integration/pdf/report/7-abc.pdf?"
    )
    assert "Signature=" in found["link"]


AZURE = """
import json, django
django.setup()
from django.core.files.storage import storages
storage = storages["default"]
print(json.dumps({
    "class": type(storage).__name__,
    "container": storage.azure_container,
    "account": storage.client.account_name,
    "address": storage.client.url,
}))
"""
# Azurite's well-known development account, as an emulator's connection string names it.
AZURITE = (
    "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey="
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;"
    "BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;"
)


def test_it_keeps_pdfs_in_an_azure_container_named_by_a_connection_string(tmp_path):
    environment = (
        f"DEBUG=1\nSTORAGE_AZURE_CONTAINER=integration-reports\n"
        f"STORAGE_AZURE_CONNECTION_STRING={AZURITE}\n"
    )
    found = settings_from(environment, tmp_path, code=AZURE)
    assert found["class"] == "AzureStorage"
    assert (found["container"], found["account"]) == ("integration-reports", "devstoreaccount1")
    assert found["address"] == "http://127.0.0.1:10000/devstoreaccount1/integration-reports"


def test_it_keeps_pdfs_in_an_azure_container_named_by_account_and_key(tmp_path):
    environment = (
        "DEBUG=1\nSTORAGE_AZURE_CONTAINER=integration-reports\n"
        "STORAGE_AZURE_ACCOUNT_NAME=northmoorreports\nSTORAGE_AZURE_ACCOUNT_KEY=a2V5\n"
    )
    found = settings_from(environment, tmp_path, code=AZURE)
    assert found["account"] == "northmoorreports"
    assert found["address"] == "https://northmoorreports.blob.core.windows.net/integration-reports"


@pytest.mark.parametrize(
    ("environment", "problem"),
    [
        (
            "STORAGE_BUCKET=integration-reports\nSTORAGE_AZURE_CONTAINER=integration-reports\n",
            "Set STORAGE_BUCKET (S3-compatible) or STORAGE_AZURE_CONTAINER (Azure), not both.",
        ),
        (
            "STORAGE_AZURE_CONTAINER=integration-reports\n",
            "STORAGE_AZURE_CONTAINER needs STORAGE_AZURE_CONNECTION_STRING, or "
            "STORAGE_AZURE_ACCOUNT_NAME and STORAGE_AZURE_ACCOUNT_KEY (see .env.example).",
        ),
        (
            "STORAGE_AZURE_CONTAINER=integration-reports\nSTORAGE_AZURE_ACCOUNT_NAME=northmoor\n",
            "STORAGE_AZURE_CONTAINER needs STORAGE_AZURE_CONNECTION_STRING, or "
            "STORAGE_AZURE_ACCOUNT_NAME and STORAGE_AZURE_ACCOUNT_KEY (see .env.example).",
        ),
        (
            f"STORAGE_AZURE_CONTAINER=integration-reports\nSTORAGE_AZURE_CONNECTION_STRING={AZURITE}\n"
            "STORAGE_AZURE_ACCOUNT_NAME=northmoor\n",
            "Set STORAGE_AZURE_CONNECTION_STRING or STORAGE_AZURE_ACCOUNT_NAME and "
            "STORAGE_AZURE_ACCOUNT_KEY, not both.",
        ),
    ],
)
def test_it_refuses_storage_it_cannot_use_saying_why(tmp_path, environment, problem):
    with pytest.raises(RuntimeError) as refused:
        settings_from(f"DEBUG=1\n{environment}", tmp_path)
    assert str(refused.value) == f"django.core.exceptions.ImproperlyConfigured: {problem}"


@pytest.mark.parametrize(
    ("environment", "problem"),
    [
        (
            "DEBUG=1\nTASKS_BACKEND=celery\n",
            "TASKS_BACKEND must be one of immediate, database or a dotted path to a "
            "django.tasks backend; got 'celery'",
        ),
        (
            "DEBUG=1\nREDIS_URL=127.0.0.1:6379\n",
            "REDIS_URL must start with redis://, rediss:// or unix://; got '127.0.0.1:6379'",
        ),
        ("DEBUG=maybe\n", "DEBUG must be one of 1/0, true/false, yes/no, on/off; got 'maybe'"),
        (
            "DEBUG=1\nDOCUMENTS_AHEAD_QUIET_SECONDS=-5\n",
            "DOCUMENTS_AHEAD_QUIET_SECONDS must be 0 or more seconds.",
        ),
    ],
)
def test_it_refuses_a_setting_it_cannot_use_saying_why(tmp_path, environment, problem):
    with pytest.raises(RuntimeError) as refused:
        settings_from(environment, tmp_path)
    assert str(refused.value) == f"django.core.exceptions.ImproperlyConfigured: {problem}"


def test_it_refuses_an_env_file_that_is_not_there(tmp_path):
    missing = tmp_path / "nowhere" / ".env"
    with pytest.raises(RuntimeError, match=f"ENV_FILE names '{missing}', which is not a file"):
        settings_from("", tmp_path, ENV_FILE=str(missing), DEBUG="1")


PROVIDERS = """
import json, django
django.setup()
from django.conf import settings
print(json.dumps({
    "apps": settings.SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"],
    "form_action": [str(origin) for origin in settings.SECURE_CSP["form-action"]],
    "mfa_required": settings.MFA_REQUIRED,
}))
"""


def test_it_reads_openid_connect_providers_with_a_secret_from_a_file(tmp_path):
    secret = tmp_path / "nhsmail-secret"
    secret.write_text("s3cret-from-a-file\n")
    providers = [
        {
            "id": "nhsmail",
            "name": "NHSmail",
            "issuer": "https://login.microsoftonline.com/tenant-id/v2.0",
            "client_id": "client-1",
            "client_secret_file": str(secret),
        },
        {
            "id": "northmoor-council",
            "name": "Northmoor Council",
            "issuer": "https://id.northmoor.example.gov.uk/",
            "client_id": "client-2",
            "client_secret": "plain-secret",
        },
    ]
    found = settings_from(
        f"DEBUG=1\nOIDC_PROVIDERS={json.dumps(providers)}\n", tmp_path, code=PROVIDERS
    )
    nhsmail, council = found["apps"]
    assert (nhsmail["provider_id"], nhsmail["name"], nhsmail["secret"]) == (
        "nhsmail", "NHSmail", "s3cret-from-a-file",
    )  # fmt: skip
    assert nhsmail["settings"]["server_url"] == providers[0]["issuer"]
    assert nhsmail["settings"]["oauth_pkce_enabled"] is True
    # Tokens are held to the issuer configured, whatever discovery says.
    assert council["settings"]["openid_configuration_overrides"]["issuer"] == providers[1]["issuer"]
    # "Sign in with …" is redirected to each provider: the sign-in page's CSP lets it.
    assert found["form_action"] == [
        "'self'", "https://login.microsoftonline.com", "https://id.northmoor.example.gov.uk",
    ]  # fmt: skip
    assert found["mfa_required"] == "staff"  # the default


@pytest.mark.parametrize(
    ("providers", "problem"),
    [
        ("not json", "OIDC_PROVIDERS is not valid JSON"),
        ('[{"id": "x", "name": "X", "issuer": "https://x.example"}]', "needs “client_id”"),
        (
            '[{"id": "x", "name": "X", "issuer": "http://x.example", "client_id": "c", '
            '"client_secret": "s"}]',
            "the issuer must be an https:// address",
        ),
        (
            '[{"id": "x", "name": "X", "issuer": "https://x.example", "client_id": "c", '
            '"client_secret_file": "/nowhere/secret"}]',
            "cannot read client_secret_file",
        ),
    ],
)
def test_it_refuses_providers_it_cannot_use_saying_why(tmp_path, providers, problem):
    with pytest.raises(RuntimeError, match=problem):
        settings_from(f"DEBUG=1\nOIDC_PROVIDERS={providers}\n", tmp_path, code=PROVIDERS)


def test_it_refuses_an_unknown_multi_factor_policy(tmp_path):
    with pytest.raises(RuntimeError, match="MFA_REQUIRED must be none, staff, leads or everyone"):
        settings_from("DEBUG=1\nMFA_REQUIRED=some\n", tmp_path, code=PROVIDERS)
