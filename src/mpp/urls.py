from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

from mpp.api.v1 import api
from mpp.web import metrics as web_metrics
from mpp.web import views as web_views

urlpatterns = [
    path("", include("mpp.web.urls")),
    path("", include("mpp.catalog.urls")),
    path("akun/", include("mpp.accounts.urls")),
    path("akun/pesan/", include("mpp.notifications.urls")),
    path("kelola/kalender/", include("mpp.web.calendar_urls")),
    path("", include("mpp.documents.urls")),
    path("", include("mpp.devices.urls")),
    path("", include("mpp.cases.urls")),
    path("", include("mpp.queueing.urls")),
    path("", include("mpp.complaints.urls")),
    path("", include("mpp.surveys.urls")),
    path("", include("mpp.onboarding.urls")),
    path("", include("mpp.rooms.urls")),
    path("", include("mpp.activities.urls")),
    path("", include("mpp.reporting.urls")),
    path("", include("mpp.monitoring.urls")),
    path("", include("mpp.integrations.urls")),
    path("api/v1/", api.urls),
    path("open311/v2/", include("mpp.complaints.open311_urls")),
    # Exempt from CSRF so that the language switch in cached public pages carries no per-visitor
    # token; a forged request could only change the visitor's language.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("healthz", web_views.healthz, name="healthz"),
    path("readyz", web_views.readyz, name="readyz"),
    path("metrics", web_metrics.metrics, name="metrics"),
    path("admin-django/", admin.site.urls),
    # The demo's OpenID provider (404 unless MPP_DEMO_IDP is on; refused in production).
    path("demo-idp/", include("mpp.accounts.demo_idp")),
]

handler404 = "mpp.api.problems.handler404"
handler500 = "mpp.web.views.server_error"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
