"""The crawl (issue 23): every page a role reaches by following links from its start pages, in
Indonesian and in English, on the full demo. A page never answers with a server error; a number in
an SVG attribute, a meter or a CSV cell is never written the Indonesian way (``294,6`` drew no dot
on the loci map); a person never reads a stored key (``revision_requested``) where a label belongs.

The browser journeys run axe on the pages they visit; this crawl reaches the pages nobody thought of,
without a browser, so it stays fast enough for every run. Its discovery (``crawling.py``) is shared
with the browser crawl, ``tests/e2e/test_crawl_axe.py``, which runs axe on one page of each kind.
"""

from __future__ import annotations

import csv
import html
import io
import re

import pytest
from django.apps import apps
from django.db import models

from mpp.web.tests.crawling import MAX_PAGES, ROLES, client_for, crawl, start_pages

pytestmark = pytest.mark.django_db

SVG_NUMBER_ATTRS = re.compile(
    r'\s(cx|cy|x|y|x1|x2|y1|y2|r|rx|ry|width|height|stroke-width|font-size)="([^"]*)"'
)
NUMBER = re.compile(r"^-?\d+(\.\d+)?(%|px)?$")
METER = re.compile(r"<(?:meter|progress)\b[^>]*>")
METER_ATTRS = re.compile(r'\s(value|min|max|low|high|optimum)="([^"]*)"')
LOCALISED = re.compile(r"^-?\d{1,3}(\.\d{3})+(,\d+)?$|^-?\d+,\d+$")
TAGS = re.compile(r"<(script|style)\b.*?</\1>|<[^>]+>", re.S)
CODE = re.compile(r"<code>.*?</code>", re.S)


def enum_keys() -> set[str]:
    """Stored keys of every model choice that differ from their label and contain an underscore
    (a person cannot mistake them for words): e.g. ``revision_requested``, ``no_show``."""
    keys = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            choices = getattr(field, "choices", None)
            if not isinstance(field, models.Field) or not choices:
                continue
            for value, _label in field.flatchoices:
                if isinstance(value, str) and "_" in value and value.islower():
                    keys.add(value)
    return keys


def _problems(url: str, response, keys: set[str], language: str) -> list[str]:
    problems = []
    kind = response.get("Content-Type", "")
    body = response.content.decode("utf-8", "replace")
    if "text/csv" in kind:
        for row in csv.reader(io.StringIO(body.lstrip("\ufeff"))):
            problems += [
                f"{url}: CSV cell {cell!r} is localised" for cell in row if LOCALISED.match(cell)
            ]
        return problems
    if "text/html" not in kind:
        return problems
    for svg in re.findall(r"<svg\b.*?</svg>", body, re.S):
        for name, value in SVG_NUMBER_ATTRS.findall(svg):
            if value and not NUMBER.match(value):
                problems.append(f"{url}: SVG {name}={value!r}")
        for box in re.findall(r'viewBox="([^"]*)"', svg):
            if "," in box:
                problems.append(f"{url}: SVG viewBox={box!r}")
    for tag in METER.findall(body):
        for name, value in METER_ATTRS.findall(tag):
            if not NUMBER.match(value):
                problems.append(f"{url}: {tag[:20]} {name}={value!r}")
    for name, value in re.findall(r'\s(data-[a-z-]+)="(-?\d[\d.,]*)"', body):
        if LOCALISED.match(value):
            problems.append(f"{url}: {name}={value!r}")
    main = body[body.find("<main") :] if "<main" in body else body
    level = 0
    for found in re.findall(r"<h([1-6])\b", main):  # axe's heading-order: never skip a level
        if level and int(found) > level + 1:
            problems.append(f"{url}: heading h{found} after h{level}")
            break
        level = int(found)
    # A key set as code is a value to type (the API reference's enums, parameters), not a label.
    text = html.unescape(TAGS.sub(" ", CODE.sub(" ", main)))
    words = set(re.findall(r"[a-z][a-z0-9_]+", text))
    problems += [f"{url} ({language}): shows the key {key!r}" for key in sorted(words & keys)]
    return problems


@pytest.fixture
def full_demo(request, full_demo_once, settings, tmp_path):
    full_demo_once.for_test(request, settings, tmp_path)


@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_a_role_reaches_renders_in_both_languages(full_demo, role):
    keys = enum_keys()
    client = client_for(role)
    start = start_pages(role)
    problems: list[str] = []
    for language in ("id", "en"):
        fetched = 0
        for url, response in crawl(client, start, language):
            fetched += 1
            if response.status_code >= 500:
                problems.append(f"{url} ({language}): {response.status_code}")
            elif response.status_code not in (301, 302):
                problems += _problems(url, response, keys, language)
        assert fetched >= min(len(start) + 10, MAX_PAGES), language
    assert problems == []


def test_the_checks_catch_what_they_look_for():
    """The crawl's own checks: a localised SVG coordinate, meter value and CSV cell, and a key."""

    class Page(dict):
        def __init__(self, kind: str, body: str):
            super().__init__({"Content-Type": kind})
            self.content = body.encode()

    page = Page(
        "text/html; charset=utf-8",
        '<main><svg viewBox="0 0 10 10"><circle cx="294,6" cy="3"/></svg>'
        '<meter value="0,5" max="1"></meter><p>revision_requested</p>'
        "<p>Nilai: <code>draft</code></p></main>",
    )
    found = _problems("/x/", page, {"revision_requested", "draft"}, "id")
    assert len(found) == 3, found
    assert len(_problems("/x.csv", Page("text/csv", 'a,b\r\n"82,36",1\r\n'), set(), "id")) == 1
