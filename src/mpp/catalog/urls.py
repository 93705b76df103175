from django.urls import path

from mpp.catalog import views

app_name = "catalog"

urlpatterns = [
    path("mpp/", views.mpp_list, name="mpp_list"),
    path("mpp/<slug:slug>/", views.mpp_detail, name="mpp_detail"),
    path("layanan/", views.service_list, name="service_list"),
    path("layanan/<id:pk>/", views.service_detail, name="service_detail"),
    path("layanan/<id:pk>/versi/<id:number>/", views.service_detail, name="service_version"),
    path("cari/", views.service_search, name="search"),
    path("kelola/layanan/", views.manage_list, name="manage_list"),
    path("kelola/layanan/baru/", views.manage_create, name="manage_create"),
    path("kelola/layanan/templat/", views.manage_templates, name="manage_templates"),
    path("kelola/layanan/<id:pk>/", views.manage_service, name="manage_service"),
    path("kelola/layanan/<id:pk>/draf/baru/", views.manage_start_draft, name="manage_start_draft"),
    path("kelola/layanan/<id:pk>/draf/", views.manage_edit, name="manage_edit"),
    path("kelola/layanan/<id:pk>/draf/pratinjau/", views.manage_preview, name="manage_preview"),
    path("kelola/layanan/<id:pk>/terbitkan/", views.manage_publish, name="manage_publish"),
    path("kelola/layanan/<id:pk>/hentikan/", views.manage_retire, name="manage_retire"),
    path("kelola/layanan/<id:pk>/riwayat/", views.manage_history, name="manage_history"),
    path("kelola/layanan/<id:pk>/draf/formulir/", views.manage_form_builder, name="manage_form"),
    path(
        "kelola/layanan/<id:pk>/draf/formulir/json/",
        views.manage_form_json,
        name="manage_form_json",
    ),
    path("kelola/jam-layanan/", views.manage_hours, name="manage_hours"),
    path(
        "kelola/jam-layanan/mpp/<id:pk>/", views.manage_opening_hours, name="manage_opening_hours"
    ),
    path(
        "kelola/jam-layanan/loket/<id:pk>/",
        views.manage_counter_hours,
        name="manage_counter_hours",
    ),
    path("kelola/sinonim-pencarian/", views.manage_synonyms, name="manage_synonyms"),
    path(
        "kelola/sinonim-pencarian/<id:pk>/hapus/",
        views.manage_synonym_delete,
        name="manage_synonym_delete",
    ),
]
