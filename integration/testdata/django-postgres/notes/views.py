import psycopg2
from django.db import connection
from django.http import JsonResponse

from .models import Note


def index(request):
    """Writes a note, then reads every note back from the database."""
    Note.objects.create(text=request.GET.get("text", "hello"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        schema = cursor.fetchone()[0]
    return JsonResponse({
        "notes": list(Note.objects.order_by("id").values_list("text", flat=True)),
        "schema": schema,
        "psycopg2": psycopg2.__file__,
        "libpq": psycopg2.__libpq_version__,
    })
