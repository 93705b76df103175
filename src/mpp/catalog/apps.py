from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "mpp.catalog"
    verbose_name = _("Katalog layanan")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from mpp.catalog import public_cache
        from mpp.catalog.models import SearchSynonym, Service, ServiceVersion
        from mpp.regions.models import Region
        from mpp.tenancy.models import MPP, Agency, AgencyPresence, OpeningHours

        # Every model a public page shows: any save or delete, from a service, the admin or a
        # data load, makes the cached pages stale (mpp.catalog.public_cache).
        for model in (
            MPP,
            OpeningHours,
            Agency,
            AgencyPresence,
            Service,
            ServiceVersion,
            Region,
            SearchSynonym,
        ):
            post_save.connect(public_cache.changed, sender=model, dispatch_uid=f"public-{model}")
            post_delete.connect(public_cache.changed, sender=model, dispatch_uid=f"public-{model}")

        from mpp.catalog.selectors import forget_synonyms

        post_save.connect(forget_synonyms, sender=SearchSynonym, dispatch_uid="synonyms-saved")
        post_delete.connect(forget_synonyms, sender=SearchSynonym, dispatch_uid="synonyms-deleted")
