"""The yearly collection of lists from schools: rounds, uploaded files (submissions)
and their staged rows, reviewed before anything reaches the registry."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from khuyenhoc.models import Area, Job, School


class CollectionRoundQuerySet(models.QuerySet):
    def for_user(self, user, action: str = "view") -> CollectionRoundQuerySet:
        """A round is visible to whoever works anywhere inside its area; opening or
        changing one needs the area itself (and the role's permission)."""
        from khuyenhoc.access import scope_for

        scope = scope_for(user, action, self.model)
        if scope.everything:
            return self
        if scope.is_empty:
            return self.none()
        paths = list(scope.area_paths)
        if action == "view" and scope.school_ids:
            paths += list(
                School.objects.filter(pk__in=scope.school_ids).values_list(
                    "commune__path", flat=True
                )
            )
        q = Q(pk__in=[])
        for path in paths:
            q |= Q(area__path__startswith=path)
            if action == "view":
                q |= Q(
                    area__path__in=[path[:i] for i in range(Area.steplen, len(path), Area.steplen)]
                )
        return self.filter(q)


class CollectionRound(models.Model):
    """Đợt thu thập: the province asks every school for its list for a school year."""

    name = models.CharField(_("tên đợt"), max_length=200)
    school_year = models.PositiveSmallIntegerField(_("năm học (năm bắt đầu)"))
    area = models.ForeignKey(
        Area, verbose_name=_("địa bàn"), on_delete=models.PROTECT, related_name="+"
    )
    opens_on = models.DateField(_("ngày mở"))
    deadline = models.DateField(_("hạn nộp"))
    note = models.TextField(_("ghi chú"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người mở đợt"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    closed_at = models.DateTimeField(_("đóng lúc"), null=True, blank=True)

    objects = CollectionRoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("đợt thu thập")
        verbose_name_plural = _("đợt thu thập")
        ordering = ["-school_year", "-opens_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(deadline__gte=models.F("opens_on")), name="round_deadline_after_open"
            ),
            models.CheckConstraint(
                condition=Q(school_year__gte=2000, school_year__lte=2100), name="round_school_year"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def school_year_display(self) -> str:
        return f"{self.school_year}-{self.school_year + 1}"


class SubmissionQuerySet(models.QuerySet):
    def for_user(self, user, action: str = "view") -> SubmissionQuerySet:
        from khuyenhoc.access import scoped_by_school

        return scoped_by_school(self, user, action)


class Submission(models.Model):
    """One uploaded list of one school: read, checked and staged, then confirmed into
    the registry, then approved or sent back by the district."""

    class State(models.TextChoices):
        PROCESSING = "processing", _("Đang xử lý")
        FAILED = "failed", _("Không đọc được tệp")
        HAS_ERRORS = "has_errors", _("Có lỗi")
        READY = "ready", _("Chờ xác nhận")
        SUBMITTED = "submitted", _("Đã gửi")
        APPROVED = "approved", _("Đã duyệt")
        RETURNED = "returned", _("Bị trả lại")

    round = models.ForeignKey(
        CollectionRound,
        verbose_name=_("đợt thu thập"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="submissions",
    )
    school = models.ForeignKey(
        School, verbose_name=_("trường"), on_delete=models.PROTECT, related_name="submissions"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tải lên"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    file = models.FileField(_("tệp"), upload_to="submissions/%Y/%m/", max_length=255)
    original_name = models.CharField(_("tên tệp"), max_length=255)
    file_sha256 = models.CharField(_("mã băm SHA-256 của tệp"), max_length=64, db_index=True)
    file_size = models.PositiveIntegerField(_("cỡ tệp (byte)"), default=0)
    state = models.CharField(
        _("trạng thái"), max_length=12, choices=State.choices, default=State.PROCESSING
    )
    job = models.ForeignKey(
        Job,
        verbose_name=_("tác vụ"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    sheet_name = models.CharField(_("trang tính"), max_length=100, blank=True)
    file_errors = models.JSONField(_("lỗi của tệp"), default=list, blank=True)
    unknown_columns = models.JSONField(_("cột không nhận ra"), default=list, blank=True)
    rows_total = models.PositiveIntegerField(_("số dòng"), default=0)
    rows_valid = models.PositiveIntegerField(_("dòng hợp lệ"), default=0)
    rows_error = models.PositiveIntegerField(_("dòng lỗi"), default=0)
    rows_warning = models.PositiveIntegerField(_("dòng cần xem lại"), default=0)
    new_count = models.PositiveIntegerField(_("học sinh mới"), default=0)
    changed_count = models.PositiveIntegerField(_("có thay đổi"), default=0)
    unchanged_count = models.PositiveIntegerField(_("không đổi"), default=0)
    missing_count = models.PositiveIntegerField(_("không có trong tệp"), default=0)
    # The school's studying students the list left out, as they were when it was
    # confirmed: the review page shows these, not today's registry.
    missing_student_ids = models.JSONField(
        _("học sinh không có trong tệp (lúc xác nhận)"), default=list, blank=True
    )
    created_count = models.PositiveIntegerField(_("đã thêm"), default=0)
    updated_count = models.PositiveIntegerField(_("đã cập nhật"), default=0)

    created_at = models.DateTimeField(_("tải lên lúc"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("xác nhận lúc"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người xác nhận"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("duyệt lúc"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người duyệt"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    review_comment = models.TextField(_("ý kiến của hội huyện"), blank=True)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        verbose_name = _("danh sách nộp")
        verbose_name_plural = _("danh sách nộp")
        ordering = ["-created_at"]
        permissions = [("review_submission", _("Duyệt hoặc trả lại danh sách của trường"))]
        indexes = [
            models.Index(fields=["round", "school", "-created_at"], name="submission_round_school")
        ]

    def __str__(self) -> str:
        return f"{self.school} — {self.original_name}"


class SubmissionRowQuerySet(models.QuerySet):
    def for_user(self, user, action: str = "view") -> SubmissionRowQuerySet:
        from khuyenhoc.access import scoped_by_school

        return scoped_by_school(self, user, action, "submission__school")


class SubmissionRow(models.Model):
    """A staged row: the clean values read from the file, its problems, and what it
    would do to the registry (new student, changes, nothing)."""

    class Action(models.TextChoices):
        NEW = "new", _("Học sinh mới")
        CHANGED = "changed", _("Có thay đổi")
        UNCHANGED = "unchanged", _("Không đổi")
        INVALID = "invalid", _("Có lỗi")

    # Its index is the unique (submission, row_number) one.
    submission = models.ForeignKey(
        Submission,
        verbose_name=_("danh sách"),
        on_delete=models.CASCADE,
        related_name="rows",
        db_index=False,
    )
    row_number = models.PositiveIntegerField(_("dòng"))
    data = models.JSONField(default=dict)
    errors = models.JSONField(default=list, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    action = models.CharField(_("việc cần làm"), max_length=10, choices=Action.choices)
    # For a new row, the id its student gets is drawn when the file is staged, before the
    # student exists: no database constraint, so that confirming needs no round trip.
    student = models.ForeignKey(
        "students.Student",
        verbose_name=_("học sinh"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    changes = models.JSONField(_("thay đổi"), default=dict, blank=True)

    objects = SubmissionRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("dòng của danh sách")
        verbose_name_plural = _("dòng của danh sách")
        ordering = ["submission", "row_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "row_number"], name="submission_row_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.submission_id}:{self.row_number}"

    @property
    def applied(self) -> bool:
        """Confirming a list writes all its valid rows at once; rows with errors wait for
        a corrected upload."""
        return self.action != self.Action.INVALID and self.submission.confirmed_at is not None
