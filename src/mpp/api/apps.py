from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "mpp.api"
    verbose_name = "API"
