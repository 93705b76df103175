"""Where the web workers' time went in the mixed load, by view and by kind of work.

    .venv/bin/python bench/mixed_load.py --profile var/bench/mix.txt …   # py-spy's raw stacks
    .venv/bin/python bench/mix_profile.py var/bench/mix.txt

Reads the collapsed stacks ``py-spy record --format raw`` writes (one line per stack and its
number of samples, outermost frame first; ``mixed_load.py`` joins every worker's). A sample
whose innermost frames wait on a socket — PostgreSQL's answer (psycopg's ``wait``), Redis's
(redis-py's socket reads and writes) — is counted apart as *waiting*: under load that is mostly
a thread ready to run and waiting for a core, not work of its own. The rest is the workers' own work, shared out by the view that did it
(the innermost function of ``mpp`` in a ``views.py`` or an API router; "before and after the
view" for middleware, granian and the public-page cache's hits) and by kind (templates, the ORM,
the driver, the rest).
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path

FRAME = re.compile(r"^(?P<function>.*) \((?P<path>[^():]+):\d+\)$")
WAITING = ("psycopg/connection.py", "psycopg/waiting.py", "redis/_parsers/", "redis/connection.py")
KINDS = (
    ("templates", ("django/template/", "/templatetags/")),
    ("ORM", ("django/db/models/",)),
    ("driver (psycopg)", ("psycopg/", "django/db/backends/")),
    ("cache client (redis)", ("redis/", "django/core/cache/")),
)


def frames(stack: str) -> list[tuple[str, str]]:
    found = []
    for frame in stack.split(";"):
        match = FRAME.match(frame)
        if match:
            found.append((match["function"], match["path"]))
    return found


def view_of(stack: list[tuple[str, str]]) -> str:
    for function, path in reversed(stack):
        if path.startswith("mpp/") and (
            path.endswith("views.py") or path.startswith("mpp/api/routers/")
        ):
            return f"{path.removeprefix('mpp/')}: {function}"
    return "before and after the view"


def kind_of(stack: list[tuple[str, str]]) -> str:
    for name, markers in KINDS:
        if any(marker in path for _function, path in stack for marker in markers):
            return name
    return "the rest"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("stacks", type=Path, help="py-spy --format raw output")
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args()
    views: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    by_view_kind: Counter[tuple[str, str]] = Counter()
    total = waiting = 0
    for line in args.stacks.read_text().splitlines():
        stack_text, _, count_text = line.rpartition(" ")
        if not count_text.isdigit():
            continue
        count = int(count_text)
        stack = frames(stack_text)
        total += count
        if stack and any(marker in stack[-1][1] for marker in WAITING):
            waiting += count
            continue
        view, kind = view_of(stack), kind_of(stack)
        views[view] += count
        kinds[kind] += count
        by_view_kind[view, kind] += count
    own = total - waiting
    print(f"{total:,} samples; waiting on a socket {waiting / total:.0%}; own work {own:,}\n")
    print("| view | share of the worker's own work | of it: templates / ORM / driver / rest |")
    print("| --- | --- | --- |")
    for view, count in views.most_common(args.top):
        parts = [
            by_view_kind[view, "templates"],
            by_view_kind[view, "ORM"],
            by_view_kind[view, "driver (psycopg)"],
            count
            - by_view_kind[view, "templates"]
            - by_view_kind[view, "ORM"]
            - by_view_kind[view, "driver (psycopg)"],
        ]
        split = " / ".join(f"{part / count:.0%}" for part in parts)
        print(f"| {view} | {count / own:.1%} | {split} |")
    print("\n| kind of work | share of the worker's own work |\n| --- | --- |")
    for kind, count in kinds.most_common():
        print(f"| {kind} | {count / own:.1%} |")


if __name__ == "__main__":
    main()
