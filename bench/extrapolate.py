"""The hot paths at the national scale, extrapolated from two measured scales.

    .venv/bin/python bench/extrapolate.py var/bench/hotpaths-small.json \\
        var/bench/hotpaths-medium.json [--to 10000000]

Each file is written by ``bench/hotpaths.py --json`` on a generated data set. For every path the
p95 at ``--to`` applications is read off the line through the two measured points (applications,
p95): a path whose time does not grow with the data keeps its time, one that grows linearly is
carried on at its measured slope. A straight line is an upper bound for what grows with the depth
of a B-tree (logarithmically), and it multiplies the noise of the two measurements by the ratio of
the distances (about 9.5 from 50,000 and 1,000,000 applications to 10,000,000): a difference of a
millisecond between the two scales is about ten at the national one; it is never taken below the
larger scale's own measurement (a path measured faster there is noise, not a trend). The verdict compares the
extrapolated p95 with the issue's target where it names one, else with the path's recorded p95 in
``bench/budgets.toml``.
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
    print(
        f"| path | queries ({n0:,} → {n1:,}) | p95 at {n0:,} | p95 at {n1:,} "
        f"| p95 at {args.to:,} (extrapolated) | target | verdict |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for path in large["paths"]:
        low = by_name.get(path["name"])
        if low is None or low["p95"] is None or path["p95"] is None:
            continue
        estimate = max(line(n0, low["p95"], n1, path["p95"], args.to), path["p95"])
        target = TARGETS.get(path["name"], budgets.get(path["name"], {}).get("p95_ms"))
        verdict = "—" if target is None else ("within" if estimate <= target else "over")
        queries = (
            str(path["queries"])
            if path["queries"] == low["queries"]
            else f"{low['queries']} → {path['queries']}"
        )
        print(
            f"| {path['label']} | {queries} | {low['p95']:.1f} ms | {path['p95']:.1f} ms "
            f"| {estimate:.0f} ms | {target if target is not None else '—'} ms | {verdict} |"
        )


if __name__ == "__main__":
    main()
