from django.urls import path

from mpp.queueing import views

app_name = "queueing"

urlpatterns = [
    path("antrean/", views.start, name="start"),
    path("antrean/pesan/<id:queue_id>/", views.book, name="book"),
    path("antrean/saya/", views.my_bookings, name="mine"),
    path("antrean/saya/<id:pk>/", views.booking, name="booking"),
    path("antrean/saya/<id:pk>/batalkan/", views.cancel_booking, name="cancel"),
    path("antrean/saya/<id:pk>/ubah/", views.reschedule, name="reschedule"),
    path("antrean/saya/<id:pk>/tambah-layanan/", views.add_service, name="add_service"),
    path("antrean/tiket/<str:token>/", views.ticket_status, name="ticket"),
    path("antrean/anjungan/", views.kiosk, name="kiosk"),
    path("antrean/anjungan/ambil/", views.kiosk_take, name="kiosk_take"),
    path("antrean/anjungan/hadir/", views.kiosk_check_in, name="kiosk_check_in"),
    path("antrean/anjungan/tiket/<str:token>/", views.kiosk_ticket, name="kiosk_ticket"),
    path("antrean/layar/<slug:slug>/", views.display, name="display"),
    path("antrean/layar/<slug:slug>/panggilan/", views.display_calls, name="display_calls"),
    path("kelola/antrean/", views.manage_home, name="manage_home"),
    path("kelola/antrean/<id:mpp_id>/", views.manage_mpp, name="manage_mpp"),
    path(
        "kelola/antrean/<id:mpp_id>/layanan/<id:service_id>/",
        views.manage_service,
        name="manage_service",
    ),
    path("kelola/antrean/<id:mpp_id>/loket/baru/", views.manage_counter, name="counter_new"),
    path("kelola/antrean/<id:mpp_id>/loket/<id:pk>/", views.manage_counter, name="counter_edit"),
    path("kelola/antrean/<id:mpp_id>/aturan/", views.manage_rules, name="rules"),
    path("kelola/antrean/<id:mpp_id>/statistik/", views.statistics, name="statistics"),
    path("kelola/antrean/loket/<id:pk>/", views.console, name="console"),
    path("kelola/antrean/loket/<id:pk>/tindakan/", views.console_action, name="console_action"),
    path("kelola/antrean/loket/<id:pk>/pindah-layanan/", views.console_move, name="console_move"),
    path("kelola/pendampingan/", views.assistance_home, name="assistance_home"),
    path("kelola/pendampingan/<id:mpp_id>/", views.assistance, name="assistance"),
    path(
        "kelola/pendampingan/permintaan/<id:pk>/",
        views.assistance_resolve,
        name="assistance_resolve",
    ),
]
