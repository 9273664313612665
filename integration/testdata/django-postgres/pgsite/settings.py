# A Django site whose one app keeps notes in PostgreSQL, through psycopg2.
# The connection comes from libpq's variables (PGHOST, PGPORT, PGUSER,
# PGPASSWORD, PGDATABASE, PGOPTIONS) set when the container starts.
import os

SECRET_KEY = "integration-test-only"
DEBUG = False
ALLOWED_HOSTS = ["*"]
INSTALLED_APPS = ["notes"]
MIDDLEWARE = []
ROOT_URLCONF = "pgsite.urls"
WSGI_APPLICATION = "pgsite.wsgi.application"
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": os.environ.get("PGDATABASE", "postgres"),
    }
}
