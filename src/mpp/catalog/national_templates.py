"""The national service templates (standar pelayanan) shipped with the platform, as data.

``data/national_templates.json`` holds each template's slug and content (standard, time limit,
fee, form definition). :func:`load` publishes the ones a database does not have yet, so that a
production install and the demo start from the same templates; a template that exists is left as
it is (the ministry may have published newer versions of it).
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from importlib import resources
from typing import Any

from django.db import transaction

from mpp.catalog import services
from mpp.catalog.models import Service

FIRST_EFFECTIVE_DATE = datetime.date(2026, 1, 2)


def read_data(name: str) -> Any:
    """A JSON file shipped in ``mpp/catalog/data/``."""
    return json.loads(resources.files("mpp.catalog").joinpath("data", name).read_text("utf-8"))


def templates_data() -> list[dict[str, Any]]:
    return read_data("national_templates.json")["templates"]


def publish_first(service: Service) -> None:
    services.publish_draft(
        service.versions.get(number=1),
        actor=services.SYSTEM,
        effective_from=FIRST_EFFECTIVE_DATE,
        change_note="Standar pelayanan awal.",
    )


@dataclass(frozen=True)
class LoadResult:
    templates: dict[str, Service]
    created: int

    @property
    def existing(self) -> int:
        return len(self.templates) - self.created


@transaction.atomic
def load() -> LoadResult:
    """Publish every shipped template whose slug is missing; idempotent."""
    templates: dict[str, Service] = {}
    created = 0
    for entry in templates_data():
        content = dict(entry)
        slug = content.pop("slug")
        template = Service.objects.filter(slug=slug).first()
        if template is None:
            template = services.create_template(actor=services.SYSTEM, content=content, slug=slug)
            publish_first(template)
            created += 1
        templates[slug] = template
    return LoadResult(templates=templates, created=created)
