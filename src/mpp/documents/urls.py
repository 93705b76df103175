from django.urls import path

from mpp.documents import views

app_name = "documents"

urlpatterns = [
    path("verifikasi/<str:code>/", views.verify, name="verify"),
    path("verifikasi/<str:code>/cabut/", views.revoke, name="revoke"),
    path("kelola/penanda-tangan/", views.signatories, name="signatories"),
    path("kelola/penanda-tangan/<id:pk>/", views.signatory_edit, name="signatory_edit"),
]
