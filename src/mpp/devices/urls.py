from django.urls import path

from mpp.devices import views

app_name = "devices"

urlpatterns = [
    path("kelola/perangkat/", views.home, name="home"),
    path("kelola/perangkat/<id:mpp_id>/", views.manage, name="manage"),
    path("kelola/perangkat/<id:mpp_id>/<id:pk>/ganti-token/", views.rotate, name="rotate"),
    path("kelola/perangkat/<id:mpp_id>/<id:pk>/cabut/", views.revoke, name="revoke"),
    path("perangkat/pasang/<str:code>/", views.pair, name="pair"),
]
