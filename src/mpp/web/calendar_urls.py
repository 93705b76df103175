from django.urls import path

from mpp.web import calendar as views

app_name = "calendar"

urlpatterns = [
    path("", views.calendar_index, name="calendar"),
    path("<str:code>/<id:year>/", views.calendar_year, name="calendar_year"),
    path(
        "<str:code>/pengecualian/<id:pk>/hapus/",
        views.remove_override,
        name="calendar_remove_override",
    ),
]
