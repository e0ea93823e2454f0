"""One demo person per role, with their grants on the old Quảng Trị."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group

from khuyenhoc.access import grant
from khuyenhoc.demo.areas import District
from khuyenhoc.demo.schools import SchoolPlan
from khuyenhoc.models import (
    Area,
    AreaUserObjectPermission,
    School,
    SchoolUserObjectPermission,
)
from khuyenhoc.roles import Role, roles_sync

DEMO_PASSWORD = "KhuyenHoc@2026"
DEMO_SCHOOL = "Trường THCS Gio Mỹ"


@dataclass(frozen=True)
class DemoUser:
    username: str
    last_name: str
    first_name: str
    role: Role
    action: str = ""  # grant: "view" or "change"
    district: str = ""  # district code; "" with an action means the province
    school: bool = False
    is_staff: bool = False
    is_superuser: bool = False


DEMO_USERS = [
    DemoUser("quantri", "Trần Minh", "Quân", Role.ADMIN, is_staff=True, is_superuser=True),
    DemoUser("lanhdao", "Lê Thị", "Hồng", Role.PROVINCIAL_LEADER, action="view"),
    DemoUser("tinhhoi", "Nguyễn Văn", "Bình", Role.PROVINCIAL_STAFF, "change", is_staff=True),
    DemoUser("hoi_dongha", "Hoàng Thị", "Lan", Role.DISTRICT_STAFF, "change", "461", is_staff=True),
    DemoUser("hoi_giolinh", "Phan Văn", "Hải", Role.DISTRICT_STAFF, "change", "466", is_staff=True),
    DemoUser("truong_giolinh", "Võ Thị Thu", "Hà", Role.SCHOOL_STAFF, "change", school=True),
]


def demo_school(*, schools: list[SchoolPlan]) -> SchoolPlan:
    """The school of the demo school account: a stable THCS of Gio Linh."""
    gio_linh = [p for p in schools if p.district.code == "466" and p.level == "lower_secondary"]
    return next((p for p in gio_linh if p.name == DEMO_SCHOOL), gio_linh[0])


def users_ensure(
    *, province: Area, districts: list[District], schools: list[SchoolPlan]
) -> dict[str, object]:
    """Create or reset the demo users: password, names, role group and grants."""
    if Group.objects.filter(name__in=[r.value for r in Role]).count() < len(Role):
        roles_sync()
    groups = {g.name: g for g in Group.objects.filter(name__in=[r.value for r in Role])}
    district_ids = {d.code: d.id for d in districts}
    school = School.objects.get(pk=demo_school(schools=schools).id)
    model = get_user_model()
    # One hash for all six: the password is public anyway, and hashing is slow.
    password = make_password(DEMO_PASSWORD)
    users: dict[str, object] = {}
    for spec in DEMO_USERS:
        user, _created = model.objects.get_or_create(username=spec.username)
        user.first_name, user.last_name = spec.first_name, spec.last_name
        user.is_staff, user.is_superuser, user.is_active = spec.is_staff, spec.is_superuser, True
        user.password = password
        user.save()
        user.groups.set([groups[spec.role.value]])
        # Grants are replaced, not added to, so a re-run leaves exactly these.
        AreaUserObjectPermission.objects.filter(user=user).delete()
        SchoolUserObjectPermission.objects.filter(user=user).delete()
        if spec.school:
            grant(who=user, action=spec.action, target=school)
        elif spec.action:
            area = Area.objects.get(pk=district_ids[spec.district]) if spec.district else province
            grant(who=user, action=spec.action, target=area)
        users[spec.username] = user
    return users
