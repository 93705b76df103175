"""The daily facts of the dashboards (``mpp.reporting``), recomputed from the generated rows.

Generated rows bypass the workflow hooks that bump the counters as transitions happen, so this
module asks every registered fact source to recompute them from its source rows — the product's
own ``FactSource.recompute``, as ``manage.py recompute_facts --fix`` uses it — one month of days
at a time (a quarter from the medium scale on: each window costs the sources a few scans of
their tables; so that the facts of one window, not of two years, are in memory), and streams them
into ``DailyFact`` with COPY instead of ``facts.put``'s ``bulk_create`` (which spent four fifths of
this module's time building model instances at the small scale). The monthly sums are then rebuilt
by the product's ``facts.rebuild_months``, the per-MPP day sums by ``facts.rebuild_mpp_days``. Snapshot metrics (open and overdue backlog at the end of
a day) are taken for the last :data:`SNAPSHOT_DAYS` days only (14 from the medium scale on): a
snapshot of one day reads every application open on it, and the dashboards' day and week periods
need no more. It covers whichever processes have registered a fact source.
"""

from __future__ import annotations

import datetime

from bench.data.base import Context, check_columns

SNAPSHOT_DAYS = 60
SNAPSHOT_DAYS_LARGE = 14
WINDOW_DAYS = 31
WINDOW_DAYS_LARGE = 92


def generate(ctx: Context) -> None:
    from mpp.reporting import facts
    from mpp.reporting.models import DailyFact

    end = ctx.anchor.date() - datetime.timedelta(days=1)
    start = end - datetime.timedelta(days=730)
    large = ctx.applications > 100_000
    snapshot_days = SNAPSHOT_DAYS_LARGE if large else SNAPSHOT_DAYS
    window_days = WINDOW_DAYS_LARGE if large else WINDOW_DAYS
    sources = facts.registry.sources()
    windows = []
    day = start
    while day <= end:
        last = min(end, day + datetime.timedelta(days=window_days - 1))
        windows.append((day, last))
        day = last + datetime.timedelta(days=1)
    task = ctx.progress.add_task(
        "daily facts (recompute)", total=len(sources) * (len(windows) + snapshot_days)
    )
    table = DailyFact._meta.db_table
    # The COPY below names its columns by hand: refuse to run if the model gained a NOT NULL one.
    check_columns(DailyFact, ["day", "region", "mpp", "agency", "service", "metric", "value"])
    done = written = 0
    for source in sources:
        counted = list(source.counted_metrics())
        if counted:
            ctx.cursor.execute(
                f"DELETE FROM {table} WHERE day BETWEEN %s AND %s AND metric = ANY(%s)",  # noqa: S608
                [start, end, counted],
            )
        for low, high in windows:
            if counted:
                values = source.recompute(low, high)
                rows = [
                    (key.day, *key.unit, key.metric, value)
                    for key, value in values.items()
                    if value and key.metric in counted and low <= key.day <= high
                ]
                with ctx.cursor.copy(
                    f"COPY {table} (day, region, mpp, agency, service, metric, value) FROM STDIN"
                ) as copy:
                    for row in rows:
                        copy.write_row(row)
                written += len(rows)
            done += 1
            ctx.progress.update(task, completed=done)
        if counted:
            facts.rebuild_months(start, end, counted)
            facts.rebuild_mpp_days(start, end, counted)
        snapshots = source.snapshot_metrics()
        for offset in range(snapshot_days):
            if snapshots:
                day = end - datetime.timedelta(days=offset)
                facts.put(day, day, snapshots, source.snapshot(day, now=ctx.anchor))
            done += 1
            ctx.progress.update(task, completed=done)
    ctx.counts[table] = DailyFact.objects.count()
