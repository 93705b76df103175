from django.db import connection
from django.db.utils import Error as DatabaseError
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from mpp.catalog import selectors as catalog
from mpp.catalog.public_cache import public_page


@public_page
def home(request):
    mpps = list(catalog.home_mpps())
    return render(request, "web/home.html", {"mpps": mpps})


@never_cache
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
