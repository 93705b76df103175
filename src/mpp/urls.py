from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from mpp.api.v1 import api
from mpp.web import views as web_views

urlpatterns = [
    path("", include("mpp.web.urls")),
    path("akun/", include("mpp.accounts.urls")),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", web_views.healthz, name="healthz"),
    path("admin-django/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
