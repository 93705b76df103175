"""Discovery shared by the crawls: the demo roles, their start pages and a breadth-first walk over
the links each role can follow. ``web/tests/test_crawl.py`` checks every page it reaches on the
server; ``tests/e2e/test_crawl_axe.py`` opens one page of each kind in a browser and runs axe."""

from __future__ import annotations

import html
import re
from collections import deque
from collections.abc import Callable, Iterator
from urllib.parse import urljoin, urlsplit

from django.http import HttpResponseBase
from django.test import Client

from mpp.accounts.models import User
from mpp.accounts.tests.helpers import login_staff

MAX_PAGES = 45  # per role and language: the start pages and what they link to, breadth first
ROLES = {
    "anonymous": None,
    "citizen": "2171011508900003",
    "officer": "petugas.dukcapil",
    "desk": "pengaduan.batam",
    "agency_admin": "admin.dukcapil",
    "manager": "pengelola.batam",
    "regional_admin": "admin.batam",
    "ministry_admin": "admin.kemenpanrb",
    "analyst": "analis.kemenpanrb",
    "region_contact": "narahubung.denpasar",
}
START = {
    "anonymous": ["/", "/layanan/", "/mpp/", "/pengaduan/", "/lokus/", "/data-terbuka/"],
    "citizen": ["/", "/permohonan/", "/antrean/saya/", "/akun/profil/", "/akun/pesan/", "/skm/"],
}
STAFF_START = ["/akun/kerja/"]
# Links not followed: leaving the session, switching language, files that only a browser renders.
SKIP = re.compile(
    r"^/(static|media|i18n|akun/keluar)|\.(pdf|xlsx|png|jpg|ics)$|/unduh/|/berkas|/dokumen"
)


def start_pages(role: str) -> list[str]:
    return START.get(role, [*STAFF_START, "/"])


def role_kind(role: str) -> str:
    """Who a page is drawn for: nobody signed in, a citizen, or a member of staff."""
    return role if role in START else "staff"


def client_for(role: str) -> Client:
    """A test client signed in as the demo person of ``role`` (staff with two-factor passed)."""
    client = Client()
    username = ROLES[role]
    if username is None:
        return client
    user = (
        User.objects.get(nik=username)
        if username.isdigit()
        else User.objects.get(username=username)
    )
    if user.is_staff_member:
        login_staff(client, user)
    else:
        client.force_login(user, backend="mpp.accounts.backends.NikOrUsernameBackend")
    return client


def links(base: str, body: str) -> list[str]:
    found = []
    for href in re.findall(r'href="([^"]+)"', body):
        href = html.unescape(href)
        if href.startswith(("#", "mailto:", "tel:", "http:", "https:", "//", "javascript:")):
            continue
        url = urljoin(base, href).split("#", 1)[0]
        if not SKIP.search(urlsplit(url).path):
            found.append(url)
    return found


def crawl(
    client: Client,
    start: list[str],
    language: str,
    wanted: Callable[[str], bool] = lambda url: True,
) -> Iterator[tuple[str, HttpResponseBase]]:
    """Every URL fetched from ``start`` by following links, breadth first (at most two query
    variants of one path, ``MAX_PAGES`` in all), with its response; a redirect is yielded and
    its target fetched next. A linked URL that is not ``wanted`` is neither fetched nor followed."""
    seen: set[str] = set()
    queue = deque(start)
    while queue and len(seen) < MAX_PAGES:
        url = queue.popleft()
        path = urlsplit(url).path
        if url in seen or sum(1 for u in seen if urlsplit(u).path == path) >= 2:
            continue
        if url not in start and not wanted(url):
            continue
        seen.add(url)
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        yield url, response
        if response.status_code in (301, 302):
            queue.appendleft(response["Location"])
            continue
        if response.status_code < 500 and "text/html" in response.get("Content-Type", ""):
            queue.extend(links(url, response.content.decode("utf-8", "replace")))
