"""Generated fuzz test: every route, form and API operation, hostile values, never a 5xx.

Nothing here names a page. The routes come from the URL resolver, the API operations from the
OpenAPI document, the forms from the pages themselves, and real ids from the links on the pages a
role can open (one page per route and role is crawled), so a new route, form or operation is fuzzed
without editing this file. The world is the demo (``manage.py load_demo``); each role that can
reach a page sends, for each parameter, field and path converter, values from ``HOSTILE``:
non-numeric ids, negative and overflowing integers, impossible and out-of-range dates, NaN and
infinity, half pairs (a latitude without its longitude, a start date without its end), empty,
very long and unicode text. Values are sampled per field deterministically (a rotation offset by
field and role), so together the roles send every value to every field.

The assertion: no answer is a server error, no request raised, and nothing was logged at ERROR
(an exception swallowed and logged is a bug too).
"""

from __future__ import annotations

import io
import json
import logging
import re
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404

from mpp.accounts import services as account_services
from mpp.accounts.models import User
from mpp.accounts.tests.helpers import login_staff

pytestmark = pytest.mark.django_db

SKIPPED_PREFIXES = ("/admin-django/", "/static/", "/media/")
# Routes whose GET or POST ends the session: fuzzing them would sign the role out.
SESSION_ENDING = ("accounts:logout",)
LONG = "x" * 5000 + "\u202e\ufeff\U0001f600\u0301\ufdfa"
HOSTILE = [
    "abc",
    "\u00b2",  # superscript two: "²".isdigit() is true, int("²") raises
    "-1",
    "0",
    str(2**31),
    str(2**63),
    str(10**30),
    "9999-12-31",
    "0001-01-01",
    "2026-02-30",
    "NaN",
    "inf",
    "-inf",
    "1e999",
    "",
    LONG,
    "' OR 1=1 --<script>../../etc/passwd \u0661\u0662",
    "2026-12-01T00:00:00+25:00",
]
# Query names every page is sent besides its own GET form fields.
COMMON_QUERY = ["page", "q", "cursor", "tanggal", "dari", "sampai", "periode", "layanan", "mpp"]
# Names that come in pairs: one sent without the other.
PAIRS = [("latitude", "longitude"), ("lat", "long"), ("dari", "sampai"), ("start", "end")]
PAIRS += [("start_date", "end_date"), ("starts_on", "ends_on")]
# Hostile values of a path converter (an ``id`` accepts digits only: others are the resolver's 404).
PATH_HOSTILE = {
    "id": ["0", "9" * 18, "abc", "-1"],
    "int": ["0", "9" * 30, "abc"],
    "default": ["%00%1B", "x" * 300 + "%E2%80%AE%F0%9F%98%80", "9999-12-31", "NaN"],
}
# Open311 (GeoReport v2) reads parameters no page or schema lists: the specification's names.
OPEN311_NAMES = {
    "api_key": None,
    "jurisdiction_id": "2171",
    "service_code": "layanan-lambat",
    "description": "Lampu mati di ruang tunggu.",
    "lat": "1.1",
    "long": "104.0",
    "address_string": "Jl. Engku Putri",
    "start_date": "2026-11-01T00:00:00Z",
    "end_date": "2026-11-02T00:00:00Z",
    "status": "open",
    "service_request_id": "1",
    "email": "warga@contoh.id",
    "first_name": "Budi",
}
PER_FIELD = 2  # values each role sends to each field (rotated, so the roles share the list)
IDENTITIES = [
    # (label, username or NIK, kind): kind is "staff", "citizen", "queue kiosk", "survey kiosk".
    ("queue kiosk", None, "queue kiosk"),
    ("survey kiosk", None, "survey kiosk"),
    ("anonymous", None, "anonymous"),
    ("citizen", "2171011508900003", "citizen"),
    ("officer", "petugas.dukcapil", "staff"),
    ("desk", "pengaduan.batam", "staff"),
    ("manager", "pengelola.batam", "staff"),
    ("regional admin", "admin.batam", "staff"),
    ("ministry admin", "admin.kemenpanrb", "staff"),
]


def _rotation(offset: int, count: int = PER_FIELD) -> list[str]:
    return [HOSTILE[(offset + step) % len(HOSTILE)] for step in range(count)]


# --- Routes ---------------------------------------------------------------------------------


def _patterns(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


PARAMETER = re.compile(r"<(?:(\w+):)?(\w+)>")


def _fill(route: str, values: dict[str, str]) -> str:
    return "/" + PARAMETER.sub(lambda m: values.get(m.group(2), "1"), route)


def _routes() -> list[str]:
    """Every web route (the API is fuzzed from its schema), regex routes left out."""
    return [
        route
        for route in _patterns(get_resolver().url_patterns)
        if not route.startswith(("api/", "^")) and not ("/" + route).startswith(SKIPPED_PREFIXES)
    ]


def _route_of(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.route


# --- Pages and forms ------------------------------------------------------------------------


class _Page(HTMLParser):
    """Links and forms of a page: each form's action, method and fields with their values."""

    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.forms: list[dict] = []
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])
        elif tag == "form":
            self.forms.append(
                {
                    "action": attributes.get("action") or "",
                    "method": (attributes.get("method") or "get").lower(),
                    "fields": {},
                }
            )
        elif self.forms and tag in {"input", "textarea", "select", "button"}:
            name = attributes.get("name")
            fields = self.forms[-1]["fields"]
            if not name:
                return
            kind = attributes.get("type", "")
            if tag == "select":
                self._select = name
                fields.setdefault(name, "")
            elif kind in {"checkbox", "radio"}:
                if name not in fields or "checked" in attributes:
                    fields[name] = attributes.get("value", "on")
            elif tag != "button" or name not in fields:
                fields.setdefault(name, attributes.get("value") or "")
        elif tag == "option" and self._select and self.forms:
            fields = self.forms[-1]["fields"]
            value = attributes.get("value", "")
            if value and (not fields.get(self._select) or "selected" in attributes):
                fields[self._select] = value

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


class Fuzzer:
    def __init__(self, label: str, client: Client, log_in, index: int):
        self.label = label
        self.client = client
        self.log_in = log_in
        self.index = index
        self.failures: list[str] = []
        self.requests = 0

    def send(self, method: str, url: str, form=None, **extra):
        self.requests += 1
        if self.requests % 40 == 0:
            cache.clear()  # the anonymous limits would answer 429 and hide the views
        try:
            if method == "get":
                response = self.client.get(url, **extra)
            else:
                response = (
                    self.client.generic(method.upper(), url, **extra)
                    if form is None
                    else self.client.post(url, form, **extra)
                )
        except Exception as error:
            self.failures.append(
                f"{self.label} {method.upper()} {url[:150]!r}: {type(error).__name__}: {error}"
            )
            return None
        if response.status_code >= 500:
            self.failures.append(
                f"{self.label} {method.upper()} {url[:150]!r}: HTTP {response.status_code}"
            )
        return response

    # A form: every value in all its fields, then each field alone (the others as the page
    # filled them), then each half pair.
    def fuzz_form(self, url: str, form: dict, full_sweep: bool) -> None:
        action = urlsplit(form["action"]).path or urlsplit(url).path
        if action.startswith(SKIPPED_PREFIXES) or _route_name(action) in SESSION_ENDING:
            return
        base = dict(form["fields"])
        names = [name for name in base if name != "csrfmiddlewaretoken"]
        variants: list[dict] = []
        for value in HOSTILE if full_sweep else _rotation(self.index * 5, 6):
            variants.append(base | dict.fromkeys(names, value))
        for position, name in enumerate(names):
            for value in _rotation(position * PER_FIELD + self.index * 2):
                variants.append(base | {name: value})
        for first, second in PAIRS:
            if first in base and second in base:
                variants.append({k: v for k, v in base.items() if k != second} | {first: "1"})
                variants.append({k: v for k, v in base.items() if k != first} | {second: "1"})
        for data in variants:
            if form["method"] == "post":
                self.send("post", action, data)
            else:
                self.send("get", f"{action}?{urlencode(data)}")
        self.log_in()

    def fuzz_query(self, url: str, names: set[str], position: int) -> None:
        path = urlsplit(url).path
        for value in _rotation(position + self.index * 3):
            self.send("get", f"{path}?{urlencode(dict.fromkeys(sorted(names), value))}")
        for first, second in PAIRS:
            if first in names:
                self.send("get", f"{path}?{urlencode({first: '2026-11-01'})}")
                self.send("get", f"{path}?{urlencode({second: '2026-11-01'})}")


def _route_name(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name


def _crawl(fuzzer: Fuzzer, routes: list[str], seen_forms: set, open311_key: str) -> int:
    """Open every route (real ids found in links), fuzz each page's query and forms; returns the
    number of forms fuzzed."""
    queue = [_fill(route, {}) for route in routes]
    visited_routes: set[str] = set()
    visited: set[str] = set()
    forms = 0
    position = 0
    while queue:
        url = queue.pop(0)
        path = urlsplit(url).path
        route = _route_of(path)
        if route is None or path in visited or path.startswith(SKIPPED_PREFIXES):
            continue
        if _route_name(path) in SESSION_ENDING:
            continue
        visited.add(path)
        # One page per route answers with a real object when a link named one; the default "1"
        # of the resolver walk is sent too.
        if route in visited_routes and "<" in route and path != _fill(route, {}):
            continue
        visited_routes.add(route)
        position += 1
        response = fuzzer.send("get", url)
        if response is None or response.status_code != 200:
            if response is not None and response.status_code == 405:  # a POST-only view
                for value in _rotation(position + fuzzer.index * 3):
                    fuzzer.send("post", path, dict.fromkeys(COMMON_QUERY, value))
            continue
        names = set(COMMON_QUERY)
        page = _Page()
        if "html" in response.get("Content-Type", ""):
            page.feed(response.content.decode(errors="replace"))
        for form in page.forms:
            if form["method"] == "get":
                names.update(form["fields"])
        if path.startswith("/open311/"):
            names.update(OPEN311_NAMES)
        fuzzer.fuzz_query(url, names, position)
        for form in page.forms:
            key = (
                urlsplit(form["action"]).path or path,
                form["method"],
                tuple(sorted(form["fields"])),
            )
            if (fuzzer.label, key) in seen_forms:
                continue
            full_sweep = key not in {known for _label, known in seen_forms}
            seen_forms.add((fuzzer.label, key))
            forms += 1
            fuzzer.fuzz_form(path, form, full_sweep)
        if path.startswith("/open311/") and path.endswith("requests.json"):
            base = {k: v for k, v in OPEN311_NAMES.items() if v is not None}
            base["api_key"] = open311_key
            fuzzer.fuzz_form(path, {"action": path, "method": "post", "fields": base}, True)
        for link in page.links:
            target = urlsplit(link)
            if target.netloc or not target.path.startswith("/"):
                continue
            queue.append(link)
    return forms


# --- API (from the OpenAPI document) --------------------------------------------------------

JSON_HOSTILE: dict[str, list[Any]] = {
    "integer": [-1, 0, 2**31, 2**63, 10**30, "abc", "\u00b2", None, 1.5],
    "number": [float("nan"), float("inf"), float("-inf"), "1e999", "NaN", 10**400, None],
    "string": ["", LONG, "9999-12-31", "0001-01-01", "2026-02-30", "abc", 12, None],
    "boolean": ["yes", 2, None],
    "array": [[], ["abc"], "abc", [None]],
    "object": [{}, [], "abc"],
}
SAMPLE = {"integer": 1, "number": 1.5, "string": "2026-11-01", "boolean": True, "array": []}


def _resolve(document: dict, schema: dict) -> dict:
    """The schema behind ``$ref`` and single-branch ``anyOf``/``allOf``."""
    for _step in range(10):
        if "$ref" in schema:
            target = document
            for part in schema["$ref"].removeprefix("#/").split("/"):
                target = target[part]
            schema = target
        elif "allOf" in schema and len(schema["allOf"]) == 1:
            schema = schema["allOf"][0]
        elif "anyOf" in schema:
            branches = [b for b in schema["anyOf"] if b.get("type") != "null"]
            schema = branches[0] if branches else {}
        else:
            break
    return schema


def _kind(document: dict, schema: dict) -> str:
    resolved = _resolve(document, schema)
    return resolved.get("type") or ("object" if "properties" in resolved else "string")


def _sample(document: dict, schema: dict):
    resolved = _resolve(document, schema)
    if "enum" in resolved:
        return resolved["enum"][0]
    if "default" in resolved and resolved["default"] is not None:
        return resolved["default"]
    kind = _kind(document, resolved)
    if kind == "object":
        return {
            name: _sample(document, value)
            for name, value in resolved.get("properties", {}).items()
            if name in resolved.get("required", [])
        }
    if kind == "string" and resolved.get("format") == "date-time":
        return "2026-11-01T08:00:00+07:00"
    if kind == "string" and resolved.get("format") == "time":
        return "08:00"
    return SAMPLE.get(kind, "x")


def _body(data) -> str:
    return json.dumps(data).replace('"1e999"', "1e999")


def _api(fuzzer: Fuzzer, document: dict, headers: dict) -> int:
    """Every operation of the schema: each path and query parameter and each body property with
    hostile values; a refusal is a problem document naming fields the schema has."""
    operations = 0
    for template, methods in document["paths"].items():
        for method, operation in methods.items():
            operations += 1
            parameters = operation.get("parameters", [])
            body_schema = (
                operation.get("requestBody", {})
                .get("content", {})
                .get("application/json", {})
                .get("schema")
            )
            body = _sample(document, body_schema) if body_schema else None
            properties = (
                _resolve(document, body_schema).get("properties", {}) if body_schema else {}
            )
            known = {p["name"] for p in parameters} | set(properties) | {"body"}
            base = {p["name"]: str(_sample(document, p.get("schema", {}))) for p in parameters}
            variants: list[tuple[dict, object]] = [(base, body)]
            for position, parameter in enumerate(parameters):
                for value in _rotation(position * PER_FIELD + fuzzer.index * 2):
                    if parameter["in"] == "path" and value in {"", LONG}:
                        value = "abc"
                    variants.append((base | {parameter["name"]: value}, body))
            for position, (name, schema) in enumerate(properties.items()):
                hostile = JSON_HOSTILE.get(_kind(document, schema), JSON_HOSTILE["string"])
                for step in range(PER_FIELD):
                    value = hostile[(position + fuzzer.index + step) % len(hostile)]
                    variants.append((base, {**(body or {}), name: value}))
            for first, second in PAIRS:
                if first in properties and second in properties:
                    variants.append((base, {**(body or {}), first: 1.1}))
                    variants.append((base, {**(body or {}), second: 104.0}))
            for values, data in variants:

                def fill(match: re.Match[str], values: dict[str, Any] = values) -> str:
                    return values.get(match.group(1), "1")

                path = "/api/v1" + PARAMETER_API.sub(fill, template)
                query = {
                    p["name"]: values[p["name"]]
                    for p in parameters
                    if p["in"] == "query"
                    and (p.get("required") or values[p["name"]] != base[p["name"]])
                }
                url = f"{path}?{urlencode(query)}" if query else path
                if method == "get":
                    response = fuzzer.send("get", url, headers=headers)
                else:
                    response = fuzzer.send(
                        method,
                        url,
                        None,
                        data=_body(data if data is not None else {}),
                        content_type="application/json",
                        headers=headers,
                    )
                if response is not None and response.status_code in {400, 422}:
                    _check_problem(fuzzer, method, url, response, known)
    return operations


PARAMETER_API = re.compile(r"{(\w+)}")


def _check_problem(fuzzer: Fuzzer, method: str, url: str, response, known: set[str]) -> None:
    where = f"{fuzzer.label} {method.upper()} {url[:150]!r}"
    if response.get("Content-Type") != "application/problem+json":
        fuzzer.failures.append(f"{where}: {response.status_code} is not a problem document")
        return
    for error in response.json().get("errors") or []:
        if error["field"].split(".")[0] not in known:
            fuzzer.failures.append(f"{where}: error field {error['field']!r} not in the schema")


# --- The test -------------------------------------------------------------------------------


@pytest.fixture
def demo_world(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("load_demo", stdout=io.StringIO())


def _client_for(kind: str, who: str | None):
    from mpp.queueing.demo import DEMO_KIOSK_TOKEN as QUEUE_KIOSK
    from mpp.surveys.demo import DEMO_KIOSK_TOKEN as SURVEY_KIOSK

    client = Client()
    user = None
    headers: dict[str, str] = {}
    if kind in {"staff", "citizen"}:
        user = User.objects.get(username=who) if kind == "staff" else User.objects.get(nik=who)
        _token, raw = account_services.issue_token(user, second_factor=kind == "staff")
        headers = {"Authorization": f"Bearer {raw}"}
    elif kind == "survey kiosk":
        headers = {"Authorization": f"Bearer {SURVEY_KIOSK}"}

    def log_in():
        if kind == "staff":
            login_staff(client, user)
        elif kind == "citizen":
            client.force_login(user, backend="mpp.accounts.backends.NikOrUsernameBackend")
        elif kind == "queue kiosk":
            client.post("/antrean/anjungan/", {"token": QUEUE_KIOSK})
        elif kind == "survey kiosk":
            client.post("/skm/kios/masuk/", {"token": SURVEY_KIOSK})

    log_in()
    return client, log_in, headers


@pytest.mark.long  # every route as every identity: minutes on its own, started first
def test_no_server_error_on_any_route_form_or_api_operation(demo_world, caplog):
    from mpp.complaints.demo import DEMO_API_KEY

    caplog.set_level(logging.WARNING)
    routes = _routes()
    assert len(routes) > 150  # the resolver walk found the site, not an empty list
    document = Client().get("/api/v1/openapi.json").json()
    failures: list[str] = []
    seen_forms: set = set()
    forms = operations = requests = 0
    for index, (label, who, kind) in enumerate(IDENTITIES):
        client, log_in, headers = _client_for(kind, who)
        fuzzer = Fuzzer(label, client, log_in, index)
        forms += _crawl(fuzzer, routes, seen_forms, DEMO_API_KEY)
        if headers or kind == "anonymous":  # a kiosk's cookie is no API credential
            operations += _api(fuzzer, document, headers)
        failures += fuzzer.failures
        requests += fuzzer.requests
    logged = [
        f"{record.name}: {record.getMessage()[:200]}"
        for record in caplog.records
        if record.levelno >= logging.ERROR
    ]
    print(f"fuzz: {requests} requests, {forms} forms, {operations} API operations")
    assert forms > 60  # forms were found and fuzzed
    assert failures == [], f"{len(failures)} failures:\n" + "\n".join(failures[:60])
    assert logged == [], "\n".join(logged[:40])
