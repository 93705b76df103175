"""``manage.py build_province_map SOURCE.geojson [--tolerance 0.6]``: (re)build the packaged map.

Writes ``src/mpp/regions/data/provinces.json`` (projected, simplified SVG paths per province
code). Run once when the source data set changes; the result is committed with its licence.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from mpp.regions import geo
from mpp.regions.models import Province

SOURCE = {
    "name": "Indonesia GeoJSON & TopoJSON Maps (38 Provinces), denyherianto",
    "url": "https://github.com/denyherianto/indonesia-geojson-topojson-maps-with-38-provinces",
    "licence": "CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/)",
    "changes": "projected to an equirectangular SVG plane, simplified (Douglas-Peucker), "
    "islands under the minimum area dropped",
}


class Command(BaseCommand):
    help = "Build the simplified province map (SVG paths) from a GeoJSON file."

    def add_arguments(self, parser):
        parser.add_argument("source")
        parser.add_argument("--tolerance", type=float, default=0.6, help="in SVG units")
        parser.add_argument("--min-area", type=float, default=2.0, help="in SVG units²")

    def handle(self, *args, **options):
        path = Path(options["source"])
        if not path.exists():
            raise CommandError(f"no such file: {path}")
        source = json.loads(path.read_text(encoding="utf-8"))
        provinces = dict(Province.objects.values_list("code", "name"))
        if not provinces:
            raise CommandError("no provinces loaded (run migrate first)")
        data = geo.build(
            source, provinces, tolerance=options["tolerance"], min_area=options["min_area"]
        )
        data["source"] = SOURCE
        geo.DATA.write_text(json.dumps(data, ensure_ascii=False, indent=0), encoding="utf-8")
        size = geo.DATA.stat().st_size
        self.stdout.write(f"{len(data['provinces'])} provinces, {size} bytes → {geo.DATA}")
