from django.apps import AppConfig
from django.db.models.signals import post_migrate


class KhuyenhocConfig(AppConfig):
    name = "khuyenhoc"
    verbose_name = "Địa bàn, trường học và phân quyền"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from khuyenhoc.roles import roles_sync

        # Not tied to one app: every app's permissions must exist before roles get them.
        post_migrate.connect(roles_sync, dispatch_uid="khuyenhoc_roles_sync")
