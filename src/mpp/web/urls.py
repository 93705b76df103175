from django.urls import path

from mpp.web import personal_data, views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("akun/data-saya/", personal_data.export_html, name="data_export_html"),
    path("akun/data-saya.json", personal_data.export_json, name="data_export_json"),
]
