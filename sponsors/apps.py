from django.apps import AppConfig


class SponsorsConfig(AppConfig):
    name = "sponsors"
    verbose_name = "Nhà tài trợ và chương trình"
    default_auto_field = "django.db.models.BigAutoField"
