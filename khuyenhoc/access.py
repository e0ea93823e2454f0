"""Who may see or change which rows: the one access-scoping path.

Every queryset that reaches a person goes through `Model.objects.for_user(user, action)`,
which asks `scope_for` here. A scope is the set of areas (by materialised path) and
schools granted to the person, directly or through a group, with django-guardian's
object permissions on Area and School rows. A grant on an area covers every area,
school and student below it. "change" also needs the role's model permission, so a
leader, who only has view permissions, can change nothing anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q
from django.http import Http404

from khuyenhoc.roles import Role, user_roles

VIEW = "view"
CHANGE = "change"
ACTIONS = (VIEW, CHANGE)


@dataclass(frozen=True)
class Scope:
    everything: bool = False
    area_paths: tuple[str, ...] = ()
    school_ids: tuple[int, ...] = field(default_factory=tuple)

    @property
    def is_empty(self) -> bool:
        return not self.everything and not self.area_paths and not self.school_ids

    def school_q(self, prefix: str = "") -> Q:
        """Q over School rows (or rows reached through `prefix`, e.g. "school__")."""
        if self.everything:
            return Q()
        q = Q(**{f"{prefix}pk__in": []})
        for path in self.area_paths:
            q |= Q(**{f"{prefix}commune__path__startswith": path})
        if self.school_ids:
            q |= Q(**{f"{prefix}pk__in": list(self.school_ids)})
        return q

    def school_ids_subquery(self):
        from khuyenhoc.models import School

        return School.objects.filter(self.school_q()).values("pk")


NO_SCOPE = Scope()
EVERYTHING = Scope(everything=True)


# A "change" grant gives "view" too.
_AREA_CODES = {"view_area_records": (VIEW,), "change_area_records": (VIEW, CHANGE)}
_SCHOOL_CODES = {"view_school_records": (VIEW,), "change_school_records": (VIEW, CHANGE)}


def _minimal_paths(paths: set[str]) -> tuple[str, ...]:
    kept: list[str] = []
    for path in sorted(paths):
        if not any(path.startswith(k) for k in kept):
            kept.append(path)
    return tuple(kept)


def _granted(user) -> dict[str, Scope]:
    """The user's scopes for both actions, from two queries (areas, schools): a page
    asks for both, to show rows and the buttons that change them."""
    from khuyenhoc.models import (
        AreaGroupObjectPermission,
        AreaUserObjectPermission,
        SchoolGroupObjectPermission,
        SchoolUserObjectPermission,
    )

    group_ids = user.groups.values("pk")
    areas = (
        AreaUserObjectPermission.objects.filter(user=user, permission__codename__in=_AREA_CODES)
        .values_list("content_object__path", "permission__codename")
        .union(
            AreaGroupObjectPermission.objects.filter(
                group__in=group_ids, permission__codename__in=_AREA_CODES
            ).values_list("content_object__path", "permission__codename")
        )
    )
    schools = (
        SchoolUserObjectPermission.objects.filter(user=user, permission__codename__in=_SCHOOL_CODES)
        .values_list("content_object_id", "permission__codename")
        .union(
            SchoolGroupObjectPermission.objects.filter(
                group__in=group_ids, permission__codename__in=_SCHOOL_CODES
            ).values_list("content_object_id", "permission__codename")
        )
    )
    paths: dict[str, set[str]] = {VIEW: set(), CHANGE: set()}
    school_ids: dict[str, set[int]] = {VIEW: set(), CHANGE: set()}
    for path, codename in areas:
        for action in _AREA_CODES[codename]:
            paths[action].add(path)
    for pk, codename in schools:
        for action in _SCHOOL_CODES[codename]:
            school_ids[action].add(pk)
    return {
        action: Scope(
            area_paths=_minimal_paths(paths[action]),
            school_ids=tuple(sorted(school_ids[action])),
        )
        for action in ACTIONS
    }


def scope_for(user, action: str = VIEW, model=None) -> Scope:
    """The rows `user` may `action` ("view" or "change"), as areas and schools."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    if user is None or not user.is_authenticated or not user.is_active:
        return NO_SCOPE
    if action == CHANGE and model is not None:
        opts = model._meta
        if not user.has_perm(f"{opts.app_label}.change_{opts.model_name}"):
            return NO_SCOPE
    if user.is_superuser:
        return EVERYTHING
    cache = user.__dict__.setdefault("_khuyenhoc_scopes", {})
    if action not in cache:
        # The user's roles are read once per request (khuyenhoc.roles.user_roles).
        if Role.ADMIN in user_roles(user):
            cache.update(dict.fromkeys(ACTIONS, EVERYTHING))
        else:
            cache.update(_granted(user))
    return cache[action]


def scoped_by_school(queryset, user, action: str, school_field: str = "school"):
    """`queryset` limited to rows whose school (reached through `school_field`) is in
    the user's scope: the shared body of every school-scoped `for_user`."""
    scope = scope_for(user, action, queryset.model)
    if scope.everything:
        return queryset
    if scope.is_empty:
        return queryset.none()
    return queryset.filter(**{f"{school_field}_id__in": scope.school_ids_subquery()})


def get_for_user_or_404(model, user, action: str = VIEW, **lookup):
    """Fetch one object for this user; anything outside their scope is a 404."""
    try:
        return model.objects.for_user(user, action).get(**lookup)
    except model.DoesNotExist:
        raise Http404 from None


def can(user, action: str, obj) -> bool:
    return type(obj).objects.for_user(user, action).filter(pk=obj.pk).exists()


def grant(*, who, action: str, target) -> None:
    """Grant `action` on an Area or School to a user or a group (both view and change
    for "change")."""
    from guardian.shortcuts import assign_perm

    from khuyenhoc.models import Area

    kind = "area" if isinstance(target, Area) else "school"
    actions = [VIEW, CHANGE] if action == CHANGE else [VIEW]
    for act in actions:
        assign_perm(f"khuyenhoc.{act}_{kind}_records", who, target)
    who.__dict__.pop("_khuyenhoc_scopes", None)
