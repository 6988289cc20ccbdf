"""Summarise the Lighthouse reports `scripts/lighthouse.sh` wrote as a Markdown table.

Usage: lighthouse_summary.py FOLDER. Each page's reports are FOLDER/<page>-<run>.json; a page run
more than once shows its median run by performance score.
"""

import json
import sys
from collections import defaultdict
from pathlib import Path
from statistics import median_low

PAGES = ["home", "scoring-form", "report", "compare"]
CATEGORIES = ["performance", "accessibility", "best-practices"]


def _score(report: dict, category: str) -> int:
    return round(report["categories"][category]["score"] * 100)


def _median_run(reports: list[dict]) -> dict:
    middle = median_low(_score(r, "performance") for r in reports)
    return next(r for r in reports if _score(r, "performance") == middle)


def _row(page: str, reports: list[dict]) -> str:
    report = _median_run(reports)
    audits = report["audits"]
    runs = sorted(_score(r, "performance") for r in reports)
    scores = [str(_score(report, c)) for c in CATEGORIES]
    cells = [
        page,
        *scores,
        f"{audits['first-contentful-paint']['numericValue']:.0f}",
        f"{audits['largest-contentful-paint']['numericValue']:.0f}",
        f"{audits['total-blocking-time']['numericValue']:.0f}",
        f"{audits['total-byte-weight']['numericValue'] / 1024:.0f}",
        ", ".join(map(str, runs)),
    ]
    return "| " + " | ".join(cells) + " |"


def main(folder: Path) -> None:
    reports = defaultdict(list)
    for path in sorted(folder.glob("*.json")):
        page = path.stem.rsplit("-", 1)[0]
        reports[page].append(json.loads(path.read_text(encoding="utf-8")))
    first = next(iter(reports.values()))[0]
    print("# Lighthouse\n")
    print(
        f"Lighthouse {first['lighthouseVersion']}, desktop preset, signed in; "
        f"Chromium (benchmark index {first['environment']['benchmarkIndex']:.0f}: this machine's "
        "speed, as Lighthouse measures it); "
        "gunicorn with DEBUG off and collected static files, the demo's data, loopback.\n"
    )
    print(
        "| page | performance | accessibility | best practices | FCP ms | LCP ms | TBT ms "
        "| transferred KiB | performance, each run |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for page in [p for p in PAGES if p in reports] + sorted(set(reports) - set(PAGES)):
        print(_row(page, reports[page]))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
