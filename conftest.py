"""Shared test fixtures: factories live in each app's tests; browser fixtures live here.

Browser tests (marked ``e2e``) drive the system Chromium through Playwright against Django's live
server. axe-core must be run on every page a test visits: each main-frame navigation is recorded, and
a test that visited a page without calling ``audit(page)`` on it fails at teardown.
"""

from __future__ import annotations

import copy
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import pytest


def _hypothesis_profiles() -> None:
    """Property tests (hypothesis) run the same examples on every run in CI (derandomised, no
    example database), so a red CI is reproducible; locally they explore and remember failures."""
    from hypothesis import settings

    settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
    if os.environ.get("CI"):
        settings.load_profile("ci")


_hypothesis_profiles()

CHROMIUM = Path(os.environ.get("MPP_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# axe runs its default rule set (every rule it ships but the experimental and deprecated ones and
# the WCAG AAA rules it leaves off) plus target-size, a WCAG 2.2 AA rule axe leaves off by default;
# see docs/testing.md.
AXE_OPTIONS = {"resultTypes": ["violations"], "rules": {"target-size": {"enabled": True}}}


def pytest_configure(config):
    """Install the workflow engine's test-only app (a concrete model), never present in production.

    pytest-django has already set Django up by now, and re-populating the registry would run every
    app's ``ready()`` twice, so the one app config is added to the registry as populate() would.
    """
    from django.apps import AppConfig, apps
    from django.conf import settings

    _one_cache_per_xdist_worker(settings)
    # Argon2 is the production hasher; tests use a fast one so the suite stays quick. Set for the
    # whole session (not per test) so that data loaded once per module (``loaded_once``) is fast too.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        from tests import snapshots

        snapshots.install()  # demo loaders of transactional tests copied back, not re-run

    test_app = "mpp.workflows.tests.testapp"
    if test_app in settings.INSTALLED_APPS:
        return
    settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, test_app]
    if apps.ready:
        app_config = AppConfig.create(test_app)
        app_config.apps = apps
        apps.app_configs[app_config.label] = app_config
        app_config.import_models()
        apps.clear_cache()


def _one_cache_per_xdist_worker(settings) -> None:
    """Under pytest-xdist each worker uses its own Redis database: every test clears the cache (a
    FLUSHDB), which must not empty the cache another worker's test is reading."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    cache = settings.CACHES["default"]
    if not worker or not cache["BACKEND"].endswith("RedisCache"):
        return
    number = int(worker.removeprefix("gw")) + 1
    base, _, database = cache["LOCATION"].rpartition("/")
    if not database.isdigit():
        base = cache["LOCATION"].rstrip("/")
    settings.CACHES = {**settings.CACHES, "default": {**cache, "LOCATION": f"{base}/{number}"}}


def pytest_addoption(parser):
    parser.addoption(
        "--database-tests-only",
        action="store_true",
        help="run only the tests that may use the database (CI's second database run): the others "
        "cannot reach it (pytest-django refuses them), so they pass or fail alike on any database",
    )


def _uses_database(item: pytest.Item) -> bool:
    names = set(getattr(item, "fixturenames", ()))
    return (
        item.get_closest_marker("django_db") is not None
        or "_django_db_helper" in names
        or any(name.endswith("_once") for name in names)
    )


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    if config.getoption("--database-tests-only"):
        config.hook.pytest_deselected(items=[i for i in items if not _uses_database(i)])
        items[:] = [item for item in items if _uses_database(item)]
    _once_users_last(items)
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(
        reason=f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium)"
    )
    for item in items:
        if "e2e" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Each test starts with empty rate-limit counters (they live in Django's cache)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in Bahasa Indonesia: a request in English leaves English active in the thread."""
    from django.utils import translation

    translation.activate("id")
    yield
    translation.activate("id")


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: a page cached by one test is not served to the next."""
    from django.core.cache import cache

    cache.clear()


def _transactional(request: pytest.FixtureRequest) -> bool:
    marker = request.node.get_closest_marker("django_db")
    return (marker is not None and bool(marker.kwargs.get("transaction"))) or bool(
        {"transactional_db", "live_server"} & set(request.fixturenames)
    )


@pytest.fixture(autouse=True)
def _recorded_loaders(request):
    """On PostgreSQL, the demo loaders a transactional test calls are copied back from the first
    test that ran them (``tests/snapshots.py``)."""
    from django.conf import settings

    if not (
        _transactional(request) and settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    ):
        yield
        return
    from tests.snapshots import RECORDER

    request.getfixturevalue("transactional_db")
    with RECORDER.test():
        yield


@pytest.fixture(autouse=True)
def _walked_actions(request):
    """A browser test marked ``@pytest.mark.walks("complaint.verify", ...)`` must really take those
    workflow actions through the pages: after the test, each named (workflow, action) has a
    transition record taken by a signed-in person, in the live server's database.
    ``tests/test_action_coverage.py`` checks that every action a person takes is walked by some test.
    """
    marker = request.node.get_closest_marker("walks")
    if marker is None:
        yield
        return
    from mpp.workflows.listing import person_actions

    declared = [str(name) for name in marker.args]
    known = {f"{workflow}.{action}" for workflow, action in person_actions()}
    unknown = sorted(set(declared) - known)
    assert not unknown, f"walks names actions no workflow has (a person may take): {unknown}"
    # Set up the database before this fixture so that its flush runs after this check.
    request.getfixturevalue("transactional_db")
    yield
    from mpp.workflows.models import TransitionRecord

    missing = [
        name
        for name in declared
        if not TransitionRecord.objects.filter(
            workflow=name.split(".")[0], action=name.split(".")[1], actor__isnull=False
        ).exists()
    ]
    assert not missing, f"the test declares it walks {missing} but no person took them"


@pytest.fixture(autouse=True)
def _region_data(request):
    """Transactional tests flush every table, including the regions the data migration loaded."""
    marker = request.node.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("transaction"):
        request.getfixturevalue("transactional_db")
        from mpp.regions.data import load_regions
        from mpp.regions.models import Province, Region

        if not Region.objects.exists():
            load_regions(Province, Region)


# --- Demo data loaded once per module ---------------------------------------------------------
# Loading the demo costs about a second of CPU, and some 450 tests start from it: loaded for each
# test, it was the largest single cost of the suite (run twice in CI, on PostgreSQL and SQLite).
# A ``*_once`` fixture loads it once per module (per xdist worker) inside a transaction that is
# rolled back after the module; each test that asks for it runs in its own savepoint inside that
# transaction (pytest-django's ``db``), so every test starts from the same freshly loaded rows and
# its writes are undone, as before. Its files are copied into the test's own MEDIA_ROOT and what the
# loader returned is deep-copied, so a test never sees another test's changes.


class LoadedOnce:
    """What a ``*_once`` fixture loaded: ``for_test`` gives a test its own copy."""

    def __init__(self, data: Any, media: Path):
        self.data = data
        self.media = media

    def for_test(self, request: pytest.FixtureRequest, settings: Any, tmp_path: Path) -> Any:
        assert not _transactional(request), (
            "data loaded once lives in a transaction that is never committed: a transactional "
            "test (or one with a live server) loads its own"
        )
        settings.MEDIA_ROOT = tmp_path / "media"
        shutil.copytree(self.media, settings.MEDIA_ROOT, dirs_exist_ok=True)
        return copy.deepcopy(self.data)


@contextmanager
def _loaded_once(django_db_blocker: Any, tmp_path_factory: Any, load: Callable[[], Any]):
    from django.db import transaction
    from django.test import override_settings
    from django.utils import translation

    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            with override_settings(MEDIA_ROOT=media), translation.override("id"):
                data = load()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    try:
        yield LoadedOnce(data, media)
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def _once(name: str, load: Callable[[], Any], doc: str) -> Any:
    """A module-scoped fixture ``name`` that loads with ``load`` once per module."""

    def fixture(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[LoadedOnce]:
        with _loaded_once(django_db_blocker, tmp_path_factory, load) as loaded:
            yield loaded

    fixture.__doc__ = doc
    return pytest.fixture(scope="module", name=name)(fixture)


def _demo_and(*apps: str) -> Callable[[], Any]:
    """``factories.load_demo`` (the tenancy and accounts), then the named apps' ``demo.load()``."""

    def load() -> Any:
        from importlib import import_module

        from mpp.accounts.tests.factories import load_demo

        loaded = load_demo()
        for app in apps:
            import_module(f"mpp.{app}.demo").load()
        return loaded

    return load


def _full_demo() -> None:
    import io

    from django.core.management import call_command

    call_command("load_demo", stdout=io.StringIO())


demo_tenancy_once = _once("demo_tenancy_once", _demo_and(), "The demo tenancy and accounts.")
demo_complaints_once = _once(
    "demo_complaints_once", _demo_and("complaints"), "The demo tenancy, accounts and complaints."
)
demo_onboarding_once = _once(
    "demo_onboarding_once",
    _demo_and("onboarding"),
    "The demo tenancy and accounts and the onboarding demo (pilot loci, Batam's SK Pengelola).",
)
full_demo_once = _once("full_demo_once", _full_demo, "The whole demo (manage.py load_demo).")


def _django_group(item: pytest.Item) -> int:
    """pytest-django's order (Django's): database tests in a transaction first (0), then the
    transactional ones (1), whose flush empties what the migrations loaded (the regions), then
    the rest (2)."""
    marker = item.get_closest_marker("django_db")
    names = set(getattr(item, "fixturenames", ()))
    if (
        marker is not None
        and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences"))
    ) or {
        "transactional_db",
        "live_server",
    } & names:
        return 1
    return 0 if marker is not None or "db" in names else 2


def _once_users_last(items: list[pytest.Item]) -> None:
    """Keeps pytest-django's order of the groups (``_django_group``) and, within a group, hands
    out the tests marked ``long`` first (xdist hands out tests in this order, so a test of minutes
    does not start last and keep one worker busy while the others wait); within each run of one
    module's tests, those that use a ``*_once`` fixture come after the others (grouped by that
    fixture), so that no other test runs while its transaction is open."""
    runs: list[Any] = []

    def key(indexed: tuple[int, Any]) -> tuple[int, bool, int, str, int]:
        index, item = indexed
        once = sorted(n for n in getattr(item, "fixturenames", ()) if n.endswith("_once"))
        module = getattr(item, "module", None)
        if not runs or runs[-1] is not module:
            runs.append(module)
        long = item.get_closest_marker("long") is not None
        return (_django_group(item), not long, len(runs), ",".join(once), index)

    items[:] = [item for _index, item in sorted(enumerate(items), key=key)]


@pytest.fixture(scope="session")
def _playwright():
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(_playwright):
    browser = _playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    import axe_playwright_python

    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")


class AxeAudit:
    """Runs axe-core in the page (injected with evaluate, so a strict CSP does not block it)."""

    def __init__(self, source: str):
        self.source = source
        self.visited: list[str] = []
        self.audited: set[str] = set()

    def violations(self, page) -> list[str]:
        """axe's violations on the page as it is now, one line each (rule, impact, first nodes)."""
        page.wait_for_load_state("load")
        if not page.evaluate("() => typeof window.axe !== 'undefined'"):
            page.evaluate(self.source)
        result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        self.audited.add(page.url.split("#")[0])
        return [
            f"- {v['id']} ({v['impact']}): {v['help']} — "
            + "; ".join(
                str(node["target"][0]) if node["target"] else "?" for node in v["nodes"][:5]
            )
            for v in result["violations"]
        ]

    def __call__(self, page) -> None:
        violations = self.violations(page)
        assert not violations, (
            f"axe found {len(violations)} violation(s) on {page.url}:\n" + "\n".join(violations)
        )


@pytest.fixture
def audit(axe_source):
    return AxeAudit(axe_source)


@contextmanager
def _browser_page(browser, live_server, audit, settings, viewport, language="id"):
    settings.AXES_ENABLED = False
    context = browser.new_context(
        base_url=live_server.url,
        viewport=viewport,
        locale={"id": "id-ID", "en": "en-GB"}[language],
        extra_http_headers={"Accept-Language": language},
    )
    context.set_default_timeout(10_000)
    page = context.new_page()

    def remember(frame):
        if frame == page.main_frame:
            audit.visited.append(frame.url.split("#")[0])

    page.on("framenavigated", remember)
    yield page
    context.close()
    unaudited = sorted(
        {url for url in audit.visited if url not in audit.audited and url != "about:blank"}
    )
    assert not unaudited, f"pages visited without an axe audit: {unaudited}"


@pytest.fixture
def page(browser, live_server, audit, settings):
    """A fresh narrow-screen (360 px) browser page in Bahasa Indonesia against the live server."""
    with _browser_page(
        browser, live_server, audit, settings, {"width": 360, "height": 780}
    ) as page:
        yield page


@pytest.fixture
def wide_page(browser, live_server, audit, settings):
    """A desktop-width page, for back-office journeys at an officer's desk."""
    with _browser_page(
        browser, live_server, audit, settings, {"width": 1280, "height": 900}
    ) as page:
        yield page


@pytest.fixture
def browser_page(browser, live_server, audit, settings):
    """Opens pages on demand: ``browser_page(language="en", wide=True)`` gives a fresh page (its
    own cookies) in that language at 1280 px, or at 360 px when not wide."""
    with ExitStack() as stack:

        def open_page(language: str = "id", wide: bool = False):
            viewport = {"width": 1280, "height": 900} if wide else {"width": 360, "height": 780}
            return stack.enter_context(
                _browser_page(browser, live_server, audit, settings, viewport, language)
            )

        yield open_page
