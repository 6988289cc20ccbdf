"""Stored documents in the buckets a deployment uses instead of a folder: an S3-compatible bucket
(moto's standalone server) and an Azure Blob Storage container (Microsoft's Azurite), each
started once for this module on loopback, as separate servers speaking the real protocol.

Each test points default_storage at one through the same django-storages backends and options
config/settings.py builds, renders a report into it, reads it back as a reader is served it,
checks with the service's own client that the file is really there, and sweeps an orphan away.
Chromium and WeasyPrint stand aside (`fake_render`).
"""

import re
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from reports import pdf
from reports.documents import document_get_or_queue
from reports.selectors import report_build
from reports.services import document_render, pdf_orphans_sweep

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)
AZURITE = ROOT / "scripts" / "azurite" / "node_modules" / ".bin" / "azurite-blob"
LISTENING = re.compile(r"(?:Running|listens) on (http://127\.0\.0\.1:\d+)")
STARTUP_CHECKS = 240  # four a second: a bound on a busy machine, not a target
# Azurite's one well-known development account, the same in every copy of it: not a secret.
AZURITE_KEY = (
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
)


def _serving(command: list[str], log: Path):
    """Start a server on a free loopback port; yield the address it says it listens on; stop it."""
    with log.open("w") as output:
        server = subprocess.Popen(command, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT)
    try:
        for _ in range(STARTUP_CHECKS):
            if found := LISTENING.search(log.read_text()):
                break
            if server.poll() is not None:
                pytest.fail(f"{command[0]} stopped before it listened: {log.read_text()}")
            time.sleep(0.25)
        else:
            pytest.fail(f"{command[0]} did not listen within {STARTUP_CHECKS / 4:g} s")
        yield found.group(1)
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture(scope="module")
def moto_address(tmp_path_factory):
    pytest.importorskip("moto.server", reason="moto[server] is installed by make install")
    moto_server = Path(sys.executable).parent / "moto_server"
    log = tmp_path_factory.mktemp("moto") / "server.log"
    yield from _serving([str(moto_server), "-H", "127.0.0.1", "-p", "0"], log)


@pytest.fixture(scope="module")
def azurite_address(tmp_path_factory):
    pytest.importorskip("azure.storage.blob", reason="django-storages[azure] is a dev extra")
    if not AZURITE.exists():
        pytest.skip("Azurite is installed by make install (scripts/azurite)")
    # No telemetry (no network), nothing on disk, any API version the SDK speaks.
    options = "--inMemoryPersistence --disableTelemetry --skipApiVersionCheck --silent"
    command = [str(AZURITE), "--blobHost", "127.0.0.1", "--blobPort", "0", *options.split()]
    yield from _serving(command, tmp_path_factory.mktemp("azurite") / "server.log")


class S3Bucket:
    """A bucket of its own on moto's server, as STORAGE_BUCKET and STORAGE_ENDPOINT_URL name."""

    def __init__(self, address: str):
        import boto3

        self.name = f"reports-{uuid.uuid4().hex[:12]}"
        credentials = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
        self.client = boto3.client(
            "s3", endpoint_url=address, region_name="eu-west-2", **credentials
        )
        self.client.create_bucket(
            Bucket=self.name, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"}
        )
        self.storage = {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": self.name,
                "default_acl": None,
                "querystring_auth": True,
                "endpoint_url": address,
                "region_name": "eu-west-2",
                "access_key": "testing",
                "secret_key": "testing",
            },
        }

    def names(self) -> set[str]:
        listed = self.client.list_objects_v2(Bucket=self.name).get("Contents", [])
        return {item["Key"] for item in listed}


class AzureContainer:
    """A container of its own on Azurite, as STORAGE_AZURE_CONTAINER and a connection string
    name."""

    def __init__(self, address: str):
        from azure.storage.blob import BlobServiceClient

        self.name = f"reports-{uuid.uuid4().hex[:12]}"
        connection = (
            "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;"
            f"AccountKey={AZURITE_KEY};BlobEndpoint={address}/devstoreaccount1;"
        )
        service = BlobServiceClient.from_connection_string(connection)
        self.client = service.create_container(self.name)
        self.storage = {
            "BACKEND": "storages.backends.azure_storage.AzureStorage",
            "OPTIONS": {
                "azure_container": self.name,
                "overwrite_files": True,
                "connection_string": connection,
            },
        }

    def names(self) -> set[str]:
        return set(self.client.list_blob_names())


@pytest.fixture(params=["s3", "azure"])
def bucket(request, settings):
    """default_storage in a fresh bucket of one kind or the other."""
    if request.param == "s3":
        made = S3Bucket(request.getfixturevalue("moto_address"))
    else:
        made = AzureContainer(request.getfixturevalue("azurite_address"))
    settings.STORAGES = {**settings.STORAGES, "default": made.storage}
    return made


def test_it_keeps_a_report_in_the_bucket_and_serves_it_from_there(
    bucket, scored_round, fake_render
):
    document = pdf.report_document(report_build(scored_round))
    name = document_render(document=document)
    assert bucket.names() == {name}  # in the bucket, as its own client lists it
    assert name == document.storage_name

    delivery = document_get_or_queue(document=document)
    with delivery.file as served:
        assert served.read() == b"%PDF-1.7 render 1"
    assert len(fake_render) == 1  # served from the bucket, not made again


def test_it_sweeps_an_old_orphan_from_the_bucket_and_keeps_what_is_named(
    bucket, scored_round, fake_render, monkeypatch
):
    served = document_render(document=pdf.report_document(report_build(scored_round)))
    # A file a render died after writing, never recorded: nothing names it.
    orphan = default_storage.save("pdf/report/999-orphaned.pdf", ContentFile(b"%PDF-1.7 left"))
    assert pdf_orphans_sweep() == 0  # too young: its render may still be recording it
    assert bucket.names() == {served, orphan}

    later = timezone.now() + timedelta(hours=2)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert pdf_orphans_sweep() == 1
    assert bucket.names() == {served}
