from django.apps import AppConfig


class StudentsConfig(AppConfig):
    name = "students"
    verbose_name = "Học sinh"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from khuyenhoc.home import home_panel_register
        from khuyenhoc.roles import role_permissions_register
        from students.home.panels import REGISTRY_PANEL
        from students.roles import PERMISSIONS

        role_permissions_register(PERMISSIONS)
        home_panel_register(REGISTRY_PANEL)
