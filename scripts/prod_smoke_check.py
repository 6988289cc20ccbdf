"""Checks for `make prod-smoke` (scripts/prod_smoke.sh), against servers on loopback only.

    prod_smoke_check.py pdf NODE_A NODE_B
        Signs in on node A, asks node A for a report PDF (a "preparing" page that refreshes
        itself, as the worker renders it), then asks node B with the same session until node B
        serves the PDF: sessions in the database, the PDF in the shared storage.
    prod_smoke_check.py processes WEB_PID [WEB_PID ...] --worker WORKER_PID
        No browser under any web node; one under the worker. Prints each process tree's memory.
    prod_smoke_check.py storage prepare
        Makes the bucket or container the settings name (STORAGE_BUCKET, STORAGE_AZURE_CONTAINER)
        on the emulator the script started, with the service's own client.
    prod_smoke_check.py storage check --since EPOCH
        Every PDF rendered since EPOCH is in the storage the settings name, as the service's own
        client lists it (not django-storages); then the orphan sweep
        (reports.services.pdf_orphans_sweep) removes a file nothing names, and nothing else.

Exits non-zero, saying why, on the first thing that is not as it should be.
"""

import argparse
import http.cookiejar
import os
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import psutil

LEAD = "priya.shah@riverside.example.org"  # seed_demo's lead of Riverside
PASSWORD = "integration-demo"
WAIT = 180  # seconds for the worker to render the PDF: a bound, not a target
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def fail(message: str) -> None:
    print(f"prod-smoke: FAILED: {message}", file=sys.stderr)
    sys.exit(1)


class Browser:
    """One person's cookies, carried from node to node (both on 127.0.0.1)."""

    def __init__(self):
        self.cookies = http.cookiejar.CookieJar()
        handler = urllib.request.HTTPCookieProcessor(self.cookies)
        self.opener = urllib.request.build_opener(handler)

    def get(self, url: str) -> tuple[int, dict, bytes]:
        try:
            with self.opener.open(url, timeout=60) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def sign_in(self, node: str) -> None:
        status, _, page = self.get(f"{node}/accounts/login/")
        if status != 200 or not (token := TOKEN.search(page.decode())):
            fail(f"the sign-in page of {node} answered {status}")
        form = {"login": LEAD, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1)}
        request = urllib.request.Request(
            f"{node}/accounts/login/",
            data=urllib.parse.urlencode(form).encode(),
            headers={"Referer": f"{node}/accounts/login/"},
        )
        with self.opener.open(request, timeout=60) as response:
            if response.url.rstrip("/").endswith("/accounts/login"):
                fail(f"signing in on {node} did not sign in")


def check_pdf(node_a: str, node_b: str) -> None:
    person = Browser()
    person.sign_in(node_a)
    status, _, home = person.get(f"{node_b}/")
    found = re.search(r'href="(/assessments/\d+/)">2025 Q4', home.decode())
    if status != 200 or not found:
        fail(f"node B did not know the session made on node A (home page: {status})")
    pdf_path = found.group(1).rstrip("/") + "/report.pdf"
    status, _, page = person.get(node_a + pdf_path)
    if status != 202 or b'id="preparing-progress"' not in page or b"js/preparing." not in page:
        fail(f"node A answered {status} for a PDF not yet made, not 202 with the preparing page")
    print(f"prod-smoke: node A answered 202 for {pdf_path}: the worker is preparing it")
    asked = time.monotonic()
    while time.monotonic() - asked < WAIT:
        status, headers, body = person.get(node_b + pdf_path)
        if status == 200:
            if headers.get("Content-Type") != "application/pdf" or not body.startswith(b"%PDF-"):
                fail(f"node B answered 200 with {headers.get('Content-Type')}, not a PDF")
            waited = time.monotonic() - asked
            print(f"prod-smoke: node B served the PDF ({len(body):,} bytes) after {waited:.1f} s")
            return
        if status != 202:
            fail(f"node B answered {status} while the PDF was being prepared")
        time.sleep(1)
    fail(f"node B did not serve the PDF within {WAIT} s: is the worker running?")


def _is_browser(process: psutil.Process) -> bool:
    return "chrom" in process.name() and not any(
        arg.startswith("--type=") for arg in process.cmdline()
    )


def _tree(pid: int) -> list[psutil.Process]:
    root = psutil.Process(pid)
    return [root, *root.children(recursive=True)]


def _total(processes: list[psutil.Process], read) -> float:
    """The sum of read(process) over the processes still running."""
    total = 0.0
    for process in processes:
        try:
            total += read(process)
        except psutil.Error:  # ended meanwhile
            continue
    return total


def _megabytes(processes: list[psutil.Process], kind: str) -> float:
    return _total(processes, lambda p: getattr(p.memory_full_info(), kind)) / 2**20


def _cpu_seconds(processes: list[psutil.Process]) -> float:
    return _total(processes, lambda p: sum(p.cpu_times()[:2]))  # user + system


def _row(name: str, processes: list[psutil.Process]) -> str:
    rss, pss = _megabytes(processes, "rss"), _megabytes(processes, "pss")
    cpu = _cpu_seconds(processes)
    return f"| {name} | {len(processes)} | {rss:.0f} | {pss:.0f} | {cpu:.0f} |"


def check_processes(web: list[int], worker: int) -> None:
    print("| process | processes | RSS MB | PSS MB | CPU s since start |")
    print("|---|---|---|---|---|")
    for pid in web:
        tree = _tree(pid)
        if any(_is_browser(p) for p in tree):
            fail(f"web node {pid} has a browser among its processes")
        for process in tree[1:]:  # gunicorn's workers, one by one
            print(_row(f"web worker {process.pid} (node {pid})", [process]))
    tree = _tree(worker)
    browsers = [p for p in tree if _is_browser(p)]
    if len(browsers) != 1:
        fail(f"the PDF worker has {len(browsers)} browsers, not one")
    print(_row(f"PDF worker {worker} alone", tree[:1]))
    print(_row("PDF worker with its browser", tree))
    print("prod-smoke: no browser under the web nodes; one under the PDF worker")


def _django_settings():
    """Django set up as the nodes are, from the same environment and the same code."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django
    from django.conf import settings

    django.setup()
    return settings


def _s3_client(options: dict):
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=options.get("endpoint_url"),
        region_name=options.get("region_name"),
        aws_access_key_id=options.get("access_key"),
        aws_secret_access_key=options.get("secret_key"),
    )


def _azure_container(options: dict):
    from azure.storage.blob import BlobServiceClient

    if connection := options.get("connection_string"):
        service = BlobServiceClient.from_connection_string(connection)
    else:
        address = f"https://{options['account_name']}.blob.core.windows.net"
        service = BlobServiceClient(address, credential=options["account_key"])
    return service.get_container_client(options["azure_container"])


def _stored_names(settings) -> tuple[str, set[str]]:
    """Which storage the settings name, and every file in it, as its own client lists them."""
    storage = settings.STORAGES["default"]
    options = storage.get("OPTIONS", {})
    if storage["BACKEND"].endswith("S3Storage"):
        prefix = f"{options['location']}/" if options.get("location") else ""
        pages = _s3_client(options).get_paginator("list_objects_v2")
        listed = pages.paginate(Bucket=options["bucket_name"], Prefix=prefix)
        names = {item["Key"][len(prefix) :] for page in listed for item in page.get("Contents", [])}
        return f"S3-compatible bucket {options['bucket_name']}", names
    if storage["BACKEND"].endswith("AzureStorage"):
        names = set(_azure_container(options).list_blob_names())
        return f"Azure Blob container {options['azure_container']}", names
    root = settings.MEDIA_ROOT
    names = {
        os.path.relpath(os.path.join(folder, name), root)
        for folder, _, files in os.walk(root)
        for name in files
    }
    return f"folder {root}", names


def prepare_storage() -> None:
    settings = _django_settings()
    storage = settings.STORAGES["default"]
    options = storage.get("OPTIONS", {})
    if storage["BACKEND"].endswith("S3Storage"):
        where = {"LocationConstraint": options["region_name"]}
        _s3_client(options).create_bucket(
            Bucket=options["bucket_name"], CreateBucketConfiguration=where
        )
    elif storage["BACKEND"].endswith("AzureStorage"):
        _azure_container(options).create_container()
    print(f"prod-smoke: PDFs go to the {_stored_names(settings)[0]}")


def check_storage(since: float) -> None:
    settings = _django_settings()
    from datetime import UTC, datetime, timedelta

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from reports.models import PdfStatus, RenderedPdf
    from reports.services import pdf_orphans_sweep

    where, names = _stored_names(settings)
    rendered = set(
        RenderedPdf.objects.filter(
            status=PdfStatus.READY, updated_at__gte=datetime.fromtimestamp(since, UTC)
        ).values_list("name", flat=True)
    )
    if not rendered:
        fail("no PDF was recorded as rendered in this pass")
    if missing := rendered - names:
        fail(f"the {where} lacks {', '.join(sorted(missing))}")
    print(f"prod-smoke: the {where} holds {', '.join(sorted(rendered))}")
    # As a render that died after writing its file leaves it: in storage, named by no row.
    orphan = default_storage.save("pdf/report/0-smoke-orphan.pdf", ContentFile(b"%PDF-1.7 left"))
    time.sleep(1.5)  # older than the sweep's cutoff below, at a storage's one-second resolution
    removed = pdf_orphans_sweep(older_than=timedelta(0))
    after = _stored_names(settings)[1]
    if removed != 1 or orphan in after or not rendered <= after:
        fail(f"the orphan sweep removed {removed} files in the {where}, not just {orphan}")
    print(f"prod-smoke: the orphan sweep listed the {where} and removed {orphan} alone")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    pdf = commands.add_parser("pdf")
    pdf.add_argument("node_a")
    pdf.add_argument("node_b")
    processes = commands.add_parser("processes")
    processes.add_argument("web", type=int, nargs="+")
    processes.add_argument("--worker", type=int, required=True)
    storage = commands.add_parser("storage")
    storage.add_argument("step", choices=["prepare", "check"])
    storage.add_argument("--since", type=float, default=0.0)
    options = parser.parse_args()
    for node in (getattr(options, "node_a", None), getattr(options, "node_b", None)):
        if node and urllib.parse.urlparse(node).hostname not in {"127.0.0.1", "localhost"}:
            fail(f"{node} is not on loopback")
    if options.command == "pdf":
        check_pdf(options.node_a, options.node_b)
    elif options.command == "processes":
        check_processes(options.web, options.worker)
    elif options.step == "prepare":
        prepare_storage()
    else:
        check_storage(options.since)


if __name__ == "__main__":
    main()
