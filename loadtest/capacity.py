"""Helpers for `make capacity` (scripts/capacity.sh): CPU time of process trees, and each
step's Locust statistics turned into the report's tables and verdict.

    capacity.py cpu PID [PID ...]
        The CPU-seconds (user + system) the processes and their children have used so far.
    capacity.py core N
        The seconds core N has been busy so far, whoever used it (/proc/stat).
    capacity.py step STATS_CSV PARTICIPANTS WEB_CPU_SECONDS CORE_BUSY_SECONDS SECONDS
        One step's table (Markdown), then a summary line starting "step:" the script collects
        for the overview. Exits 0 when every request but sign-in has a p95 under the limit and
        nothing failed, 3 otherwise.
"""

import csv
import os
import sys

import psutil

SIGN_IN = "sign in"  # loadtest/workshop.py's name for the password post: reported on its own
LIMIT_MS = 200


def cpu_seconds(pids: list[int]) -> float:
    total = 0.0
    for pid in pids:
        try:
            root = psutil.Process(pid)
            processes = [root, *root.children(recursive=True)]
        except psutil.Error:
            continue
        for process in processes:
            try:
                times = process.cpu_times()
                total += times.user + times.system + times.children_user + times.children_system
            except psutil.Error:  # ended meanwhile
                continue
    return total


def core_busy_seconds(core: int) -> float:
    """Busy time of one core from /proc/stat: everything but idle and iowait."""
    with open("/proc/stat") as stat:
        for line in stat:
            name, *ticks = line.split()
            if name == f"cpu{core}":
                user, nice, system, idle, iowait, irq, softirq, steal = map(int, ticks[:8])
                return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")
    raise SystemExit(f"capacity.py: no core {core} in /proc/stat")


def step(path: str, participants: int, web_cpu: float, core_busy: float, seconds: int) -> int:
    with open(path, newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row["Name"] != "Aggregated"]
    print(f"#### {participants} participants\n")
    print("| request | count | failures | p50 ms | p95 ms | p99 ms |")
    print("|---|---|---|---|---|---|")
    for row in rows:
        print(
            f"| {row['Name']} | {row['Request Count']} | {row['Failure Count']} | "
            f"{row['50%']} | {row['95%']} | {row['99%']} |"
        )
    rest = [row for row in rows if row["Name"] != SIGN_IN and int(row["Request Count"])]
    worst = max(rest, key=lambda row: float(row["95%"]))
    sign_in = next((row for row in rows if row["Name"] == SIGN_IN), None)
    failures = sum(int(row["Failure Count"]) for row in rows)
    requests = sum(int(row["Request Count"]) for row in rows)
    served = float(worst["95%"]) < LIMIT_MS and failures == 0
    print(
        f"\nIn the step's {seconds} s, web processes used {web_cpu:.1f} CPU-seconds "
        f"({web_cpu / seconds * 100:.0f}% of the core); the core was busy {core_busy:.1f} s "
        f"({core_busy / seconds * 100:.0f}%), counting everything on it.\n"
    )
    sign_in_p = f"{sign_in['50%']} / {sign_in['95%']}" if sign_in else "–"
    print(
        f"step: | {participants} | {requests} | {failures} | {worst['95%']} ({worst['Name']}) | "
        f"{sign_in_p} | {web_cpu:.1f} | {core_busy:.1f} | {'yes' if served else 'no'} |",
        file=sys.stderr,
    )
    return 0 if served else 3


def main() -> int:
    command, *args = sys.argv[1:]
    if command == "cpu":
        print(f"{cpu_seconds([int(pid) for pid in args]):.2f}")
        return 0
    if command == "core":
        print(f"{core_busy_seconds(int(args[0])):.2f}")
        return 0
    if command == "step":
        path, participants, web, core, seconds = args
        return step(path, int(participants), float(web), float(core), int(seconds))
    raise SystemExit(f"capacity.py: unknown command {command!r}")


if __name__ == "__main__":
    sys.exit(main())
