"""The hot paths at the national scale, extrapolated from two measured scales.

    .venv/bin/python bench/extrapolate.py var/bench/hotpaths-small.json \\
        var/bench/hotpaths-medium.json [--to 10000000]

Each file is written by ``bench/hotpaths.py --json`` on a generated data set. What grows with the
data is the database's work: the pages are bounded (a page of rows, a year of sums per unit), so
Python and the templates do the same work at any scale, and their time between two runs moves with
the machine, not with the data (±40 % between two runs of the same path on the shared 2-core
machine). So each path's p95 at ``--to`` applications is the larger scale's p95 plus the growth of
its statements' time (the median of the time the client waits for them, ``sql_p50``) carried on
along the line through the two scales. A straight line is an upper bound for what grows with the
depth of a B-tree (logarithmically) and exact for a scan; a path whose statements took less time at
the larger scale keeps its measured p95. The verdict compares the estimate with the issue's target
where it names one (p95 at the national scale); for every other path the issue's target is its query
budget in ``bench/budgets.toml`` at both scales, and its p95 on record there is shown beside it.
"""

from __future__ import annotations

import argparse
import json
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Issue 26's targets (p95, ms) at the national scale; every other path: its recorded p95.
TARGETS = {
    "officer_inbox": 50,
    "dashboard_mpp_year": 100,
    "dashboard_national_year": 100,
    "dashboard_region": 50,
    "queue_call_next": 20,
}


def line(x0: float, y0: float, x1: float, y1: float, x: float) -> float:
    return y1 + (y1 - y0) * (x - x1) / (x1 - x0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("small", type=Path)
    parser.add_argument("large", type=Path)
    parser.add_argument("--to", type=int, default=10_000_000, help="applications (national)")
    args = parser.parse_args()
    small, large = (json.loads(p.read_text()) for p in (args.small, args.large))
    budgets = tomllib.loads((ROOT / "bench" / "budgets.toml").read_text())
    by_name = {p["name"]: p for p in small["paths"]}
    n0, n1 = small["applications"], large["applications"]
    if n1 <= n0:
        raise SystemExit("the second file must be of the larger data set")
    print(
        f"| path | queries ({n0:,} → {n1:,}) | p95 at {n0:,} | p95 at {n1:,} "
        f"| SQL p50 | p95 at {args.to:,} (extrapolated) | target | verdict |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for path in large["paths"]:
        low = by_name.get(path["name"])
        if low is None or low["p95"] is None or path["p95"] is None:
            continue
        sql0, sql1 = low.get("sql_p50") or 0.0, path.get("sql_p50") or 0.0
        growth = max(0.0, line(n0, sql0, n1, sql1, args.to) - sql1)
        estimate = path["p95"] + growth
        budget = budgets.get(path["name"], {})
        if path["name"] in TARGETS:
            target = f"p95 ≤ {TARGETS[path['name']]} ms"
            verdict = "within" if estimate <= TARGETS[path["name"]] else "over"
        else:
            limit = budget.get("queries")
            record = budget.get("p95_ms")
            target = f"≤ {limit} queries" + (f" (p95 on record {record} ms)" if record else "")
            worst = max(path["queries"], low["queries"])
            verdict = "—" if limit is None else ("within" if worst <= limit else "over")
        queries = (
            str(path["queries"])
            if path["queries"] == low["queries"]
            else f"{low['queries']} → {path['queries']}"
        )
        print(
            f"| {path['label']} | {queries} | {low['p95']:.1f} ms | {path['p95']:.1f} ms "
            f"| {sql0:.1f} → {sql1:.1f} ms | {estimate:.0f} ms "
            f"| {target} | {verdict} |"
        )


if __name__ == "__main__":
    main()
