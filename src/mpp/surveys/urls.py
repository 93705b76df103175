from django.urls import path

from mpp.surveys import views

app_name = "surveys"

urlpatterns = [
    path("skm/", views.my_invitations, name="mine"),
    path("skm/isi/<str:token>/", views.answer_by_link, name="answer_by_link"),
    path("skm/undangan/<id:pk>/", views.answer_invitation, name="answer"),
    path("skm/kios/", views.kiosk, name="kiosk"),
    path("skm/kios/masuk/", views.kiosk_login, name="kiosk_login"),
    path("skm/kios/terima-kasih/", views.kiosk_thanks, name="kiosk_thanks"),
    path("kelola/skm/", views.manage_index, name="manage"),
    path("kelola/skm/laporan/", views.report, name="report"),
    path("kelola/skm/laporan.xlsx", views.report_xlsx, name="report_xlsx"),
    path("kelola/skm/laporan.pdf", views.report_pdf, name="report_pdf"),
    path("kelola/skm/petugas/", views.officers, name="officers"),
    path("kelola/skm/saran/<id:pk>/tindak-lanjut/", views.follow_up, name="follow_up"),
    path("kelola/skm/perbaikan/", views.improvement, name="improvement"),
    path("kelola/skm/kuesioner/", views.questionnaire, name="questionnaire"),
    path("kelola/skm/kuesioner/adopsi/", views.questionnaire_adopt, name="questionnaire_adopt"),
    path("kelola/skm/kuesioner/bobot/", views.questionnaire_weights, name="questionnaire_weights"),
    path("kelola/skm/kios/", views.kiosks, name="kiosks"),
    path("kelola/skm/kios/<id:pk>/", views.kiosk_device, name="kiosk_device"),
    path("kelola/skm/kios/<id:pk>/batalkan/", views.kiosk_void, name="kiosk_void"),
]
