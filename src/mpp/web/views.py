import logging
import sys

from django.core.cache import cache
from django.db import connection
from django.db.utils import Error as DatabaseError
from django.http import JsonResponse
from django.shortcuts import render
from django.views import defaults
from django.views.decorators.cache import never_cache

from mpp.catalog import selectors as catalog
from mpp.catalog.public_cache import public_page
from mpp.documents.store import StoreUnavailable, check_store
from mpp.web.middleware import DatabaseUnavailableMiddleware, database_away

logger = logging.getLogger(__name__)


@public_page
def home(request):
    mpps = list(catalog.home_mpps())
    return render(request, "web/home.html", {"mpps": mpps})


@never_cache
def server_error(request):
    """The 500 handler: an exception raised in a middleware (loading the session, the user) never
    reaches ``DatabaseUnavailableMiddleware``; Django turns it into a 500 here, so the database's
    absence is answered 503 here too."""
    if database_away(sys.exception()):
        return DatabaseUnavailableMiddleware.unavailable(request)
    return defaults.server_error(request)


@never_cache
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@never_cache
def readyz(request):
    """Ready to take traffic: the database, the cache and the file store all answer. 200, or 503
    as a problem document naming what failed (``/healthz`` stays the database-only probe)."""
    checks = {
        "database": _database_answers,
        "cache": _cache_answers,
        "store": _store_answers,
    }
    results = {name: "ok" if check() else "unavailable" for name, check in checks.items()}
    failed = [name for name, result in results.items() if result != "ok"]
    if not failed:
        return JsonResponse({"status": "ok", **results})
    response = JsonResponse(
        {
            "type": "about:blank",
            "title": "Not ready",
            "status": 503,
            "detail": "Unavailable: " + ", ".join(failed),
            "instance": request.path,
            "checks": results,
        },
        status=503,
        content_type="application/problem+json",
    )
    response["Retry-After"] = "10"
    return response


def _database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return False
    return True


def _cache_answers() -> bool:
    key = "mpp:readyz"
    try:
        cache.set(key, "1", 10)
        return cache.get(key) == "1"
    except Exception as error:  # the cache backend's own errors (redis.ConnectionError …)
        logger.warning("readyz: cache %s", type(error).__name__)
        return False


def _store_answers() -> bool:
    try:
        check_store()
    except StoreUnavailable:
        return False
    return True
