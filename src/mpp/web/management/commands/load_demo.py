from django.core.management.base import BaseCommand
from django.db import transaction

from mpp.accounts import demo as accounts_demo
from mpp.activities import demo as activities_demo
from mpp.cases import demo as cases_demo
from mpp.catalog import demo as catalog_demo
from mpp.complaints import demo as complaints_demo
from mpp.documents import demo as documents_demo
from mpp.documents import services as documents_services
from mpp.integrations import demo as integrations_demo
from mpp.monitoring import demo as monitoring_demo
from mpp.onboarding import demo as onboarding_demo
from mpp.queueing import demo as queueing_demo
from mpp.reporting import demo as reporting_demo
from mpp.rooms import demo as rooms_demo
from mpp.surveys import demo as surveys_demo


class Command(BaseCommand):
    help = "Load (or refresh) the demo data: Kota Batam and Kota Yogyakarta, agencies, services, accounts, applications and the queue."

    @transaction.atomic
    def handle(self, *args, **options):
        catalog_demo.load()
        accounts_demo.load()
        documents_services.create_demo_pki()
        documents_demo.load()
        # Before the applications: the SIP application of the demo is checked with SATUSEHAT.
        integrations_demo.load()
        cases_demo.load()
        surveys_demo.load()
        queueing_demo.load()
        onboarding_demo.load()
        monitoring_demo.load()
        complaints_demo.load()
        rooms_demo.load()
        activities_demo.load()
        # Last: the daily facts are recomputed from what the other processes loaded.
        reporting_demo.load()
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
