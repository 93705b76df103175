"""factory_boy factories for the catalog: MPPs, agencies, services and their versions."""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from mpp.catalog.models import Category, Channel, Service, ServiceVersion
from mpp.regions.models import Region
from mpp.tenancy.models import MPP, Agency, AgencyPresence

SAMPLE_FORM = [
    {
        "name": "nama_lengkap",
        "type": "text",
        "label": "Nama lengkap",
        "required": True,
        "section": "Data pemohon",
    },
    {"name": "nik", "type": "nik", "label": "NIK", "required": True, "section": "Data pemohon"},
    {
        "name": "jenis",
        "type": "choice",
        "label": "Jenis permohonan",
        "required": True,
        "choices": [{"value": "baru", "label": "Baru"}, {"value": "ganti", "label": "Penggantian"}],
        "section": "Permohonan",
    },
    {
        "name": "alasan",
        "type": "long_text",
        "label": "Alasan penggantian",
        "required": True,
        "visible_if": {"field": "jenis", "value": "ganti"},
        "section": "Permohonan",
    },
    {
        "name": "dokumen",
        "type": "file",
        "label": "Pindaian dokumen",
        "required": True,
        "file_types": ["application/pdf", "image/jpeg"],
        "max_bytes": 2 * 1024 * 1024,
        "section": "Dokumen",
    },
]


def region(code: str = "2171") -> Region:
    return Region.objects.get(code=code)


class MPPFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MPP

    region = factory.LazyFunction(region)
    name = factory.Sequence(lambda n: f"Mal Pelayanan Publik Uji {n}")
    slug = factory.Sequence(lambda n: f"mpp-uji-{n}")
    address = "Jl. Uji No. 1"


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    name = factory.Sequence(lambda n: f"Dinas Uji {n}")
    short_name = factory.Sequence(lambda n: f"Dinas {n}")
    slug = factory.Sequence(lambda n: f"dinas-uji-{n}")
    kind = Agency.Kind.REGIONAL
    region = factory.LazyFunction(region)


class AgencyPresenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgencyPresence

    agency = factory.SubFactory(AgencyFactory)
    mpp = factory.SubFactory(MPPFactory)
    counters = "Loket 1"


class ServiceFactory(factory.django.DjangoModelFactory):
    """A service without versions (use DraftServiceFactory / PublishedServiceFactory for content)."""

    class Meta:
        model = Service

    class Params:
        presence = factory.SubFactory(AgencyPresenceFactory)

    agency = factory.LazyAttribute(lambda o: o.presence.agency)
    mpp = factory.LazyAttribute(lambda o: o.presence.mpp)
    slug = factory.Sequence(lambda n: f"layanan-uji-{n}")
    name = factory.Sequence(lambda n: f"Layanan uji {n}")
    category = Category.KEPENDUDUKAN
    channel = Channel.BOTH
    fee = 0


class ServiceVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceVersion

    service = factory.SubFactory(ServiceFactory)
    number = factory.Sequence(lambda n: n + 1)
    name = factory.LazyAttribute(lambda o: o.service.name)
    summary = "Layanan untuk keperluan pengujian."
    category = factory.LazyAttribute(lambda o: o.service.category)
    channel = factory.LazyAttribute(lambda o: o.service.channel)
    requirements = factory.LazyFunction(lambda: ["KTP-el asli", "Kartu Keluarga"])
    procedure = factory.LazyFunction(lambda: ["Isi formulir", "Serahkan berkas", "Ambil dokumen"])
    time_limit = 3
    fee = factory.LazyAttribute(lambda o: o.service.fee)
    product = "Surat keterangan"
    complaint_handling = "Pengaduan melalui SP4N-LAPOR! atau loket pengaduan MPP."
    legal_basis = factory.LazyFunction(lambda: ["Undang-Undang Nomor 25 Tahun 2009"])
    form_definition = factory.LazyFunction(lambda: [dict(f) for f in SAMPLE_FORM])


def publish(version: ServiceVersion, effective_from: datetime.date | None = None) -> ServiceVersion:
    """Mark a factory-made draft published and current, bypassing permissions (tests only)."""
    from mpp.catalog.services import refresh_search

    version.status = ServiceVersion.Status.PUBLISHED
    version.published_at = timezone.now()
    version.effective_from = effective_from or timezone.localdate()
    version.save()
    service = version.service
    service.current_version = version
    service.name, service.category = version.name, version.category
    service.channel, service.fee = version.channel, version.fee
    service.save()
    refresh_search(service, version)
    return version


class PublishedServiceFactory(ServiceFactory):
    """A service with one published version (``service.current_version``) and a form definition."""

    class Meta:
        skip_postgeneration_save = True

    @factory.post_generation
    def published(obj, create, extracted, **kwargs):
        if not create:
            return
        version = ServiceVersionFactory(service=obj, number=1, **kwargs)
        publish(version)
