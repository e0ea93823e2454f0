"""The shared core: the tree of administrative areas, schools, and the object
permissions that give people access to an area or a school."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import User
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from khuyenhoc.text import search_key


class AreaQuerySet(MP_NodeQuerySet):
    def for_user(self, user, action: str = "view") -> AreaQuerySet:
        from khuyenhoc.access import scope_for

        scope = scope_for(user, action, self.model)
        if scope.everything:
            return self
        q = Q(pk__in=[])
        for path in scope.area_paths:
            q |= Q(path__startswith=path)
        if scope.school_ids:
            q |= Q(pk__in=School.objects.filter(pk__in=scope.school_ids).values("commune_id"))
        return self.filter(q)

    def current(self, on=None) -> AreaQuerySet:
        from django.utils import timezone

        day = on or timezone.localdate()
        return self.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day)).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=day)
        )


class AreaManager(MP_NodeManager):
    def get_queryset(self):
        return AreaQuerySet(self.model).order_by("path")

    def for_user(self, user, action: str = "view"):
        return self.get_queryset().for_user(user, action)


class Area(MP_Node):
    """A node of the administrative tree: province, district, commune (any depth).

    Materialised path (django-treebeard): descendants are one `path LIKE 'prefix%'`
    query on an indexed column, ancestors one `path IN (...)` query. Units are dated,
    so the pre-2025 tree and the 2025 tree live side by side.
    """

    class Kind(models.TextChoices):
        PROVINCE = "province", _("Tỉnh/Thành phố")
        DISTRICT = "district", _("Huyện/Quận/Thị xã/Thành phố thuộc tỉnh")
        COMMUNE = "commune", _("Xã/Phường/Thị trấn/Đặc khu")

    steplen = 4
    code = models.CharField(_("mã GSO"), max_length=10)
    name = models.CharField(_("tên"), max_length=150)
    short_name = models.CharField(_("tên ngắn"), max_length=120)
    unit_type = models.CharField(_("loại đơn vị"), max_length=40, blank=True)
    kind = models.CharField(_("cấp"), max_length=10, choices=Kind.choices)
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    search_key = models.CharField(max_length=150, editable=False, db_index=True)

    objects = AreaManager()

    class Meta:
        verbose_name = _("địa bàn")
        verbose_name_plural = _("địa bàn")
        permissions = [
            ("view_area_records", _("Xem dữ liệu trong địa bàn")),
            ("change_area_records", _("Cập nhật dữ liệu trong địa bàn")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "kind", "valid_from"],
                name="area_code_kind_valid_from_unique",
                nulls_distinct=False,
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="area_valid_range",
            ),
        ]
        indexes = [
            models.Index(
                fields=["path"], name="area_path_prefix", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(fields=["kind", "code"], name="area_kind_code"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.search_key = search_key(self.short_name or self.name)
        super().save(*args, **kwargs)

    @property
    def is_current(self) -> bool:
        from django.utils import timezone

        today = timezone.localdate()
        return (self.valid_from is None or self.valid_from <= today) and (
            self.valid_to is None or self.valid_to >= today
        )

    def district(self) -> Area | None:
        if self.kind == self.Kind.DISTRICT:
            return self
        return Area.objects.get_ancestors(self).filter(kind=self.Kind.DISTRICT).last()


class AreaSuccession(models.Model):
    """Old commune -> new commune after the 2025 reform. A divided old commune has
    several successors; one of them is the default used when nothing else tells."""

    old_area = models.ForeignKey(
        Area, verbose_name=_("xã cũ"), on_delete=models.CASCADE, related_name="successors"
    )
    new_area = models.ForeignKey(
        Area, verbose_name=_("xã mới"), on_delete=models.CASCADE, related_name="predecessors"
    )
    is_default = models.BooleanField(_("mặc định"), default=True)
    effective_on = models.DateField(_("từ ngày"))

    class Meta:
        verbose_name = _("sáp nhập địa bàn")
        verbose_name_plural = _("sáp nhập địa bàn")
        constraints = [
            models.UniqueConstraint(fields=["old_area", "new_area"], name="area_succession_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.old_area} → {self.new_area}"


class SchoolQuerySet(models.QuerySet):
    def for_user(self, user, action: str = "view") -> SchoolQuerySet:
        from khuyenhoc.access import scope_for

        scope = scope_for(user, action, self.model)
        if scope.everything:
            return self
        return self.filter(scope.school_q())


class School(models.Model):
    class Level(models.TextChoices):
        PRIMARY = "primary", _("Tiểu học")
        LOWER_SECONDARY = "lower_secondary", _("Trung học cơ sở")
        UPPER_SECONDARY = "upper_secondary", _("Trung học phổ thông")
        MULTI_LEVEL = "multi_level", _("Liên cấp")
        CONTINUING = "continuing", _("Giáo dục thường xuyên")

    # Grades each level teaches; a multi-level school states its own range.
    LEVEL_GRADES = {
        Level.PRIMARY: (1, 5),
        Level.LOWER_SECONDARY: (6, 9),
        Level.UPPER_SECONDARY: (10, 12),
        Level.MULTI_LEVEL: (1, 12),
        Level.CONTINUING: (6, 12),
    }

    moet_code = models.CharField(_("mã trường (Bộ GD&ĐT)"), max_length=20, unique=True)
    name = models.CharField(_("tên trường"), max_length=200)
    level = models.CharField(_("cấp học"), max_length=20, choices=Level.choices)
    grade_min = models.PositiveSmallIntegerField(_("từ lớp"))
    grade_max = models.PositiveSmallIntegerField(_("đến lớp"))
    commune = models.ForeignKey(
        Area,
        verbose_name=_("xã/phường"),
        on_delete=models.PROTECT,
        related_name="schools",
        limit_choices_to={"kind": Area.Kind.COMMUNE},
    )
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    search_key = models.CharField(max_length=200, editable=False, db_index=True)

    objects = SchoolQuerySet.as_manager()

    class Meta:
        verbose_name = _("trường học")
        verbose_name_plural = _("trường học")
        ordering = ["name"]
        permissions = [
            ("view_school_records", _("Xem dữ liệu của trường")),
            ("change_school_records", _("Cập nhật dữ liệu của trường")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(grade_min__gte=1)
                & Q(grade_max__lte=12)
                & Q(grade_min__lte=models.F("grade_max")),
                name="school_grade_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if self.grade_min is None or self.grade_max is None:
            self.grade_min, self.grade_max = self.LEVEL_GRADES[self.level]
        self.search_key = search_key(self.name)
        super().save(*args, **kwargs)

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.grade_min is None or self.grade_max is None:
            if self.level:
                self.grade_min, self.grade_max = self.LEVEL_GRADES[self.level]
            return
        if self.level and self.level != self.Level.MULTI_LEVEL:
            low, high = self.LEVEL_GRADES[self.level]
            if not (low <= self.grade_min <= self.grade_max <= high):
                raise ValidationError(
                    _("Cấp %(level)s chỉ gồm các lớp %(low)s-%(high)s.")
                    % {"level": self.get_level_display(), "low": low, "high": high}
                )


# Object permissions with direct foreign keys (django-guardian), granted on areas and
# schools only: a grant on an area covers everything below it.
class AreaUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Area, on_delete=models.CASCADE)


class AreaGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Area, on_delete=models.CASCADE)


class SchoolUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(School, on_delete=models.CASCADE)


class SchoolGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(School, on_delete=models.CASCADE)


class JobQuerySet(models.QuerySet):
    def for_user(self, user, action: str = "view") -> JobQuerySet:
        """Only the person who started a job may follow it."""
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(owner=user)


class Job(models.Model):
    """A long piece of work (import, export, report) run by a Celery worker, with the
    progress the browser polls and the result it shows at the end."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Đang chờ")
        RUNNING = "running", _("Đang chạy")
        DONE = "done", _("Hoàn tất")
        FAILED = "failed", _("Lỗi")

    kind = models.CharField(_("loại việc"), max_length=50)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người yêu cầu"),
        on_delete=models.CASCADE,
        related_name="jobs",
    )
    state = models.CharField(
        _("trạng thái"), max_length=10, choices=State.choices, default=State.QUEUED
    )
    progress_done = models.PositiveIntegerField(_("đã xong"), default=0)
    progress_total = models.PositiveIntegerField(_("tổng số"), default=0)
    message = models.CharField(_("thông báo"), max_length=255, blank=True)
    result = models.JSONField(_("kết quả"), default=dict, blank=True)
    error = models.TextField(_("lỗi"), blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    started_at = models.DateTimeField(_("bắt đầu lúc"), null=True, blank=True)
    finished_at = models.DateTimeField(_("xong lúc"), null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        verbose_name = _("tác vụ nền")
        verbose_name_plural = _("tác vụ nền")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["owner", "-created_at"], name="job_owner_recent")]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.get_state_display()})"

    @property
    def percent(self) -> int:
        if self.state == self.State.DONE:
            return 100
        if not self.progress_total:
            return 0
        return min(99, int(100 * self.progress_done / self.progress_total))

    @property
    def is_finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)


class PersonalDataAccess(models.Model):
    """One look at or export of students' personal data: who, when, what, how many.

    Written by `khuyenhoc.audit.personal_data_access_log`; never changed afterwards
    (Decree 13/2023/NĐ-CP: log who viewed or exported personal data).
    """

    class Action(models.TextChoices):
        RECORD_VIEWED = "record_viewed", _("Xem hồ sơ học sinh")
        LIST_EXPORTED = "list_exported", _("Xuất danh sách học sinh")
        TEMPLATE_DOWNLOADED = "template_downloaded", _("Tải mẫu danh sách của trường")
        ERROR_FILE_DOWNLOADED = "error_file_downloaded", _("Tải tệp đánh dấu lỗi")
        ADMIN_EXPORT = "admin_export", _("Xuất dữ liệu từ trang quản trị")
        COMMAND_EXPORT = "command_export", _("Xuất dữ liệu bằng lệnh quản trị")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người truy cập"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("thời điểm"), auto_now_add=True)
    action = models.CharField(_("hành động"), max_length=30, choices=Action.choices)
    what = models.CharField(_("dữ liệu"), max_length=255)
    school = models.ForeignKey(
        School,
        verbose_name=_("trường"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    area = models.ForeignKey(
        Area,
        verbose_name=_("địa bàn"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    student_id = models.BigIntegerField(_("mã học sinh"), null=True, blank=True)
    rows = models.PositiveIntegerField(_("số học sinh"), null=True, blank=True)
    ip_address = models.GenericIPAddressField(_("địa chỉ IP"), null=True, blank=True)

    class Meta:
        verbose_name = _("lượt truy cập dữ liệu cá nhân")
        verbose_name_plural = _("nhật ký truy cập dữ liệu cá nhân")
        ordering = ["-at"]
        indexes = [
            models.Index(fields=["at"], name="pda_at"),
            models.Index(fields=["user", "at"], name="pda_user_at"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.what}"


def person_name(user) -> str:
    """A user's name in Vietnamese order, "Võ Thị Thu Hà": family and middle names
    (last_name) before the given name (first_name); the login name when neither is set."""
    if user is None:
        return ""
    return f"{user.last_name} {user.first_name}".strip() or user.get_username()


def _full_name_vietnamese(user) -> str:
    return f"{user.last_name} {user.first_name}".strip()


# The project keeps Django's own User, whose get_full_name puts the given name first
# ("Hà Võ Thị Thu"). Every page, the admin and import-export call get_full_name, so it
# is given the Vietnamese order here (tests/khuyenhoc/test_people.py).
User.get_full_name = _full_name_vietnamese
