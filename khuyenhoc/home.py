"""The home page's registry: each app contributes panels (its figures for a role's home)
from its AppConfig.ready(), so the core shows them without importing the app."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from khuyenhoc.roles import Role, user_roles

PROVINCE_ROLES = {Role.ADMIN, Role.PROVINCIAL_LEADER, Role.PROVINCIAL_STAFF}


def home_kind(user) -> str:
    """Which home page a user gets: the widest role they hold decides."""
    roles = set(user_roles(user))
    if user.is_superuser or roles & PROVINCE_ROLES:
        return "province"
    if Role.DISTRICT_STAFF in roles:
        return "district"
    if Role.SCHOOL_STAFF in roles:
        return "school"
    return "none"


@dataclass(frozen=True)
class HomePanel:
    """`context(request, kind)` returns the panel's template context, or None when the
    panel has nothing for this person; panels show in `order`."""

    name: str
    template: str
    context: Callable[..., dict | None]
    order: int = 100


_panels: dict[str, HomePanel] = {}


def home_panel_register(panel: HomePanel) -> None:
    _panels[panel.name] = panel


def home_panels() -> list[HomePanel]:
    return sorted(_panels.values(), key=lambda p: (p.order, p.name))
