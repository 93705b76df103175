import sys

from django.db import connection
from django.db.utils import Error as DatabaseError
from django.http import JsonResponse
from django.shortcuts import render
from django.views import defaults
from django.views.decorators.cache import never_cache

from mpp.catalog import selectors as catalog
from mpp.catalog.public_cache import public_page
from mpp.web.middleware import DatabaseUnavailableMiddleware, database_away


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
