from django.urls import path

from mpp.complaints import views

app_name = "complaints"

urlpatterns = [
    path("pengaduan/", views.public_list, name="public_list"),
    path("pengaduan/baru/", views.submit, name="submit"),
    path("pengaduan/konfirmasi/", views.guest, name="guest"),
    path("pengaduan/saya/", views.mine, name="mine"),
    path("pengaduan/lacak/<str:token>/", views.follow, name="follow"),
    path("pengaduan/lacak/<str:token>/tindakan/", views.follow_action, name="follow_action"),
    path("pengaduan/lacak/<str:token>/nilai/", views.follow_rate, name="follow_rate"),
    path("pengaduan/<str:tracking_number>/", views.public_detail, name="public_detail"),
    path("kelola/pengaduan/", views.queue, name="queue"),
    path("kelola/pengaduan/templat/", views.templates, name="templates"),
    path("kelola/pengaduan/statistik/", views.statistics, name="statistics"),
    path("kelola/pengaduan/integrasi/", views.integrations, name="integrations"),
    path(
        "kelola/pengaduan/integrasi/<id:pk>/cabut/",
        views.revoke_integration,
        name="revoke_integration",
    ),
    path("kelola/pengaduan/<id:pk>/", views.staff_detail, name="staff_detail"),
    path("kelola/pengaduan/<id:pk>/tindakan/", views.staff_action, name="staff_action"),
    path("kelola/pengaduan/<id:pk>/catatan/", views.staff_note, name="staff_note"),
    path(
        "kelola/pengaduan/<id:pk>/kirim-ulang-lapor/",
        views.staff_retry_forward,
        name="staff_retry_forward",
    ),
    path(
        "kelola/pengaduan/<id:pk>/lampiran/<id:attachment_pk>/",
        views.staff_attachment,
        name="staff_attachment",
    ),
]
