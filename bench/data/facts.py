"""The daily facts of the dashboards (``mpp.reporting``), recomputed from the generated rows.

Generated rows bypass the workflow hooks that bump the counters as transitions happen, so this
module asks every registered fact source to recompute them from its source rows and writes them
with ``facts.put`` (what ``manage.py recompute_facts --fix`` does): counted metrics over the two
years, snapshot metrics (open and overdue backlog at the end of a day) for the last
:data:`SNAPSHOT_DAYS` days only — a snapshot of one day reads every application open on it, and
730 of them at the national scale would take longer than the rest of the generation. It covers
whichever processes have registered a fact source.
"""

from __future__ import annotations

import datetime

from bench.data.base import Context

SNAPSHOT_DAYS = 60


def generate(ctx: Context) -> None:
    from mpp.reporting import facts
    from mpp.reporting.models import DailyFact

    end = ctx.anchor.date() - datetime.timedelta(days=1)
    start = end - datetime.timedelta(days=730)
    sources = facts.registry.sources()
    task = ctx.progress.add_task(
        "daily facts (recompute)", total=len(sources) * (1 + SNAPSHOT_DAYS)
    )
    done = 0
    for source in sources:
        counted = source.counted_metrics()
        if counted:
            facts.put(start, end, counted, source.recompute(start, end))
        done += 1
        ctx.progress.update(task, completed=done)
        snapshots = source.snapshot_metrics()
        for offset in range(SNAPSHOT_DAYS):
            if snapshots:
                day = end - datetime.timedelta(days=offset)
                facts.put(day, day, snapshots, source.snapshot(day, now=ctx.anchor))
            done += 1
            ctx.progress.update(task, completed=done)
    ctx.counts["reporting_dailyfact"] = DailyFact.objects.count()
