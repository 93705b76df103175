from django.urls import path

from mpp.regions import views

app_name = "regions"

urlpatterns = [
    path("", views.calendar_index, name="calendar"),
    path("<str:code>/<id:year>/", views.calendar_year, name="calendar_year"),
    path(
        "<str:code>/pengecualian/<id:pk>/hapus/",
        views.remove_override,
        name="calendar_remove_override",
    ),
]
