from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from mpp.api.v1 import api
from mpp.web import views as web_views

urlpatterns = [
    path("", include("mpp.web.urls")),
    path("", include("mpp.catalog.urls")),
    path("akun/", include("mpp.accounts.urls")),
    path("akun/pesan/", include("mpp.notifications.urls")),
    path("kelola/kalender/", include("mpp.web.calendar_urls")),
    path("", include("mpp.documents.urls")),
    path("", include("mpp.cases.urls")),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", web_views.healthz, name="healthz"),
    path("admin-django/", admin.site.urls),
]

handler404 = "mpp.api.problems.handler404"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
