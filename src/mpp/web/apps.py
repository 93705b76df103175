from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "mpp.web"
    verbose_name = _("Tampilan web")

    def ready(self) -> None:
        from django.core.signals import request_finished
        from django.urls import register_converter

        from mpp import requestid
        from mpp.complaints.registry import register_application_lookup
        from mpp.queueing.registry import register_application_lookup as register_queue_lookup
        from mpp.web import queue_links
        from mpp.web.complaint_links import find_own_application
        from mpp.web.converters import IdConverter

        register_application_lookup(find_own_application)
        register_queue_lookup(queue_links.application_at)

        # ``<id:pk>`` in every app's URLs (registered before any URLconf is loaded).
        register_converter(IdConverter, "id")
        request_finished.connect(requestid.clear, dispatch_uid="mpp_clear_request_id")
        connection_created.connect(prepared_statements, dispatch_uid="mpp_prepared_statements")


def prepared_statements(sender, connection, **kwargs) -> None:
    """Keep up to ``DATABASE_PREPARED_MAX`` prepared statements per PostgreSQL connection.

    psycopg keeps 100 and deallocates the least recently used beyond that; the hot paths of
    ``bench/hotpaths.py`` alone prepare about 200 on one connection (and count 300 more towards
    preparing), so with 100 a connection serving the whole mix kept dropping and preparing again.
    Sent on every connection Django opens or takes from the pool: setting it is an assignment."""
    from django.conf import settings

    if connection.vendor == "postgresql" and settings.DATABASE_PREPARED_MAX:
        connection.connection.prepared_max = settings.DATABASE_PREPARED_MAX
