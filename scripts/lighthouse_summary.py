"""Summarise the Lighthouse reports `scripts/lighthouse.sh` wrote as Markdown tables.

Usage: lighthouse_summary.py FOLDER. Each preset's reports are FOLDER/<preset>/<page>-<run>.json;
one table a preset, desktop first. A page run more than once shows its median run by performance
score, and every run's performance score beside it.
"""

import json
import sys
from collections import defaultdict
from pathlib import Path
from statistics import median_low

PAGES = ["home", "scoring-form", "report", "compare"]
PRESETS = ["desktop", "mobile"]
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
HEADINGS = [
    "page",
    "performance",
    "accessibility",
    "best practices",
    "SEO",
    "FCP ms",
    "LCP ms",
    "TBT ms",
    "CLS",
    "transferred KiB",
    "performance, each run",
]


def _score(report: dict, category: str) -> str:
    score = report["categories"][category]["score"]
    # Lighthouse gives no score (null) when a category could not be measured, e.g. the page failed.
    return "—" if score is None else str(round(score * 100))


def _performance(report: dict) -> int:
    return round((report["categories"]["performance"]["score"] or 0) * 100)


def _median_run(reports: list[dict]) -> dict:
    middle = median_low(_performance(r) for r in reports)
    return next(r for r in reports if _performance(r) == middle)


def _row(page: str, reports: list[dict]) -> str:
    report = _median_run(reports)
    audits = report["audits"]
    runs = sorted(_performance(r) for r in reports)
    cells = [
        page,
        *(_score(report, c) for c in CATEGORIES),
        f"{audits['first-contentful-paint']['numericValue']:.0f}",
        f"{audits['largest-contentful-paint']['numericValue']:.0f}",
        f"{audits['total-blocking-time']['numericValue']:.0f}",
        f"{audits['cumulative-layout-shift']['numericValue']:.3f}",
        f"{audits['total-byte-weight']['numericValue'] / 1024:.0f}",
        ", ".join(map(str, runs)),
    ]
    return "| " + " | ".join(cells) + " |"


def _settings(preset: str, report: dict) -> str:
    screen = report["configSettings"]["screenEmulation"]
    throttling = report["configSettings"]["throttling"]
    size = f"{screen['width']} × {screen['height']} px at {screen['deviceScaleFactor']}×"
    return (
        f"**{preset}**: {size}, simulated {throttling['rttMs']:.0f} ms round trips at "
        f"{throttling['throughputKbps'] / 1024:.1f} Mbit/s, CPU slowed "
        f"{throttling['cpuSlowdownMultiplier']:g}×."
    )


def _table(preset: str, reports: dict[str, list[dict]]) -> None:
    first = next(iter(reports.values()))[0]
    print(f"## {preset.capitalize()}\n")
    print(_settings(preset, first) + "\n")
    print("| " + " | ".join(HEADINGS) + " |")
    print("| " + " | ".join("---" for _ in HEADINGS) + " |")
    for page in [p for p in PAGES if p in reports] + sorted(set(reports) - set(PAGES)):
        print(_row(page, reports[page]))
    print()


def main(folder: Path) -> None:
    presets: dict[str, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for path in sorted(folder.glob("*/*.json")):
        page = path.stem.rsplit("-", 1)[0]
        presets[path.parent.name][page].append(json.loads(path.read_text(encoding="utf-8")))
    if not presets:
        sys.exit(f"No Lighthouse reports in {folder}/<preset>/: nothing to summarise.")
    first = next(iter(next(iter(presets.values())).values()))[0]
    print("# Lighthouse\n")
    print(
        f"Lighthouse {first['lighthouseVersion']}, signed in; Chromium (benchmark index "
        f"{first['environment']['benchmarkIndex']:.0f}: this machine's speed, as Lighthouse "
        "measures it); gunicorn with DEBUG off and collected static files, the demo's data, "
        "loopback. FCP first contentful paint, LCP largest contentful paint, TBT total blocking "
        "time, CLS cumulative layout shift.\n"
    )
    for preset in [p for p in PRESETS if p in presets] + sorted(set(presets) - set(PRESETS)):
        _table(preset, presets[preset])


if __name__ == "__main__":
    main(Path(sys.argv[1]))
