import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "khuyenhoc.settings")
application = get_wsgi_application()


def startup_objects_freeze() -> None:
    """Keep the objects loaded at start out of the garbage collector's full passes.

    Django, the apps and their libraries are ~120,000 long-lived objects; every full
    collection walked them all again (100-130 ms), and that landed in whichever
    request triggered it: the student list's slow requests were these pauses."""
    gc.collect()
    gc.freeze()


# Importing the URLconf loads every view module now, so their objects are frozen too.
from django.urls import get_resolver  # noqa: E402

get_resolver().url_patterns  # noqa: B018
startup_objects_freeze()
