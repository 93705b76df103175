from django.contrib import admin

from mpp.documents.models import IssuerProfile


@admin.register(IssuerProfile)
class IssuerProfileAdmin(admin.ModelAdmin[IssuerProfile]):
    list_display = ["agency", "number_prefix", "signatory_title", "signatory_name"]
    search_fields = ["agency__name", "number_prefix"]
    raw_id_fields = ["agency"]
