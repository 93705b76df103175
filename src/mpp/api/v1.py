"""The versioned REST API: ``/api/v1/``, OpenAPI at ``/api/v1/openapi.json``."""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema

from mpp.api import problems
from mpp.api.reference import Reference
from mpp.api.routers import accounts
from mpp.api.routers import activities as activities_router
from mpp.api.routers import applications as applications_router
from mpp.api.routers import catalog as catalog_router
from mpp.api.routers import complaints as complaints_router
from mpp.api.routers import documents as documents_router
from mpp.api.routers import monitoring as monitoring_router
from mpp.api.routers import notifications as notifications_router
from mpp.api.routers import queueing as queueing_router
from mpp.api.routers import reporting as reporting_router
from mpp.api.routers import rooms as rooms_router
from mpp.api.routers import surveys as surveys_router


class MppAPI(NinjaAPI):
    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> OpenAPISchema:
        return problems.problems_as_problem_json(super().get_openapi_schema(*args, **kwargs))


api = MppAPI(
    title="MPP Digital API",
    version="1",
    description=(
        "API MPP Digital untuk aplikasi seluler, sistem daerah, dan registri nasional. "
        "Autentikasi dengan token bearer dari `POST /api/v1/auth/token`. "
        "Kesalahan dikirim sebagai problem details (RFC 9457, `application/problem+json`). "
        "Bahasa pesan mengikuti header `Accept-Language` (id atau en)."
    ),
    urls_namespace="api-v1",
    docs_url="/docs",
    docs=Reference(),
)
problems.install(api)
# Every router, declared once: its problem responses are added to the OpenAPI document, then it
# is mounted (a router missing from one of two lists would go undocumented).
ROUTERS = (
    accounts.router,
    applications_router.router,
    catalog_router.router,
    complaints_router.router,
    documents_router.router,
    monitoring_router.router,
    notifications_router.router,
    surveys_router.router,
    queueing_router.router,
    reporting_router.router,
    activities_router.router,
    rooms_router.router,
)
problems.declare_problem_responses(*ROUTERS)
for router in ROUTERS:
    api.add_router("", router)
