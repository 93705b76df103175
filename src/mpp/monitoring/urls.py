from django.urls import path

from mpp.monitoring import views

app_name = "monitoring"

urlpatterns = [
    path("kelola/monev/", views.period_list, name="periods"),
    path("kelola/monev/periode/baru/", views.period_new, name="period_new"),
    path("kelola/monev/periode/<id:pk>/", views.period_detail, name="period"),
    path(
        "kelola/monev/periode/<id:pk>/ekspor/<str:fmt>/", views.period_export, name="period_export"
    ),
    path("kelola/monev/laporan/<id:pk>/", views.report_detail, name="report"),
    path("kelola/monev/laporan/<id:pk>/tindakan/", views.report_action, name="report_action"),
    path("kelola/monev/laporan/<id:pk>/laporan.pdf", views.report_pdf, name="report_pdf"),
    path(
        "kelola/monev/laporan/<id:pk>/rincian/<str:measure>/",
        views.report_breakdown,
        name="breakdown",
    ),
]
