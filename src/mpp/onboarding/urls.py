from django.urls import path

from mpp.onboarding import views

app_name = "onboarding"

urlpatterns = [
    path("lokus/", views.public_loci, name="public_loci"),
    path("lokus/ajukan/", views.public_apply, name="public_apply"),
    path("kelola/penerapan/", views.application_list, name="list"),
    path("kelola/penerapan/ajukan/", views.staff_apply, name="apply"),
    path("kelola/penerapan/rubrik/", views.rubric, name="rubric"),
    path("kelola/penerapan/sk/", views.decrees, name="decrees"),
    path("kelola/penerapan/sk/<id:pk>/berkas/", views.decree_file, name="decree_file"),
    path("kelola/penerapan/<id:pk>/", views.application_detail, name="detail"),
    path("kelola/penerapan/<id:pk>/tindakan/", views.application_action, name="action"),
    path("kelola/penerapan/<id:pk>/berkas/<str:which>/", views.application_file, name="file"),
]
