"""Roles are Django groups. A role says what a person may do (model permissions);
grants on areas and schools say where (see khuyenhoc.access)."""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext_lazy as _


class Role(StrEnum):
    ADMIN = "admin"
    PROVINCIAL_LEADER = "provincial_leader"
    PROVINCIAL_STAFF = "provincial_staff"
    DISTRICT_STAFF = "district_staff"
    SCHOOL_STAFF = "school_staff"

    @property
    def label(self) -> str:
        return str(ROLE_LABELS[self])


ROLE_LABELS = {
    Role.ADMIN: _("Quản trị hệ thống"),
    Role.PROVINCIAL_LEADER: _("Lãnh đạo tỉnh hội"),
    Role.PROVINCIAL_STAFF: _("Cán bộ tỉnh hội"),
    Role.DISTRICT_STAFF: _("Cán bộ hội huyện"),
    Role.SCHOOL_STAFF: _("Cán bộ trường học"),
}


def model_perms(models: list[str], actions: list[str]) -> list[str]:
    """["students.student"], ["view"] -> ["students.view_student"]."""
    return [f"{m.split('.')[0]}.{a}_{m.split('.')[1]}" for m in models for a in actions]


# The core's own models; each app adds what its roles may do with its models through
# role_permissions_register (in its AppConfig.ready), so the core names no app.
_permissions: dict[Role, list[str]] = {
    Role.ADMIN: ["*"],
    Role.PROVINCIAL_LEADER: model_perms(["khuyenhoc.area", "khuyenhoc.school"], ["view"]),
    Role.PROVINCIAL_STAFF: model_perms(["khuyenhoc.school"], ["view", "add", "change"])
    + model_perms(["khuyenhoc.area"], ["view"]),
    Role.DISTRICT_STAFF: model_perms(["khuyenhoc.area", "khuyenhoc.school"], ["view"]),
    Role.SCHOOL_STAFF: model_perms(["khuyenhoc.area", "khuyenhoc.school"], ["view"]),
}


def role_permissions_register(permissions: dict[Role, list[str]]) -> None:
    """Add an app's model permissions to roles ("app.codename" strings)."""
    for role, names in permissions.items():
        if _permissions.get(role) == ["*"]:
            continue
        known = _permissions.setdefault(role, [])
        known.extend(n for n in names if n not in known)


def role_permissions() -> dict[Role, list[str]]:
    return {role: list(names) for role, names in _permissions.items()}


def roles_sync(**kwargs) -> None:
    """Create the role groups and give each its model permissions (post_migrate)."""
    from django.contrib.auth.models import Group, Permission

    everything = Permission.objects.all()
    by_name = {
        f"{p.content_type.app_label}.{p.codename}": p
        for p in everything.select_related("content_type")
    }
    for role, names in role_permissions().items():
        group, _created = Group.objects.get_or_create(name=role.value)
        if names == ["*"]:
            group.permissions.set(everything)
        else:
            group.permissions.set([by_name[n] for n in names if n in by_name])


def user_roles(user) -> list[Role]:
    if not user.is_authenticated:
        return []
    # Asked several times per request (menu, context, permission checks): once per user
    # object, which lives for one request.
    cached = getattr(user, "_khuyenhoc_roles", None)
    if cached is None:
        names = {g.name for g in user.groups.all()}
        cached = user._khuyenhoc_roles = [r for r in Role if r.value in names]
    return list(cached)
