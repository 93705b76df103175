"""Generated web fuzz test: every URL pattern and every form, hostile values, never a 5xx.

The URL patterns come from the resolver, so a new page is fuzzed without editing this file. Each
pattern is filled with real ids of a small world (a submitted application with a file, its
service, region and officer) and with hostile path values; each page is fetched with hostile query
values, and every form found on it is submitted with hostile values in every field, as an anonymous
visitor, a citizen, an officer and an agency admin. The API has its own fuzzing (schemathesis).
"""

from __future__ import annotations

import itertools
import re
from html.parser import HTMLParser
from urllib.parse import urlencode, urlsplit

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from mpp.accounts.models import Role, RoleGrant
from mpp.accounts.tests.helpers import login_staff
from mpp.cases import services as case_services
from mpp.cases.tests.factories import (
    VALID_DATA,
    CitizenFactory,
    StaffFactory,
    officer_for,
    pdf_upload,
    service_with,
)

pytestmark = pytest.mark.django_db

SKIPPED_PREFIXES = ("admin-django/", "api/", "static/", "media/")
HOSTILE = [
    "a\x00b\x1b[31m\x7f",
    "9" * 30,
    "-99999999999999999999",
    "x" * 5000 + "\u202e\ufeff\U0001f600\u0301\ufdfa",
    "' OR 1=1 --<script>../../etc/passwd",
    "2026-02-30",
]
QUERY_VALUES = ["9" * 30, "x" * 3000 + "\U0001f600\u202e\x00"]
# Hostile path values for text parameters; an id parameter gets the largest id its converter
# accepts (any other value does not match the pattern and is a plain 404).
PATH_HOSTILE = ["%00%1B", "x" * 300 + "%E2%80%AE%F0%9F%98%80"]
LARGEST_ID = "9" * 18


def _routes(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


class _Forms(HTMLParser):
    """The forms of a page: action, method and field names (hidden values kept)."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self.forms.append(
                {
                    "action": attributes.get("action") or "",
                    "method": (attributes.get("method") or "get").lower(),
                    "fields": {},
                }
            )
        elif tag in {"input", "select", "textarea", "button"} and self.forms:
            name = attributes.get("name")
            if name:
                self.forms[-1]["fields"][name] = attributes.get("value") or ""


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    service = service_with()
    citizen = CitizenFactory()
    officer = officer_for(service)
    admin = StaffFactory()
    RoleGrant.objects.create(user=admin, role=Role.AGENCY_ADMIN, agency=service.agency)
    application = case_services.start_application(service=service, applicant=citizen)
    case_services.update_draft(application, actor=citizen, data=VALID_DATA)
    document = case_services.attach_file(
        application, actor=citizen, field="dokumen", upload=pdf_upload()
    )
    case_services.submit_application(application, actor=citizen)
    return {
        "pk": [application.pk, service.pk],
        "number": [1],
        "document_pk": [document.pk],
        "slug": [service.slug, service.mpp.slug],
        "code": [service.mpp.region_id, "nasional"],
        "year": [2026],
        "identities": {
            "anonymous": None,
            "citizen": citizen,
            "officer": officer,
            "agency admin": admin,
        },
    }


def _urls(world) -> list[str]:
    urls = []
    for route in _routes(get_resolver().url_patterns):
        if route.startswith(SKIPPED_PREFIXES) or route.startswith("^"):
            continue
        parameters = re.findall(r"<(?:(\w+):)?(\w+)>", route)
        names = [name for _, name in parameters]
        choices = [world.get(name, [1]) for name in names]
        for values in itertools.product(*choices):
            url = route
            for name, value in zip(names, values, strict=True):
                url = re.sub(rf"<(?:\w+:)?{name}>", str(value), url, count=1)
            urls.append("/" + url)
        for converter, name in parameters:
            for hostile in [LARGEST_ID] if converter == "id" else PATH_HOSTILE:
                url = route
                for other in names:
                    value = hostile if other == name else world.get(other, [1])[0]
                    url = re.sub(rf"<(?:\w+:)?{other}>", str(value), url, count=1)
                urls.append("/" + url)
    return urls


def _log_in(client: Client, user) -> None:
    """Sign ``user`` in again (a fuzzed form may have been the logout button)."""
    if user is not None and user.is_staff_member:
        login_staff(client, user)
    elif user is not None:
        client.force_login(user, backend="mpp.accounts.backends.NikOrUsernameBackend")


def _send(client, failures, label, method, url, data=None):
    try:
        response = client.post(url, data or {}) if method == "post" else client.get(url)
    except Exception as error:
        failures.append(f"{label} {method.upper()} {url[:120]!r}: {type(error).__name__}: {error}")
        return None
    if response.status_code >= 500:
        failures.append(f"{label} {method.upper()} {url[:120]!r}: HTTP {response.status_code}")
    return response


def test_no_server_error_on_any_url_or_form(world):
    failures: list[str] = []
    urls = _urls(world)
    assert len(urls) > 60  # the resolver walk found the site, not an empty list
    forms_seen = 0
    for label, user in world["identities"].items():
        seen_forms: set[tuple] = set()
        client = Client()
        for url in urls:
            _log_in(client, user)
            response = _send(client, failures, label, "get", url)
            names = {"page", "q"}
            forms = []
            if response is None or response.status_code != 200:
                # Not a page for this person (a redirect to log in, a 403 or a 404): nothing
                # behind it reads the query or renders forms, but a POST-only view may answer.
                _send(client, failures, label, "post", url, dict.fromkeys(names, HOSTILE[0]))
                continue
            if "html" in response.get("Content-Type", ""):
                parser = _Forms()
                parser.feed(response.content.decode(errors="replace"))
                forms = parser.forms
                for form in forms:
                    names.update(form["fields"])
            for value in QUERY_VALUES:
                query = urlencode(dict.fromkeys(sorted(names), value))
                _send(client, failures, label, "get", f"{url}?{query}")
            for form in forms:
                action = urlsplit(form["action"]).path or url
                key = (action, form["method"], tuple(sorted(form["fields"])))
                if key in seen_forms or action.startswith(SKIPPED_PREFIXES):
                    continue
                seen_forms.add(key)
                forms_seen += 1
                for value in HOSTILE:
                    data = {
                        name: (keep if name == "csrfmiddlewaretoken" else value)
                        for name, keep in form["fields"].items()
                    }
                    if form["method"] == "post":
                        _send(client, failures, label, "post", action, data)
                    else:
                        _send(client, failures, label, "get", f"{action}?{urlencode(data)}")
            _send(client, failures, label, "post", url, dict.fromkeys(names, HOSTILE[2]))
    assert forms_seen > 20  # forms were found and fuzzed
    assert failures == [], "\n".join(failures[:40])
