from django.apps import AppConfig


class StudentsConfig(AppConfig):
    name = "students"
    verbose_name = "Học sinh"
    default_auto_field = "django.db.models.BigAutoField"
