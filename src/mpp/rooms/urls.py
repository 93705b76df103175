from django.urls import path

from mpp.rooms import views

app_name = "rooms"

urlpatterns = [
    path("ruang/", views.rooms, name="rooms"),
    path("ruang/<id:pk>/", views.room, name="room"),
    path("ruang/peminjaman/", views.mine, name="mine"),
    path("ruang/peminjaman/<id:pk>/", views.booking, name="booking"),
    path("ruang/peminjaman/<id:pk>/tindakan/", views.booking_action, name="booking_action"),
    path("kelola/ruang/", views.manage_home, name="manage_home"),
    path("kelola/ruang/<id:mpp_id>/", views.manage, name="manage"),
    path("kelola/ruang/ruang/<id:pk>/", views.manage_room, name="manage_room"),
]
