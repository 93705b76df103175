from django.urls import path

from mpp.reporting import views

app_name = "reporting"

urlpatterns = [
    path("kelola/dasbor/", views.index, name="index"),
    path("kelola/dasbor/nasional/", views.national_dashboard, name="national"),
    path(
        "kelola/dasbor/nasional/ekspor/<slug:table>.<slug:fmt>",
        views.national_export,
        name="national_export",
    ),
    path("kelola/dasbor/wilayah/<str:code>/", views.region_dashboard, name="region"),
    path(
        "kelola/dasbor/wilayah/<str:code>/ekspor/<slug:table>.<slug:fmt>",
        views.region_export,
        name="region_export",
    ),
    path("kelola/dasbor/mpp/<id:pk>/", views.mpp_dashboard, name="mpp"),
    path(
        "kelola/dasbor/mpp/<id:pk>/ekspor/<slug:table>.<slug:fmt>",
        views.mpp_export,
        name="mpp_export",
    ),
    path("data-terbuka/", views.open_data, name="open_data"),
    path("data-terbuka/mpp/<id:pk>.csv", views.open_data_csv, name="open_data_csv"),
    path(
        "data-terbuka/mpp/<id:pk>/keterlibatan-warga.csv",
        views.open_data_community_csv,
        name="open_data_community_csv",
    ),
]
