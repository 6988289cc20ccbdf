"""Checks for `make prod-smoke` (scripts/prod_smoke.sh), against servers on loopback only.

    prod_smoke_check.py pdf NODE_A NODE_B
        Signs in on node A, asks node A for a report PDF (a "preparing" page that refreshes
        itself, as the worker renders it), then asks node B with the same session until node B
        serves the PDF: sessions in the database, the PDF in the shared storage.
    prod_smoke_check.py processes WEB_PID [WEB_PID ...] --worker WORKER_PID
        No browser under any web node; one under the worker. Prints each process tree's memory.

Exits non-zero, saying why, on the first thing that is not as it should be.
"""

import argparse
import http.cookiejar
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    pdf = commands.add_parser("pdf")
    pdf.add_argument("node_a")
    pdf.add_argument("node_b")
    processes = commands.add_parser("processes")
    processes.add_argument("web", type=int, nargs="+")
    processes.add_argument("--worker", type=int, required=True)
    options = parser.parse_args()
    for node in (getattr(options, "node_a", None), getattr(options, "node_b", None)):
        if node and urllib.parse.urlparse(node).hostname not in {"127.0.0.1", "localhost"}:
            fail(f"{node} is not on loopback")
    if options.command == "pdf":
        check_pdf(options.node_a, options.node_b)
    else:
        check_processes(options.web, options.worker)


if __name__ == "__main__":
    main()
