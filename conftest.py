"""Shared test fixtures: factories live in each app's tests; browser fixtures live here.

Browser tests (marked ``e2e``) drive the system Chromium through Playwright against Django's live
server. axe-core must be run on every page a test visits: each main-frame navigation is recorded, and
a test that visited a page without calling ``audit(page)`` on it fails at teardown.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

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
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def pytest_configure(config):
    """Install the workflow engine's test-only app (a concrete model), never present in production.

    pytest-django has already set Django up by now, and re-populating the registry would run every
    app's ``ready()`` twice, so the one app config is added to the registry as populate() would.
    """
    from django.apps import AppConfig, apps
    from django.conf import settings

    _one_cache_per_xdist_worker(settings)

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


def pytest_collection_modifyitems(config, items):
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(
        reason=f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium)"
    )
    for item in items:
        if "e2e" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Argon2 is the production hasher; tests use a fast one so the suite stays quick.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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

    def __call__(self, page) -> None:
        page.wait_for_load_state("load")
        if not page.evaluate("() => typeof window.axe !== 'undefined'"):
            page.evaluate(self.source)
        result = page.evaluate(
            "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
            AXE_TAGS,
        )
        violations = result["violations"]
        self.audited.add(page.url.split("#")[0])
        assert not violations, (
            f"axe found {len(violations)} violation(s) on {page.url}:\n"
            + "\n".join(
                f"- {v['id']} ({v['impact']}): {v['help']} — "
                + "; ".join(node["target"][0] if node["target"] else "?" for node in v["nodes"][:5])
                for v in violations
            )
        )


@pytest.fixture
def audit(axe_source):
    return AxeAudit(axe_source)


@contextmanager
def _browser_page(browser, live_server, audit, settings, viewport):
    settings.AXES_ENABLED = False
    context = browser.new_context(base_url=live_server.url, viewport=viewport, locale="id-ID")
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
