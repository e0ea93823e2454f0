"""The home page: what each role needs to see first, from scoped aggregate queries."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from khuyenhoc.models import Area
from khuyenhoc.roles import Role, user_roles
from students import selectors
from students.collection.selectors import school_tasks
from students.models import Circumstance

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


@login_required
def home(request):
    kind = home_kind(request.user)
    context = {"home_kind": kind, "kind_labels": [label for _k, label in Circumstance.Kind.choices]}
    if kind == "province":
        rows, total = selectors.district_totals(user=request.user)
        # Areas with no school yet (the districts of the merged-in province, Cồn Cỏ)
        # would only add rows of zeros.
        with_schools = set(
            selectors.areas_for_filter(user=request.user)
            .filter(kind=Area.Kind.DISTRICT)
            .values_list("pk", flat=True)
        )
        context.update(
            district_rows=[row for row in rows if row.area.pk in with_schools], total=total
        )
    elif kind == "district":
        schools = selectors.school_totals(user=request.user)
        context.update(
            school_rows=[row for row in schools if row.students],
            empty_schools=[row.school for row in schools if not row.students],
            total_students=sum(row.students for row in schools),
            total_verified=sum(row.verified for row in schools),
        )
    elif kind == "school":
        # What the school has to do first: the collection round's next step.
        context["tasks"] = school_tasks(user=request.user)
        context.update(selectors.school_breakdown(user=request.user))
        context["schools"] = selectors.school_totals(user=request.user)
    context["can_change"] = selectors.user_can_change_students(user=request.user)
    return render(request, "home.html", context)
