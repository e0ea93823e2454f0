"""The registry's panel on every role's home page (registered in StudentsConfig.ready)."""

from __future__ import annotations

from khuyenhoc.home import HomePanel
from khuyenhoc.models import Area
from students.collection.selectors import school_tasks
from students.home import selectors
from students.list.selectors import areas_for_filter
from students.models import Circumstance
from students.record.selectors import user_can_change_students


def registry_context(request, kind: str) -> dict:
    user = request.user
    context = {"kind_labels": [label for _k, label in Circumstance.Kind.choices]}
    if kind == "province":
        rows, total = selectors.district_totals(user=user)
        # Areas with no school yet (the districts of the merged-in province, Cồn Cỏ)
        # would only add rows of zeros.
        with_schools = set(
            areas_for_filter(user=user).filter(kind=Area.Kind.DISTRICT).values_list("pk", flat=True)
        )
        context.update(
            district_rows=[row for row in rows if row.area.pk in with_schools], total=total
        )
    elif kind == "district":
        schools = selectors.school_totals(user=user)
        context.update(
            school_rows=[row for row in schools if row.students],
            empty_schools=[row.school for row in schools if not row.students],
            total_students=sum(row.students for row in schools),
            total_verified=sum(row.verified for row in schools),
        )
    elif kind == "school":
        # What the school has to do first: the collection round's next step.
        context["tasks"] = school_tasks(user=user)
        context.update(selectors.school_breakdown(user=user))
        context["schools"] = selectors.school_totals(user=user)
    context["can_change"] = user_can_change_students(user=user)
    return context


REGISTRY_PANEL = HomePanel(
    name="students", template="students/home/panel.html", context=registry_context, order=10
)
