from django.urls import path

from . import views

app_name = "activities"

urlpatterns = [
    path("kegiatan/", views.programme, name="programme"),
    path("kegiatan/pintu/", views.door, name="door"),
    path("kegiatan/<id:pk>/", views.detail, name="detail"),
    path("kegiatan/<id:pk>/daftar/", views.register, name="register"),
    path("kegiatan/tiket/<str:code>/", views.ticket, name="ticket"),
    path("kegiatan/tiket/<str:code>/batal/", views.ticket_cancel, name="ticket_cancel"),
    path("kegiatan/tiket/<str:code>/hadir/", views.ticket_check_in, name="ticket_check_in"),
    path("kegiatan/tiket/<str:code>/nilai/", views.ticket_rate, name="ticket_rate"),
    path("mpp/<slug:slug>/kegiatan/", views.mpp_programme, name="mpp_programme"),
    path("mpp/<slug:slug>/kegiatan.ics", views.feed, name="feed"),
    path("kelola/kegiatan/", views.manage_home, name="manage_home"),
    path("kelola/kegiatan/baru/<id:mpp_id>/", views.manage_new, name="manage_new"),
    path("kelola/kegiatan/<id:pk>/", views.manage_detail, name="manage_detail"),
    path("kelola/kegiatan/<id:pk>/ubah/", views.manage_edit, name="manage_edit"),
    path("kelola/kegiatan/<id:pk>/batal/", views.manage_cancel, name="manage_cancel"),
]
