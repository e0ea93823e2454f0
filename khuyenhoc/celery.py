import os
from pathlib import Path

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "khuyenhoc.settings")

app = Celery("khuyenhoc")
app.config_from_object("django.conf:settings", namespace="CELERY")


def _task_packages() -> list[str]:
    """Every package of a local app that has a tasks.py: the apps' features keep their
    tasks beside their services (students/collection/tasks.py), which Celery's own
    discovery (one tasks.py per app) would not find."""
    from django.apps import apps
    from django.conf import settings

    root = Path(settings.BASE_DIR)
    packages = []
    for config in apps.get_app_configs():
        path = Path(config.path)
        if root not in path.parents:
            continue
        for tasks in sorted(path.rglob("tasks.py")):
            relative = tasks.parent.relative_to(root)
            packages.append(".".join(relative.parts))
    return packages


app.autodiscover_tasks(_task_packages)
