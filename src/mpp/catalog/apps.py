from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "mpp.catalog"
    verbose_name = _("Katalog layanan")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from mpp.catalog import public_cache
        from mpp.catalog.models import SearchSynonym, Service, ServiceVersion
        from mpp.regions.models import CalendarOverride, Region
        from mpp.tenancy.models import MPP, Agency, AgencyPresence, CounterHours, OpeningHours

        # Every model a public page shows, and the hours and calendar that decide whether an MPP
        # or an agency's counters are open today (mpp.queueing.services.today_at): any save or
        # delete, from a service, the admin or a data load, makes the cached entries stale
        # (mpp.catalog.public_cache).
        for model in (
            MPP,
            OpeningHours,
            CounterHours,
            CalendarOverride,
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
