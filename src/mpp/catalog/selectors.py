"""Reads of the tenancy tree, already scoped to what the user may see."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any, NamedTuple, TypedDict, cast

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db import connection, transaction
from django.db.models import (
    Case,
    Count,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.fields import Field as ModelField
from django.db.models.functions import Lower
from django_stubs_ext import WithAnnotations

from mpp.accounts.policy import Perm, scope_filter
from mpp.accounts.selectors import mpps_for, workplaces_for
from mpp.catalog import public_cache, search
from mpp.catalog.models import Channel, SearchSynonym, Service, ServiceVersion
from mpp.regions.models import Region
from mpp.tenancy.models import MPP, Agency, AgencyPresence, CounterHours, OpeningHours


def public_mpps() -> QuerySet[MPP]:
    return MPP.objects.filter(is_active=True).select_related("region", "region__province")


class Choice(NamedTuple):
    """An MPP or agency as a search filter lists it."""

    pk: int
    slug: str
    name: str


def mpp_choices() -> list[Choice]:
    """Active MPPs for the search filter, by name: three columns, kept until the catalog changes."""

    def build() -> list[Choice]:
        rows = (
            MPP.objects.filter(is_active=True)
            .order_by(Lower("name"))
            .values_list("pk", "slug", "name")
        )
        return [Choice(*row) for row in rows]

    return public_cache.cached_choices("mpps", build)


def agencies_at(mpp_id: int) -> list[Choice]:
    """Agencies serving at an MPP, by name (for the search filter)."""
    rows = (
        Agency.objects.filter(presences__mpp_id=mpp_id, presences__is_active=True)
        .order_by(Lower("name"))
        .values_list("pk", "slug", "name")
    )
    return [Choice(*row) for row in rows]


def agency_choice(slug: str) -> list[Choice]:
    """The agency with ``slug``, if any, as a one-item filter list."""
    if not slug:
        return []
    return [
        Choice(*row) for row in Agency.objects.filter(slug=slug).values_list("pk", "slug", "name")
    ]


def home_mpps(limit: int = 12) -> list[MPP]:
    """The MPPs on the home page with their agencies' names: only the columns the cards show."""
    return list(
        public_mpps()
        .only("name", "slug", "address", "region__name", "region__province__name")
        .prefetch_related(Prefetch("agencies", queryset=Agency.objects.only("name")))[:limit]
    )


# --- Public directory ------------------------------------------------------------------------


def mpp_directory(*, province: str = "", region: str = "") -> QuerySet[MPP]:
    """Active MPPs, optionally in one province (2-digit code) or kab/kota (4-digit code)."""
    mpps = public_mpps().annotate(
        agency_count=Count("presences", filter=Q(presences__is_active=True), distinct=True)
    )
    if province:
        mpps = mpps.filter(region__province_id=province)
    if region:
        mpps = mpps.filter(region_id=region)
    return mpps.order_by(Lower("region__province__name"), Lower("region__name"), Lower("name"))


def mpp_regions() -> QuerySet[Region]:
    """Kab/kota that have at least one active MPP (for the directory filter)."""
    return (
        Region.objects.filter(mpps__is_active=True)
        .select_related("province")
        .distinct()
        .order_by(Lower("province__name"), Lower("name"))
    )


class ActivePresences(TypedDict):
    """What :func:`public_mpp` and :func:`api_mpp` read with an MPP: the agencies serving there
    now, by name."""

    active_presences: list[AgencyPresence]


def public_mpp(slug: str) -> WithAnnotations[MPP, ActivePresences] | None:
    return (
        public_mpps()
        .prefetch_related(
            "opening_hours",
            Prefetch(
                "presences",
                queryset=AgencyPresence.objects.filter(is_active=True)
                .select_related("agency")
                .order_by(Lower("agency__name")),
                to_attr="active_presences",
            ),
        )
        .filter(slug=slug)
        .first()
    )


# --- Services --------------------------------------------------------------------------------


# Columns a service card (web list, search results, API list) needs. Loading only these keeps the
# rows narrow, so ranking and sorting thousands of matches stays in memory.
LIST_FIELDS = (
    "slug", "name", "category", "channel", "fee", "retired_at", "agency", "mpp",
    "current_version", "agency__name", "agency__slug", "mpp__name", "mpp__slug", "mpp__region",
    "current_version__number", "current_version__name", "current_version__summary",
    "name_en", "current_version__name_en", "current_version__summary_en",
    "current_version__channel", "current_version__time_limit", "current_version__time_limit_unit",
    "current_version__fee", "current_version__effective_from",
)  # fmt: skip


def public_services() -> QuerySet[Service]:
    """Services a citizen can find: published, not retired, not templates (one query with joins)."""
    return (
        Service.objects.published()
        .select_related("agency", "mpp", "current_version")
        .only(*LIST_FIELDS)
    )


def public_service(pk: int) -> Service | None:
    """One service for its public page, including retired ones (their page says so)."""
    return (
        Service.objects.filter(pk=pk, current_version__isnull=False, agency__isnull=False)
        .select_related("agency", "mpp", "mpp__region", "current_version")
        .defer("search_document", "search_name", "search_vector")
        .first()
    )


def public_version(service: Service, number: int) -> ServiceVersion | None:
    """A published (possibly superseded) version of a service, readable by anyone."""
    return service.versions.filter(number=number, status=ServiceVersion.Status.PUBLISHED).first()


def published_versions(service: Service) -> QuerySet[ServiceVersion]:
    return service.versions.filter(status=ServiceVersion.Status.PUBLISHED).order_by("-number")


MAX_QUERY_CHARS = search.MAX_QUERY_CHARS
MAX_TERMS = search.MAX_TERMS
# How alike (pg_trgm word similarity, 0–1) a mistyped query must be to a service name to be shown
# when nothing matches exactly.
TRIGRAM_THRESHOLD = 0.5


def search_terms(query: Any) -> list[str]:
    """The words of a search query: letters and digits only, lowercase, at most 8 words.

    Anything else (punctuation, SQL or HTML characters, emoji, NUL bytes) separates words and is
    dropped, so no input can break the query.
    """
    return search.query_words(query)


SYNONYMS_KEY = "catalog:search:synonyms"


def synonym_table() -> dict[str, list[str]]:
    """The ministry's synonyms, term → expansions, cached until the table changes (a save or
    delete of a synonym drops the entry: ``mpp.catalog.apps``)."""
    table = cache.get(SYNONYMS_KEY)
    if table is None:
        table = {}
        for term, expansion in SearchSynonym.objects.values_list("term", "expansion"):
            table.setdefault(term.lower(), []).append(expansion)
        cache.set(SYNONYMS_KEY, table, None)
    return table


def forget_synonyms(**kwargs) -> None:
    cache.delete(SYNONYMS_KEY)
    transaction.on_commit(lambda: cache.delete(SYNONYMS_KEY))


def search_vocabulary() -> frozenset[str]:
    """Every word of a findable service's name (both languages, with stems) and every synonym
    term: what "Mungkin maksud Anda" may suggest. Kept until the catalog changes."""

    def build() -> frozenset[str]:
        vocabulary: set[str] = set(synonym_table())
        names = Service.objects.published().values_list("search_name", flat=True).iterator()
        for name in names:
            vocabulary.update(name.split())
        return frozenset(word for word in vocabulary if len(word) > 2 and word.isalpha())

    return public_cache.cached_choices("vocabulary", build)


@dataclass(frozen=True)
class ServiceFilters:
    query: str = ""
    mpp_id: int | None = None
    agency_id: int | None = None
    region: str = ""
    category: str = ""
    channel: str = ""
    free_only: bool = False


def _filtered(filters: ServiceFilters) -> QuerySet[Service]:
    services = Service.objects.published().only("id")
    if filters.mpp_id is not None:
        services = services.filter(mpp_id=filters.mpp_id)
    if filters.agency_id is not None:
        services = services.filter(agency_id=filters.agency_id)
    if filters.region:
        services = services.filter(mpp__region_id=filters.region)
    if filters.category:
        services = services.filter(category=filters.category)
    if filters.channel in (Channel.ONLINE, Channel.COUNTER):
        services = services.filter(channel__in=[filters.channel, Channel.BOTH])
    if filters.free_only:
        services = services.filter(fee=0)
    return services


def _in_text(field: str, alternative: search.Alternative) -> Q:
    q = Q()
    for word in alternative:
        q &= Q(**{f"{field}__contains": f" {word}"})
    return q


def _any_in_text(field: str, alternatives: list[search.Alternative]) -> Q:
    q = Q()
    for alternative in alternatives:
        q |= _in_text(field, alternative)
    return q


def _tsquery(terms: list[list[search.Alternative]]) -> str:
    """``(akte:* | akta:*) & (lahir:* | (kartu:* & keluarga:*))``: words are letters and digits
    only (``search.words``), so nothing in them is tsquery syntax."""

    def alternative(words: search.Alternative) -> str:
        joined = " & ".join(f"{word}:*" for word in words)
        return f"({joined})" if len(words) > 1 else joined

    return " & ".join("(" + " | ".join(alternative(a) for a in alts) + ")" for alts in terms)


def search_services(filters: ServiceFilters) -> QuerySet[Service]:
    """Published services matching ``filters``, best match first (name order without a query).

    Only the ids are loaded: paginate this queryset, then pass the page to ``listing`` for the
    cards. Every query word must occur in the service (as itself, its stem, a spelling variant or
    a synonym from the ministry's table, as a word prefix); the services whose *name* holds more of
    the words come first, then by name (case-insensitive).

    PostgreSQL: full-text search on the stored tsvector (config 'simple' over the pre-stemmed
    words), GIN-indexed. Other databases: word-prefix tests on the stored search document.
    """
    services = _filtered(filters)
    terms = search.terms(filters.query, synonym_table()) if search_terms(filters.query) else []
    if not terms:
        if isinstance(filters.query, str) and filters.query.strip():
            return services.none()  # only punctuation, symbols or emoji: nothing can match
        return services.order_by(Lower("name"), "id")
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery

        query = SearchQuery(_tsquery(terms), search_type="raw", config="simple")
        services = services.filter(search_vector=query)
    else:
        for alternatives in terms:
            services = services.filter(_any_in_text("search_document", alternatives))
    rank = _name_rank(terms, search.hints(filters.query))
    return services.annotate(rank=rank).order_by("-rank", Lower("name"), "id")


def _name_rank(terms: list[list[search.Alternative]], hints: list[search.Alternative]):
    """How many of the query's words the service's name holds, then whether it holds a hint
    (the same rule on every database; cheaper than ts_rank, which must read every matching
    document in full). A hint only orders services that hold as many of the words."""
    held = (
        Case(When(_any_in_text("search_name", alts), then=Value(2)), default=Value(0))
        for alts in terms
    )
    hinted = (
        [Case(When(_any_in_text("search_name", hints), then=Value(1)), default=Value(0))]
        if hints
        else []
    )
    return sum((*held, *hinted), Value(0))


def _similar_services(filters: ServiceFilters) -> QuerySet[Service] | None:
    """PostgreSQL: services whose name is like the (mistyped) query, by pg_trgm word similarity."""
    if connection.vendor != "postgresql":
        return None
    from django.contrib.postgres.search import TrigramWordSimilarity

    text = " ".join(search.significant_words(filters.query))
    return (
        _filtered(filters)
        .annotate(rank=TrigramWordSimilarity(text, "search_name"))
        .filter(rank__gte=TRIGRAM_THRESHOLD)
        .order_by("-rank", Lower("name"), "id")
    )


class SearchPage(Page):
    """A page of results; ``suggestion`` is the corrected query ("Mungkin maksud Anda …") when the
    words as typed matched nothing, and ``approximate`` says the results are for that correction
    (or, on PostgreSQL, names like the query) rather than for the words as typed."""

    suggestion: str = ""
    approximate: bool = False


def search_page(
    filters: ServiceFilters, number: int, size: int, *, tolerant: bool = False
) -> SearchPage:
    """One page of ``search_services`` with its total, counted in the same query (COUNT() OVER ()).

    Matching is the expensive part of a search; counting separately would match twice. A page
    number past the end answers with the last page, like ``Paginator.get_page``. When nothing
    matches, a corrected query is suggested, and the page holds the services that are close: by
    trigram similarity of the name on PostgreSQL, for the corrected query elsewhere (only when
    ``tolerant``: the web page is, the API answers exactly what was asked).
    """
    number = max(1, number)
    if not search_terms(filters.query):
        # Without words the list is read in index order and counted from the index: cheaper apart.
        plain = Paginator(search_services(filters), size).get_page(number)
        return SearchPage(plain.object_list, plain.number, plain.paginator)
    page = _ranked_page(search_services(filters), number, size)
    if page.paginator.count or not tolerant:
        return page
    suggestion = search.suggestion(filters.query, search_vocabulary())
    close = _similar_services(filters)
    if close is None and suggestion:
        close = search_services(replace(filters, query=suggestion))
    if close is not None:
        page = _ranked_page(close, number, size)
        page.approximate = bool(page.paginator.count)
    page.suggestion = suggestion
    return page


def _ranked_page(matches: QuerySet[Service], number: int, size: int) -> SearchPage:
    counted = matches.annotate(total=Window(Count("id")))
    with _text_index_plan():
        rows = list(counted[(number - 1) * size : number * size])
        if rows:
            total = rows[0].total
        else:
            total = matches.count() if number > 1 else 0
            if total:
                number = -(-total // size)
                rows = list(counted[(number - 1) * size : number * size])
    paginator: Paginator[Service] = Paginator([], size)
    paginator.count = total  # cached_property: the total came with the rows
    return SearchPage(rows, number, paginator)


@contextmanager
def _text_index_plan() -> Iterator[None]:
    """PostgreSQL: plan the statements in this block for a catalog held in memory.

    With the default ``random_page_cost`` (4, tuned for spinning disks) the planner reads the whole
    table as soon as a word matches about 15 % of the services, and a sequential scan must
    decompress every stored tsvector to test ``@@``: 80 ms for the prefix ``penerb:*`` (8,769 of
    50,000 rows) against 16 ms through the GIN index, which finds the rows without reading their
    tsvector. 1.1 (the usual value for SSDs or a cached database) lets the planner see that; it
    still scans the table for words found in nearly every service, where no plan is cheaper.
    (``enable_seqscan = off`` was tried: for such words it picks a bitmap of ``agency_id IS NOT
    NULL`` and tests ``@@`` on every row, slower than the scan.) ``SET LOCAL`` keeps the setting to
    this transaction: one statement more per search, whatever the number of rows. Inside an outer
    transaction (tests; requests run in autocommit) it lasts until that one ends, which affects
    plans only, never results.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(savepoint=False):
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL random_page_cost = 1.1")
        yield


def listing(services: Iterable[Service]) -> list[Service]:
    """The full rows (with agency, MPP and current version) of ``services``, in the same order."""
    ids = [service.pk for service in services]
    rows = public_services().in_bulk(ids)
    return [rows[pk] for pk in ids if pk in rows]


def services_at(mpp: MPP) -> QuerySet[Service]:
    return public_services().filter(mpp=mpp).order_by(Lower("agency__name"), Lower("name"))


# --- Back office -----------------------------------------------------------------------------


def manageable_services(user) -> QuerySet[Service]:
    """Services (not templates) the user may manage, with their draft if any (one query)."""
    drafts = ServiceVersion.objects.filter(
        service=OuterRef("pk"), status=ServiceVersion.Status.DRAFT
    )
    return (
        Service.objects.filter(agency__isnull=False)
        .filter(
            scope_filter(
                user,
                Perm.MANAGE_SERVICES,
                agency="agency_id",
                mpp="mpp_id",
                region="mpp__region_id",
            )
        )
        .select_related("agency", "mpp", "current_version")
        .annotate(draft_number=Subquery(drafts.values("number")[:1]))
        .order_by(Lower("mpp__name"), Lower("agency__name"), Lower("name"))
    )


def manageable_service(user, pk: int) -> Service | None:
    return manageable_services(user).filter(pk=pk).first()


def catalog_workplaces(user) -> QuerySet[AgencyPresence]:
    """Agency-at-MPP units where the user may create services."""
    return workplaces_for(user, Perm.MANAGE_SERVICES)


def national_templates() -> QuerySet[Service]:
    return (
        Service.objects.templates()
        .filter(current_version__isnull=False, retired_at__isnull=True)
        .select_related("current_version")
        .order_by("category", Lower("name"))
    )


def draft_of(service: Service) -> ServiceVersion | None:
    return service.versions.filter(status=ServiceVersion.Status.DRAFT).first()


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    before: Any
    after: Any

    @property
    def added(self) -> list:
        """For list components (requirements, procedure, legal basis): items that are new."""
        if self._item_lists():
            return [item for item in self.after if item not in self.before]
        return []

    @property
    def removed(self) -> list:
        if self._item_lists():
            return [item for item in self.before if item not in self.after]
        return []

    def _item_lists(self) -> bool:
        return (
            self.field != "form_definition"
            and isinstance(self.before, list)
            and isinstance(self.after, list)
        )


def version_changes(before: ServiceVersion | None, after: ServiceVersion) -> list[FieldChange]:
    """The content fields that differ between two versions (all filled fields for the first one)."""
    changes = []
    for name in ServiceVersion.CONTENT_FIELDS:
        old = getattr(before, name) if before is not None else None
        new = getattr(after, name)
        if old != new:
            field = cast("ModelField[Any, Any]", ServiceVersion._meta.get_field(name))
            label = str(field.verbose_name)
            changes.append(FieldChange(name, label, old, new))
    return changes


def version_history(service: Service) -> list[tuple[ServiceVersion, list[FieldChange]]]:
    """Every version, newest first, each with what changed against the one before it."""
    versions = list(service.versions.select_related("published_by").order_by("number"))
    history = []
    previous = None
    for version in versions:
        history.append((version, version_changes(previous, version)))
        if version.is_published:
            previous = version
    return list(reversed(history))


# --- The public API's lists (cursor pages: each read ends with a unique key) -----------------

API_MPP_ORDER = ("id",)
API_AGENCY_ORDER = ("name", "id")


def api_mpps(*, province: str = "", region: str = "") -> QuerySet[MPP]:
    mpps = public_mpps().prefetch_related("opening_hours")
    if province:
        mpps = mpps.filter(region__province_id=province)
    if region:
        mpps = mpps.filter(region_id=region)
    return mpps


def api_mpp(pk: int) -> WithAnnotations[MPP, ActivePresences] | None:
    """One public MPP with its opening hours, active agencies and number of services."""
    mpp = (
        api_mpps()
        .prefetch_related(
            Prefetch(
                "presences",
                queryset=AgencyPresence.objects.filter(is_active=True)
                .select_related("agency")
                .order_by("agency__name"),
                to_attr="active_presences",
            )
        )
        .filter(pk=pk)
        .first()
    )
    if mpp is not None:
        mpp.service_count = services_at(mpp).count()
    return mpp


def api_agencies(*, mpp_id: int | None = None, region: str = "") -> QuerySet[Agency]:
    agencies = Agency.objects.prefetch_related(
        Prefetch("presences", queryset=AgencyPresence.objects.filter(is_active=True))
    )
    if mpp_id:
        agencies = agencies.filter(presences__mpp_id=mpp_id, presences__is_active=True)
    if region:
        agencies = agencies.filter(region_id=region)
    return agencies


def api_services(filters: ServiceFilters) -> tuple[QuerySet[Service], tuple[str, ...]]:
    """The API's search: what ``search_services`` finds, in its order (best match, then name),
    keyed for cursor pages; only ids are read (load the page with :func:`listing`)."""
    rows = search_services(filters).annotate(name_key=Lower("name"))
    if "rank" in rows.query.annotations:
        return rows, ("-rank", "name_key", "id")
    return rows, ("name_key", "id")


@contextmanager
def search_plan(filters: ServiceFilters) -> Iterator[None]:
    """The planner setting of ranked searches (:func:`_text_index_plan`) around the block."""
    if search_terms(filters.query):
        with _text_index_plan():
            yield
    else:
        yield


# --- Opening hours and counter hours (the staff pages) -----------------------------------------


def hours_mpps(user) -> QuerySet[MPP]:
    """The MPPs whose opening hours ``user`` sets (Perm.MANAGE_MPP), with their hours."""
    return mpps_for(user, Perm.MANAGE_MPP).prefetch_related("opening_hours")


def hours_presences(user) -> QuerySet[AgencyPresence]:
    """The agencies at MPPs whose counter hours ``user`` sets (Perm.MANAGE_QUEUE): every agency
    of the MPP for its manager, the agency's own for its admin."""
    return workplaces_for(user, Perm.MANAGE_QUEUE).prefetch_related("counter_hours")


def opening_hours_of(mpp: MPP) -> dict[int, OpeningHours]:
    """The MPP's hours per weekday (0 = Monday); a missing weekday is closed."""
    return {row.weekday: row for row in OpeningHours.objects.filter(mpp=mpp)}


def counter_hours_of(presence: AgencyPresence) -> dict[int, CounterHours]:
    """The agency's counter hours at the MPP per weekday; empty: they follow the MPP's hours."""
    return {row.weekday: row for row in CounterHours.objects.filter(presence=presence)}
