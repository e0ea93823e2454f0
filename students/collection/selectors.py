"""Reads of the collection pages, always scoped to the user and in a fixed number of
queries: the rounds, a round's progress school by school, a school's submissions and
what a staged submission would do to the registry."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from khuyenhoc.access import CHANGE, VIEW, scope_for
from khuyenhoc.models import Area, School
from khuyenhoc.text import search_key
from students.models import (
    Circumstance,
    CollectionRound,
    Ethnicity,
    Gender,
    Guardian,
    Status,
    Student,
    Submission,
    SubmissionRow,
    Wish,
)
from students.record.selectors import schools_for_student_change

NOT_STARTED = "not_started"
# The states a school can be in on the progress page, in the order they are listed.
PROGRESS_STATES: list[tuple[str, str]] = [
    (NOT_STARTED, gettext_lazy("Chưa nộp")),
    *Submission.State.choices,
]
# Shorter column headings for the summary by district, in the same order.
SUMMARY_LABELS = [
    gettext_lazy("Chưa nộp"),
    gettext_lazy("Đang xử lý"),
    gettext_lazy("Lỗi tệp"),
    gettext_lazy("Có lỗi"),
    gettext_lazy("Chờ xác nhận"),
    gettext_lazy("Đã gửi"),
    gettext_lazy("Đã duyệt"),
    gettext_lazy("Trả lại"),
]
DONE_STATES = (Submission.State.SUBMITTED, Submission.State.APPROVED)
PROGRESS_SORTS = ("truong", "trang-thai", "ngay")
# A filter value for every school that has not sent its list (any state but those).
NOT_SUBMITTED = "not_submitted"
FILTER_STATES: list[tuple[str, str]] = [
    (NOT_SUBMITTED, gettext_lazy("Chưa gửi danh sách (mọi trạng thái)")),
    *PROGRESS_STATES,
]


def rounds_for_user(*, user) -> QuerySet[CollectionRound]:
    return CollectionRound.objects.for_user(user, VIEW).select_related("area")


def round_get(*, user, pk: int) -> CollectionRound:
    return get_object_or_404(rounds_for_user(user=user), pk=pk)


def areas_for_round_create(*, user) -> QuerySet[Area]:
    """Provinces and districts where the user may open a round: the change scope for
    rounds (which needs the role's permission too)."""
    if not user.has_perm("students.add_collectionround"):
        return Area.objects.none()
    scope = scope_for(user, CHANGE, CollectionRound)
    areas = Area.objects.filter(kind__in=[Area.Kind.PROVINCE, Area.Kind.DISTRICT])
    if scope.everything:
        return areas
    q = Q(pk__in=[])
    for path in scope.area_paths:
        q |= Q(path__startswith=path)
    return areas.filter(q)


def round_schools(*, user, collection_round: CollectionRound) -> QuerySet[School]:
    """Active schools inside the round's area that the user may see."""
    return School.objects.for_user(user, VIEW).filter(
        commune__path__startswith=collection_round.area.path, is_active=True
    )


def round_school_get(*, user, collection_round: CollectionRound, pk: int) -> School:
    return get_object_or_404(
        round_schools(user=user, collection_round=collection_round).select_related("commune"),
        pk=pk,
    )


def user_can_upload(*, user, school: School) -> bool:
    return schools_for_student_change(user=user).filter(pk=school.pk).exists()


def user_can_review(*, user, submission: Submission) -> bool:
    return user.has_perm("students.review_submission") and user_can_upload(
        user=user, school=submission.school
    )


def user_can_manage_round(*, user, collection_round: CollectionRound) -> bool:
    """Closing or extending a round: whoever may change rounds (provincial staff) in
    an area holding the round's own area."""
    if not user.has_perm("students.change_collectionround"):
        return False
    scope = scope_for(user, CHANGE, CollectionRound)
    if scope.everything:
        return True
    return any(collection_round.area.path.startswith(path) for path in scope.area_paths)


def submissions_reviewable(*, user, collection_round: CollectionRound, pks: list[int]):
    """The submitted lists of the round, among `pks`, that the user may approve: each
    one through the user's change scope (an id outside it is simply not found)."""
    if not user.has_perm("students.review_submission"):
        return []
    schools = schools_for_student_change(user=user)
    return list(
        Submission.objects.for_user(user, VIEW)
        .filter(
            pk__in=pks,
            round=collection_round,
            state=Submission.State.SUBMITTED,
            school__in=schools,
        )
        .select_related("school")
        .order_by("school__name")
    )


@dataclass
class SchoolProgress:
    school: School
    district: Area | None
    state: str
    state_label: str
    submission_id: int | None = None
    rows_total: int = 0
    rows_error: int = 0
    uploaded_at: dt.datetime | None = None
    late: bool = False


@dataclass
class DistrictSummary:
    district: Area | None
    counts: Counter = field(default_factory=Counter)
    late: int = 0

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def done(self) -> int:
        return sum(self.counts[s] for s in DONE_STATES)

    @property
    def cells(self) -> list[int]:
        """The count of each progress state, in the order of the table's columns."""
        return [self.counts[state] for state, _label in PROGRESS_STATES]


def _districts_of(area: Area) -> list[Area]:
    return list(
        Area.objects.filter(kind=Area.Kind.DISTRICT)
        .filter(Q(path__startswith=area.path) | Q(pk=area.pk))
        .order_by("name")
    )


def round_progress(
    *,
    user,
    collection_round: CollectionRound,
    district: int | None = None,
    state: str = "",
    q: str = "",
    sort: str = "",
) -> dict:
    """Each school of the round's area in the user's view, with the state of its
    latest submission in the round, filtered (district, state, name); the summary and
    the table by district count the schools the filter keeps. Four queries in all."""
    today = timezone.localdate()
    deadline = collection_round.deadline
    districts = _districts_of(collection_round.area)
    by_path = {d.path: d for d in districts}
    schools = list(
        round_schools(user=user, collection_round=collection_round).select_related("commune")
    )
    latest = {
        s["school_id"]: s
        for s in Submission.objects.filter(
            round=collection_round, school_id__in=[s.pk for s in schools]
        )
        .order_by("school_id", "-created_at", "-pk")
        .distinct("school_id")
        .values(
            "pk", "school_id", "state", "rows_total", "rows_error", "created_at", "confirmed_at"
        )
    }
    labels = dict(PROGRESS_STATES)
    items: list[SchoolProgress] = []
    for school in schools:
        path = school.commune.path
        school_district = next(
            (
                by_path[path[:i]]
                for i in range(Area.steplen, len(path) + 1, Area.steplen)
                if path[:i] in by_path
            ),
            None,
        )
        sub = latest.get(school.pk)
        item = SchoolProgress(
            school=school,
            district=school_district,
            state=sub["state"] if sub else NOT_STARTED,
            state_label=labels[sub["state"] if sub else NOT_STARTED],
        )
        if sub:
            item.submission_id = sub["pk"]
            item.rows_total, item.rows_error = sub["rows_total"], sub["rows_error"]
            item.uploaded_at = sub["created_at"]
        confirmed = sub and sub["confirmed_at"]
        if item.state in DONE_STATES:
            item.late = bool(confirmed and timezone.localdate(confirmed) > deadline)
        else:
            item.late = today > deadline
        items.append(item)
    # The district filter offers every district with a school, whatever else is chosen.
    with_schools = {i.district.pk for i in items if i.district}

    shown = items
    if district:
        shown = [i for i in shown if i.district and i.district.pk == district]
    if state == NOT_SUBMITTED:
        shown = [i for i in shown if i.state not in DONE_STATES]
    elif state:
        shown = [i for i in shown if i.state == state]
    if key := search_key(q):
        shown = [i for i in shown if key in i.school.search_key]

    summaries: dict[int | None, DistrictSummary] = {}
    for item in shown:
        summary_key = item.district.pk if item.district else None
        summary = summaries.setdefault(summary_key, DistrictSummary(district=item.district))
        summary.counts[item.state] += 1
        summary.late += item.late
    total = DistrictSummary(district=None)
    for summary in summaries.values():
        total.counts.update(summary.counts)
        total.late += summary.late

    order = [s for s, _label in PROGRESS_STATES]
    descending = sort.startswith("-")
    key = sort.lstrip("-")
    if key == "trang-thai":
        shown.sort(key=lambda i: (order.index(i.state), i.school.name), reverse=descending)
    elif key == "ngay":
        never = dt.datetime.min.replace(tzinfo=dt.UTC)
        shown.sort(key=lambda i: (i.uploaded_at or never, i.school.name), reverse=descending)
    else:
        shown.sort(
            key=lambda i: (i.district.name if i.district else "", i.school.name),
            reverse=descending,
        )
    return {
        "items": shown,
        "summaries": [summaries[d.pk] for d in districts if d.pk in summaries]
        + ([summaries[None]] if None in summaries else []),
        "total": total,
        "not_submitted": total.total - total.done,
        "districts": [d for d in districts if d.pk in with_schools],
        "states": PROGRESS_STATES,
        "summary_labels": SUMMARY_LABELS,
        "is_past_deadline": today > deadline,
    }


def _superseding_q() -> Q:
    """Submissions that replace an earlier list of the same school in the round: one
    being read, or one that was read and has rows to write (or wrote them). A file that
    could not be read, or whose rows all have errors, leaves the earlier list pending."""
    return Q(state=Submission.State.PROCESSING) | (
        Q(rows_valid__gt=0) & ~Q(state=Submission.State.FAILED)
    )


def submission_superseded(*, submission: Submission) -> bool:
    """Whether the school sent a later list in the same round that replaces this one:
    an older list is kept for the record but is no longer the one to confirm."""
    if submission.round_id is None:
        return False
    return (
        Submission.objects.filter(round_id=submission.round_id, school_id=submission.school_id)
        .filter(
            Q(created_at__gt=submission.created_at)
            | Q(created_at=submission.created_at, pk__gt=submission.pk)
        )
        .filter(_superseding_q())
        .exists()
    )


def submission_pending(*, submissions: list[Submission]) -> Submission | None:
    """Of a school's submissions in a round (newest first), the one waiting for its
    confirmation, if any: the newest that is not superseded by a later one."""
    for submission in submissions:
        # The same test as _superseding_q: the newest list that counts decides.
        if submission.state == Submission.State.PROCESSING or (
            submission.state != Submission.State.FAILED and submission.rows_valid
        ):
            pending = (Submission.State.READY, Submission.State.HAS_ERRORS)
            return submission if submission.state in pending else None
    return None


def school_submissions(*, user, collection_round: CollectionRound, school: School):
    return (
        Submission.objects.for_user(user, VIEW)
        .filter(round=collection_round, school=school)
        .select_related("uploaded_by", "reviewed_by")
        .order_by("-created_at", "-pk")
    )


def submission_get(*, user, pk: int, action: str = VIEW) -> Submission:
    queryset = Submission.objects.for_user(user, action).select_related(
        "school", "school__commune", "round", "uploaded_by", "reviewed_by", "confirmed_by", "job"
    )
    try:
        return queryset.get(pk=pk)
    except Submission.DoesNotExist:
        raise Http404 from None


# What the review page shows of each staged row.
FIELD_LABELS: dict[str, object] = {
    "full_name": gettext_lazy("Họ và tên"),
    "birth_date": gettext_lazy("Ngày sinh"),
    "birth_year": gettext_lazy("Năm sinh"),
    "gender": gettext_lazy("Giới tính"),
    "ethnicity_id": gettext_lazy("Dân tộc"),
    "personal_id": gettext_lazy("Số định danh cá nhân"),
    "moet_code": gettext_lazy("Mã học sinh"),
    "grade": gettext_lazy("Khối lớp"),
    "class_name": gettext_lazy("Lớp"),
    "village": gettext_lazy("Thôn/Khối phố"),
    "commune_id": gettext_lazy("Xã/Phường"),
    "address_text": gettext_lazy("Địa chỉ như đã ghi"),
    "specific_situation": gettext_lazy("Hoàn cảnh cụ thể"),
    "wishes": gettext_lazy("Nguyện vọng"),
    "wishes_note": gettext_lazy("Nguyện vọng khác"),
    "note": gettext_lazy("Ghi chú"),
    "guardian": gettext_lazy("Phụ huynh/người giám hộ"),
    "guardian:relation": gettext_lazy("Quan hệ của phụ huynh"),
    "guardian:occupation": gettext_lazy("Nghề nghiệp của phụ huynh"),
    "guardian:phone": gettext_lazy("Số điện thoại phụ huynh"),
}
CAP = 200


class _Names:
    """Labels for the ids and codes staged rows hold, looked up once per page."""

    def __init__(self, rows: list[SubmissionRow], *, confirmed: bool = False):
        self.confirmed = confirmed
        ethnicity_ids, commune_ids = set(), set()
        for row in rows:
            values = row.data.get("values", {})
            ethnicity_ids.add(values.get("ethnicity_id"))
            commune_ids.add(values.get("commune_id"))
            for key, (old, new) in row.changes.items():
                if key == "ethnicity_id":
                    ethnicity_ids |= {old, new}
                elif key == "commune_id":
                    commune_ids |= {old, new}
        ethnicity_ids.discard(None)
        commune_ids.discard(None)
        self.ethnicities = dict(
            Ethnicity.objects.filter(pk__in=ethnicity_ids).values_list("pk", "name")
        )
        self.communes = dict(Area.objects.filter(pk__in=commune_ids).values_list("pk", "name"))
        self.genders = dict(Gender.choices)
        self.wishes = dict(Wish.choices)
        self.relations = dict(Guardian.Relation.choices)

    def value(self, key: str, value) -> str:
        if value in (None, "", []):
            return "—"
        if key == "birth_date":
            try:
                return dt.date.fromisoformat(value).strftime("%d/%m/%Y")
            except (TypeError, ValueError):
                return str(value)
        if key == "gender":
            return str(self.genders.get(value, value))
        if key == "ethnicity_id":
            return self.ethnicities.get(value, str(value))
        if key == "commune_id":
            return self.communes.get(value, str(value))
        if key == "wishes":
            return ", ".join(str(self.wishes.get(w, w)) for w in value)
        if key == "guardian:relation":
            return str(self.relations.get(value, value))
        return str(value)


def _field_label(key: str) -> str:
    if key.startswith("circumstance:"):
        kind = key.split(":", 1)[1]
        return _("Hoàn cảnh: %(kind)s") % {"kind": dict(Circumstance.Kind.choices).get(kind, kind)}
    return str(FIELD_LABELS.get(key, key))


def _row_summary(row: SubmissionRow, names: _Names) -> dict:
    values = row.data.get("values", {})
    birth = (
        names.value("birth_date", values.get("birth_date"))
        if values.get("birth_date")
        else (values.get("birth_year") or "—")
    )
    return {
        "row": row.row_number,
        "name": values.get("full_name") or "—",
        "birth": birth,
        "class_name": values.get("class_name") or values.get("grade") or "—",
        # A new row's student exists only once the list is confirmed.
        "student_id": row.student_id
        if row.action != SubmissionRow.Action.NEW or names.confirmed
        else None,
        "circumstances": [c.get("kind") for c in row.data.get("circumstances", [])],
    }


def submission_review_data(*, user, submission: Submission) -> dict:
    """Everything the review page lists, each long list capped at CAP entries with its
    full count."""
    rows = SubmissionRow.objects.filter(submission=submission)
    error_rows = list(rows.exclude(errors=[]).order_by("row_number")[:CAP])
    error_issues = [issue for r in error_rows for issue in r.errors]
    warning_rows = list(rows.exclude(warnings=[]).order_by("row_number")[:CAP])
    warning_issues = [issue for r in warning_rows for issue in r.warnings]
    new_rows = list(rows.filter(action=SubmissionRow.Action.NEW).order_by("row_number")[:CAP])
    changed_rows = list(
        rows.filter(action=SubmissionRow.Action.CHANGED)
        .select_related("student")
        .order_by("row_number")[:CAP]
    )
    names = _Names(new_rows + changed_rows, confirmed=submission.confirmed_at is not None)
    changed = []
    for row in changed_rows:
        summary = _row_summary(row, names)
        if row.student is not None and submission.confirmed_at is None:
            # Before the confirmation, the name on record; after, the list's own.
            summary["name"] = row.student.full_name
        summary["changes"] = [
            {
                "label": _field_label(key),
                "old": names.value(key, old),
                "new": names.value(key, new),
            }
            for key, (old, new) in row.changes.items()
        ]
        changed.append(summary)
    if submission.confirmed_at is not None:
        # Kept as they were at the confirmation: later transfers or new students in
        # the registry do not change what this list left out.
        missing_qs = Student.objects.for_user(user, VIEW).filter(
            pk__in=submission.missing_student_ids
        )
        missing_count = submission.missing_count
    else:
        matched = rows.filter(student__isnull=False).values("student_id")
        missing_qs = (
            Student.objects.for_user(user, VIEW)
            .filter(school=submission.school, status=Status.STUDYING)
            .exclude(pk__in=matched)
        )
        missing_count = missing_qs.count()
    missing_qs = missing_qs.order_by("grade", "class_name", "search_key")
    error_numbers = list(
        rows.filter(action=SubmissionRow.Action.INVALID)
        .order_by("row_number")
        .values_list("row_number", flat=True)
    )
    return {
        "error_issues": error_issues,
        "error_rows_count": rows.exclude(errors=[]).count()
        if len(error_rows) == CAP
        else len(error_rows),
        "warning_issues": warning_issues,
        "warning_rows_count": submission.rows_warning,
        "new_rows": [_row_summary(r, names) for r in new_rows],
        "changed_rows": changed,
        "missing": list(missing_qs[:CAP]),
        "missing_count": missing_count,
        "error_numbers": error_numbers,
        "cap": CAP,
    }


@dataclass
class SchoolTask:
    """What a school has to do in a round, for its home page."""

    round: CollectionRound
    school: School
    # upload, processing, confirm, submitted, returned, approved
    step: str
    # The list the step is about (to confirm, sent, returned or approved).
    submission: Submission | None = None
    # A later upload that could not be read or had no valid row, shown with its reason.
    failed: Submission | None = None


def school_tasks(*, user) -> list[SchoolTask]:
    """For each open round and each school whose students the user may change, the
    next step of the school: download the template and upload, confirm, wait for the
    district, correct a returned list, or nothing (approved). Three queries."""
    schools = list(schools_for_student_change(user=user).select_related("commune"))
    if not schools:
        return []
    rounds = list(
        rounds_for_user(user=user).filter(closed_at__isnull=True).order_by("deadline", "pk")
    )
    pairs = [
        (r, school)
        for r in rounds
        for school in schools
        if school.commune.path.startswith(r.area.path)
    ]
    by_pair: dict[tuple[int, int], list[Submission]] = {}
    if pairs:
        for sub in (
            Submission.objects.filter(
                round__in=[r for r, _s in pairs], school__in=[s for _r, s in pairs]
            )
            .select_related("reviewed_by")
            .order_by("-created_at", "-pk")
        ):
            by_pair.setdefault((sub.round_id, sub.school_id), []).append(sub)
    tasks = []
    for r, school in pairs:
        subs = by_pair.get((r.pk, school.pk), [])
        task = SchoolTask(round=r, school=school, step="upload")
        for sub in subs:
            if sub.state == Submission.State.PROCESSING or (
                sub.state != Submission.State.FAILED and sub.rows_valid
            ):
                task.submission = sub
                task.step = {
                    Submission.State.PROCESSING: "processing",
                    Submission.State.READY: "confirm",
                    Submission.State.HAS_ERRORS: "confirm",
                    Submission.State.SUBMITTED: "submitted",
                    Submission.State.APPROVED: "approved",
                    Submission.State.RETURNED: "returned",
                }[sub.state]
                break
        if subs and subs[0] is not task.submission:
            task.failed = subs[0]
        tasks.append(task)
    return tasks
