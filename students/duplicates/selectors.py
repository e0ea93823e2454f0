"""Reads for the review queue: pending pairs inside the user's scope, and the two
records side by side."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from khuyenhoc.access import CHANGE, VIEW
from khuyenhoc.models import Area, Job
from khuyenhoc.roles import Role, user_roles
from khuyenhoc.templatetags.people import person_name
from students.duplicates.services import FILL_FIELDS, value_blank
from students.models import Circumstance, DuplicatePair, Guardian, Student

DETECT_JOB_KIND = "duplicates_detect"


def duplicate_pairs_in_state(
    *, user, district: Area | None = None, reason: str = "", state: str = "pending"
) -> QuerySet[DuplicatePair]:
    """Pending pairs (or, with `state`, decided ones, latest first) whose two students
    the user may both see, best first. A district keeps the pairs with at least one
    student in a school of that district."""
    pairs = DuplicatePair.objects.for_user(user, VIEW).filter(state=state)
    if district is not None:
        pairs = pairs.filter(
            Q(student_a__school__commune__path__startswith=district.path)
            | Q(student_b__school__commune__path__startswith=district.path)
        )
    if reason:
        pairs = pairs.filter(reasons__contains=[reason])
    order = ("-score", "pk") if state == DuplicatePair.State.PENDING else ("-decided_at", "-pk")
    return pairs.select_related(
        "student_a__school",
        "student_b__school",
        "student_a__commune",
        "student_b__commune",
        "decided_by",
    ).order_by(*order)


def duplicate_pair_changed(*, pair: DuplicatePair, a: Student, b: Student) -> bool:
    """Whether one of the two records was changed after the pair was found (the
    reviewer compares what is there now, not what the detection saw)."""
    return any(s.updated_at > pair.detected_at for s in (a, b))


def duplicate_districts(*, user) -> QuerySet[Area]:
    return Area.objects.for_user(user, VIEW).filter(kind=Area.Kind.DISTRICT).order_by("name")


def duplicate_pair_get(*, user, pk: int) -> DuplicatePair:
    """A pair whose two students the user may see; anything else is a 404."""
    return get_object_or_404(DuplicatePair.objects.for_user(user, VIEW), pk=pk)


def duplicate_pair_successor(*, user, pk: int) -> DuplicatePair | None:
    """A pair removed by a merge (the kept record already had a pair with the same
    student) lives on as that pair: the one the user may see, or None. Only on the rare
    path of an address that is gone, so the unindexed look-up in the merges is fine."""
    source = DuplicatePair.objects.filter(merges__contains=[{"pairs_removed": [{"id": pk}]}])
    for pair in source[:1]:
        for entry in reversed(pair.merges):
            for removed in entry.get("pairs_removed", []):
                if removed["id"] != pk:
                    continue
                ends = {removed["student_a"], removed["student_b"]} - {entry["merged"]}
                low, high = sorted({entry["kept"], *ends})
                return (
                    DuplicatePair.objects.for_user(user, VIEW)
                    .filter(student_a_id=low, student_b_id=high)
                    .first()
                )
    return None


def duplicate_pair_can_decide(*, user, pair: DuplicatePair) -> bool:
    return (
        pair.state == DuplicatePair.State.PENDING
        and DuplicatePair.objects.for_user(user, CHANGE).filter(pk=pair.pk).exists()
    )


def duplicate_pair_can_change(*, user, pair: DuplicatePair) -> bool:
    """Both records inside the user's "change" scope (whatever the pair's state)."""
    return DuplicatePair.objects.for_user(user, CHANGE).filter(pk=pair.pk).exists()


@dataclass
class MergeLogEntry:
    at: object
    by: str
    kept: int
    merged: int
    undone_at: object
    undone_by: str


def duplicate_merge_log(*, pair: DuplicatePair) -> list[MergeLogEntry]:
    """Every merge of the pair, and its undo, oldest first, with people's names."""
    ids = {e.get(k) for e in pair.merges for k in ("by", "undone_by")} - {None}
    people = {u.pk: person_name(u) for u in get_user_model().objects.filter(pk__in=ids)}
    return [
        MergeLogEntry(
            at=parse_datetime(e["at"]),
            by=people.get(e.get("by")) or e.get("by_name", ""),
            kept=e["kept"],
            merged=e["merged"],
            undone_at=parse_datetime(e["undone_at"]) if e.get("undone_at") else None,
            undone_by=people.get(e.get("undone_by")) or e.get("undone_by_name", ""),
        )
        for e in pair.merges
    ]


def duplicate_merge_preview(*, pair: DuplicatePair, keep: Student) -> dict:
    """What merging the pair into `keep` would do, for the confirmation page: the
    fields the kept record takes from the other, and the other's rows that move."""
    a, b = _students_for_compare(pair)
    kept, other = (a, b) if keep.pk == a.pk else (b, a)
    labels = {f.name: f.verbose_name for f in Student._meta.concrete_fields}
    fields = [
        (str(labels[name]).capitalize(), _text(getattr(other, name)))
        for name in FILL_FIELDS
        if value_blank(getattr(kept, name)) and not value_blank(getattr(other, name))
    ]
    if kept.birth_date is None and other.birth_date is not None:
        fields.append((_("Ngày sinh"), other.birth_date.strftime("%d/%m/%Y")))
    rows = [
        (_("Phụ huynh/người giám hộ"), len(other.guardians.all())),
        (_("Hoàn cảnh"), len(other.circumstances.all())),
        (_("Kết quả học tập"), len(other.academic_results.all())),
        (_("Lần đổi tình trạng"), len(other.status_changes.all())),
        (_("Hỗ trợ đã nhận"), other.supports.count()),
    ]
    return {"kept": kept, "other": other, "fields": fields, "rows": [r for r in rows if r[1]]}


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
