"""Reads for the review queue: pending pairs inside the user's scope, and the two
records side by side."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from khuyenhoc.access import CHANGE, VIEW
from khuyenhoc.models import Area, Job
from khuyenhoc.roles import Role, user_roles
from students.models import Circumstance, DuplicatePair, Guardian, Student

DETECT_JOB_KIND = "duplicates_detect"


def duplicate_pairs_pending(
    *, user, district: Area | None = None, reason: str = ""
) -> QuerySet[DuplicatePair]:
    """Pending pairs whose two students the user may both see, best first. A district
    keeps the pairs with at least one student in a school of that district."""
    pairs = DuplicatePair.objects.for_user(user, VIEW).filter(state=DuplicatePair.State.PENDING)
    if district is not None:
        pairs = pairs.filter(
            Q(student_a__school__commune__path__startswith=district.path)
            | Q(student_b__school__commune__path__startswith=district.path)
        )
    if reason:
        pairs = pairs.filter(reasons__contains=[reason])
    return pairs.select_related(
        "student_a__school", "student_b__school", "student_a__commune", "student_b__commune"
    ).order_by("-score", "pk")


def duplicate_districts(*, user) -> QuerySet[Area]:
    return Area.objects.for_user(user, VIEW).filter(kind=Area.Kind.DISTRICT).order_by("name")


def duplicate_pair_get(*, user, pk: int) -> DuplicatePair:
    """A pair whose two students the user may see; anything else is a 404."""
    return get_object_or_404(DuplicatePair.objects.for_user(user, VIEW), pk=pk)


def duplicate_pair_can_decide(*, user, pair: DuplicatePair) -> bool:
    return (
        pair.state == DuplicatePair.State.PENDING
        and DuplicatePair.objects.for_user(user, CHANGE).filter(pk=pair.pk).exists()
    )


def user_can_detect_duplicates(*, user) -> bool:
    """Provincial staff and administrators start the province-wide detection; district
    and school staff decide the pairs inside their scope but do not launch the run."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    roles = set(user_roles(user))
    return bool(roles & {Role.ADMIN, Role.PROVINCIAL_STAFF}) and user.has_perm(
        "students.change_student"
    )


def duplicate_detect_last_job(*, user) -> Job | None:
    return Job.objects.filter(owner=user, kind=DETECT_JOB_KIND).order_by("-pk").first()


@dataclass
class CompareRow:
    label: str
    a: str
    b: str

    @property
    def differs(self) -> bool:
        return self.a != self.b


def _text(value) -> str:
    return "" if value is None else str(value)


def _students_for_compare(pair: DuplicatePair) -> tuple[Student, Student]:
    students = {
        s.pk: s
        for s in Student.objects.filter(pk__in=[pair.student_a_id, pair.student_b_id])
        .select_related("school__commune", "commune", "ethnicity", "merged_into")
        .prefetch_related(
            Prefetch("guardians", queryset=Guardian.objects.order_by("pk")),
            Prefetch("circumstances", queryset=Circumstance.objects.order_by("kind", "pk")),
            "academic_results",
            "status_changes",
        )
    }
    return students[pair.student_a_id], students[pair.student_b_id]


def duplicate_comparison(*, pair: DuplicatePair) -> tuple[Student, Student, list[CompareRow]]:
    """The two students and their fields side by side; rows whose values differ are
    marked. Four queries whatever the records hold."""
    a, b = _students_for_compare(pair)

    def guardians(s: Student) -> str:
        return "; ".join(
            f"{g.full_name} ({g.get_relation_display()}{', ' + g.phone if g.phone else ''})"
            for g in s.guardians.all()
        )

    def circumstances(s: Student) -> str:
        return "; ".join(c.summary for c in s.circumstances.all())

    def results(s: Student) -> str:
        return "; ".join(
            f"{r.school_year_display}: {r.academic_result or '—'}" for r in s.academic_results.all()
        )

    fields = [
        (_("Họ và tên"), lambda s: s.full_name),
        (_("Ngày sinh"), lambda s: s.birth_display),
        (_("Giới tính"), lambda s: s.get_gender_display()),
        (_("Dân tộc"), lambda s: s.ethnicity.name),
        (_("Số định danh cá nhân"), lambda s: s.personal_id),
        (_("Mã học sinh"), lambda s: s.moet_code),
        (_("Trường"), lambda s: s.school.name),
        (_("Lớp"), lambda s: s.class_name or s.grade),
        (_("Xã/phường cư trú"), lambda s: s.commune.name if s.commune else ""),
        (_("Thôn/khối phố"), lambda s: s.village),
        (_("Địa chỉ như đã ghi"), lambda s: s.address_text),
        (_("Phụ huynh/người giám hộ"), guardians),
        (_("Hoàn cảnh"), circumstances),
        (_("Điểm hoàn cảnh"), lambda s: s.need_score),
        (_("Kết quả học tập"), results),
        (_("Tình trạng"), lambda s: s.get_status_display()),
        (_("Hoàn cảnh cụ thể"), lambda s: s.specific_situation),
        (_("Ngày tạo hồ sơ"), lambda s: timezone.localtime(s.created_at).strftime("%d/%m/%Y")),
    ]
    rows = [CompareRow(str(label), _text(get(a)), _text(get(b))) for label, get in fields]
    return a, b, rows
