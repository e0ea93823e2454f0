"""Reads over the area tree. Each returns one lazy queryset that costs one indexed
query; pass `user` to scope it to what that person may see."""

from __future__ import annotations

from django.db.models import Exists, OuterRef

from khuyenhoc.models import Area, AreaQuerySet, AreaSuccession


def _scoped(qs: AreaQuerySet, *, user, action: str) -> AreaQuerySet:
    return qs if user is None else qs.for_user(user, action)


def area_ancestors(area: Area, *, user=None, action: str = "view") -> AreaQuerySet:
    """From the root down to the parent: `path IN (prefixes)` on the unique path index."""
    paths = [area.path[:end] for end in range(Area.steplen, len(area.path), Area.steplen)]
    qs = Area.objects.filter(path__in=paths).order_by("depth")
    return _scoped(qs, user=user, action=action)


def area_descendants(
    area: Area, *, kind: str | None = None, user=None, action: str = "view"
) -> AreaQuerySet:
    """Everything below `area` in tree order: `path LIKE 'prefix%'` on the path index."""
    qs = Area.objects.filter(path__startswith=area.path, depth__gt=area.depth)
    if kind is not None:
        qs = qs.filter(kind=kind)
    return _scoped(qs, user=user, action=action)


def area_successors(old_area: Area, *, user=None, action: str = "view") -> AreaQuerySet:
    """The 2025 units that took over `old_area` (or, for an old district or province,
    any commune below it), the default successor first; each row carries
    `is_default_successor`."""
    links = AreaSuccession.objects.filter(
        new_area=OuterRef("pk"), old_area__path__startswith=old_area.path
    )
    qs = (
        Area.objects.filter(Exists(links))
        .annotate(is_default_successor=Exists(links.filter(is_default=True)))
        .order_by("-is_default_successor", "path")
    )
    return _scoped(qs, user=user, action=action)
