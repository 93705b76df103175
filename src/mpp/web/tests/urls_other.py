"""A URL configuration mounted under another prefix (test_links)."""

from django.urls import include, path

urlpatterns = [path("lain/", include("mpp.cases.urls"))]
