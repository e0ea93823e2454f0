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

# Records that staff keep up to date; leaders only read them.
_RECORD_MODELS = [
    "students.student",
    "students.circumstance",
    "students.guardian",
    "students.academicresult",
    "students.statuschange",
    "students.support",
]
_REFERENCE_MODELS = ["khuyenhoc.area", "khuyenhoc.school", "students.ethnicity"]
# Uploaded lists: schools and districts send and review them.
_COLLECTION_MODELS = ["students.submission", "students.submissionrow"]


def _perms(models: list[str], actions: list[str]) -> list[str]:
    return [f"{m.split('.')[0]}.{a}_{m.split('.')[1]}" for m in models for a in actions]


ROLE_PERMISSIONS: dict[Role, list[str]] = {
    Role.ADMIN: ["*"],
    Role.PROVINCIAL_LEADER: _perms(
        _RECORD_MODELS + _REFERENCE_MODELS + _COLLECTION_MODELS + ["students.collectionround"],
        ["view"],
    ),
    Role.PROVINCIAL_STAFF: _perms(_RECORD_MODELS, ["view", "add", "change", "delete"])
    + _perms(_COLLECTION_MODELS + ["students.collectionround"], ["view", "add", "change"])
    + ["students.review_submission"]
    + _perms(["khuyenhoc.school"], ["view", "add", "change"])
    + _perms(["khuyenhoc.area", "students.ethnicity"], ["view"]),
    Role.DISTRICT_STAFF: _perms(_RECORD_MODELS + _COLLECTION_MODELS, ["view", "add", "change"])
    + _perms(_REFERENCE_MODELS + ["students.collectionround"], ["view"])
    + ["students.review_submission"],
    Role.SCHOOL_STAFF: _perms(_RECORD_MODELS + _COLLECTION_MODELS, ["view", "add", "change"])
    + _perms(_REFERENCE_MODELS + ["students.collectionround"], ["view"]),
}


def roles_sync(**kwargs) -> None:
    """Create the role groups and give each its model permissions (post_migrate)."""
    from django.contrib.auth.models import Group, Permission

    everything = Permission.objects.all()
    by_name = {
        f"{p.content_type.app_label}.{p.codename}": p
        for p in everything.select_related("content_type")
    }
    for role, names in ROLE_PERMISSIONS.items():
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
