"""Turn Locust's stats CSV into the Markdown table the README quotes."""

import csv
import sys

path, users, seconds = sys.argv[1], sys.argv[2], sys.argv[3]
servers = sys.argv[4] if len(sys.argv) > 4 else "gunicorn (3 workers × 4 threads) on PostgreSQL"
print(
    f"{users} simulated users (2 more a second) for {seconds} s, {servers}, "
    "Locust on the same 2-core machine\n"
)
print("| request | count | failures | req/s | p50 ms | p95 ms | p99 ms |")
print("|---|---|---|---|---|---|---|")
with open(path, newline="") as handle:
    for row in csv.DictReader(handle):
        name = "**all**" if row["Name"] == "Aggregated" else row["Name"]
        print(
            f"| {name} | {row['Request Count']} | {row['Failure Count']} | "
            f"{float(row['Requests/s']):.1f} | {row['50%']} | {row['95%']} | {row['99%']} |"
        )
