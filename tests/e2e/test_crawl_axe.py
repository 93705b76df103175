"""The crawl in a browser (issue 23): one page of each kind every demo role reaches, opened in
Chromium in Indonesian and in English and checked with axe's default rules.

The links are found by the server-side crawl's discovery (``mpp.web.tests.crawling``); a page of a
kind already audited is not opened again. A kind is the view the URL resolves to and who it is drawn
for (nobody, a citizen, staff), so ``/layanan/12/`` and ``/layanan/40/`` are audited once while the
workspace is audited for staff and the home page both signed out and as a citizen.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.urls import Resolver404, resolve

from mpp.web.tests.crawling import ROLES, client_for, crawl, role_kind, start_pages

# long: some 10 minutes of Chromium on the 2-core machine, started first (root conftest.py).
pytestmark = [pytest.mark.e2e, pytest.mark.long, pytest.mark.django_db(transaction=True)]


def kind_of(url: str, role: str) -> tuple[str, str]:
    path = urlsplit(url).path
    try:
        view = resolve(path).view_name
    except Resolver404:
        view = path  # a link to nothing is its own kind: fetched, a 404, never audited
    return view, role_kind(role)


def one_page_of_each_kind() -> dict[str, list[str]]:
    """For each role, the pages it is the first to reach of their kind (view, role kind). Only the
    first page of a kind is fetched and its links followed: ``/layanan/40/`` links to what
    ``/layanan/12/`` links to, and the run stays short."""
    kinds: set[tuple[str, str]] = set()
    pages: dict[str, list[str]] = {}
    for role in ROLES:
        client = client_for(role)
        pages[role] = []

        def new_kind(url: str, role: str = role) -> bool:
            return kind_of(url, role) not in kinds

        for url, response in crawl(client, start_pages(role), "id", wanted=new_kind):
            if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
                continue
            if new_kind(url):
                kinds.add(kind_of(url, role))
                pages[role].append(url)
    return pages


def test_every_kind_of_page_passes_axe_for_each_role_in_both_languages(
    browser_page, live_server, audit, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("load_demo", verbosity=0)
    pages = one_page_of_each_kind()
    assert sum(map(len, pages.values())) >= 100, pages  # 113 kinds on the demo of December 2026

    problems: list[str] = []
    for role, urls in pages.items():
        for language in ("id", "en"):
            page = browser_page(language=language, wide=role_kind(role) == "staff")
            session = client_for(role).cookies.get("sessionid")
            if session is not None:
                page.context.add_cookies(
                    [{"name": "sessionid", "value": session.value, "url": live_server.url}]
                )
            for url in urls:
                response = page.goto(url)
                if response.status >= 400:
                    problems.append(f"{url} as {role} ({language}): {response.status}")
                if page.locator("html").get_attribute("lang") != language:
                    problems.append(f"{url} as {role} ({language}): not in that language")
                found = audit.violations(page)
                if found:
                    problems.append(f"{url} as {role} ({language}):\n" + "\n".join(found))
            page.context.close()
    assert not problems, "\n".join(problems)
