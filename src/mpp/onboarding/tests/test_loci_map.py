"""The public loci map draws Indonesia and a dot per locus in both languages (issue 23: in
Indonesian the coordinates were written with a decimal comma, so no dot showed; in English the
dots showed without the outline)."""

from __future__ import annotations

import re

import pytest

from mpp.accounts.tests.factories import load_demo
from mpp.onboarding import demo as onboarding_demo
from mpp.regions import geo
from mpp.regions.models import Region

pytestmark = pytest.mark.django_db
NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_map_has_the_outline_and_unlocalised_coordinates(client, language):
    load_demo()
    onboarding_demo.load()
    body = client.get("/lokus/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    svg = body[body.index("<svg") : body.index("</svg>")]
    width, height = (float(n) for n in re.search(r'viewBox="0 0 (\S+) (\S+)"', svg).groups())
    assert svg.count("<path ") >= 30, "the province outline is drawn"
    circles = re.findall(r'<circle cx="([^"]+)" cy="([^"]+)"', svg)
    assert len(circles) >= 21, "the 21 pilot loci and more"
    for x, y in circles:
        assert NUMBER.match(x) and NUMBER.match(y), (x, y)
        assert 0 <= float(x) <= width and 0 <= float(y) <= height
    batam = Region.objects.get(code="2171")
    bx, by = geo.project(float(batam.longitude), float(batam.latitude))
    assert (f"{bx:.1f}", f"{by:.1f}") in circles
