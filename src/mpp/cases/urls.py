from django.urls import path

from mpp.cases import views

app_name = "cases"

urlpatterns = [
    path("lacak/", views.track, name="track"),
    path("permohonan/", views.my_applications, name="mine"),
    path("permohonan/baru/<slug:slug>/", views.start, name="start"),
    path("permohonan/<id:pk>/", views.detail, name="detail"),
    path("permohonan/<id:pk>/langkah/<id:number>/", views.step, name="step"),
    path("permohonan/<id:pk>/periksa/", views.check, name="check"),
    path("permohonan/<id:pk>/terkirim/", views.done, name="done"),
    path("permohonan/<id:pk>/batalkan/", views.withdraw, name="withdraw"),
    path("permohonan/<id:pk>/dokumen.pdf", views.issued_pdf, name="pdf"),
    path("permohonan/<id:pk>/berkas/<id:document_pk>/", views.citizen_file, name="file"),
    path("kelola/permohonan/", views.inbox, name="inbox"),
    path("kelola/permohonan/loket/", views.counter, name="counter"),
    path("kelola/permohonan/<id:pk>/", views.staff_detail, name="staff_detail"),
    path("kelola/permohonan/<id:pk>/tindakan/", views.staff_action, name="staff_action"),
    path("kelola/permohonan/<id:pk>/catatan/", views.staff_note, name="staff_note"),
    path("kelola/permohonan/<id:pk>/tolak/", views.staff_reject, name="staff_reject"),
    path("kelola/permohonan/<id:pk>/terbitkan/", views.staff_issue, name="staff_issue"),
    path("kelola/permohonan/<id:pk>/terbitkan-ulang/", views.staff_reissue, name="staff_reissue"),
    path(
        "kelola/permohonan/<id:pk>/berkas/<id:document_pk>/",
        views.staff_file,
        name="staff_file",
    ),
    path("kelola/permohonan/<id:pk>/dokumen.pdf", views.staff_pdf, name="staff_pdf"),
    path("kelola/permohonan/<id:pk>/langkah/<id:number>/", views.staff_step, name="staff_step"),
    path("kelola/permohonan/<id:pk>/periksa/", views.staff_check, name="staff_check"),
    path("kelola/permohonan/<id:pk>/terkirim/", views.staff_done, name="staff_done"),
]
