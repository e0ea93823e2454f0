"""The ĐBKK student record: identity, school, address, guardians, circumstances as
dated evidenced facts, academic results, status history and consent."""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from khuyenhoc.models import Area, School


class Ethnicity(models.Model):
    """The 54 ethnic groups with their GSO 2008 codes (Kinh 01, Tày 02, ...)."""

    code = models.CharField(_("mã"), max_length=2, unique=True)
    name = models.CharField(_("tên dân tộc"), max_length=50, unique=True)
    aliases = models.CharField(_("tên gọi khác"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("dân tộc")
        verbose_name_plural = _("dân tộc")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Gender(models.TextChoices):
    MALE = "male", _("Nam")
    FEMALE = "female", _("Nữ")


class Status(models.TextChoices):
    STUDYING = "studying", _("Đang học")
    TRANSFERRED = "transferred", _("Đã chuyển trường")
    GRADUATED = "graduated", _("Đã tốt nghiệp")
    DROPPED_OUT = "dropped_out", _("Đã bỏ học")
    NOT_ELIGIBLE = "not_eligible", _("Không còn thuộc diện")
    DECEASED = "deceased", _("Đã mất")


class Wish(models.TextChoices):
    SCHOLARSHIP = "scholarship", _("Học bổng")
    BICYCLE = "bicycle", _("Xe đạp")
    BOOKS = "books", _("Sách vở, đồ dùng học tập")
    TUITION = "tuition", _("Hỗ trợ học phí")
    HEALTH_INSURANCE = "health_insurance", _("Bảo hiểm y tế")
    CLOTHES = "clothes", _("Quần áo, cặp sách")
    OTHER = "other", _("Khác")


class StudentQuerySet(models.QuerySet):
    def for_user(
        self, user, action: str = "view", *, include_merged: bool = False
    ) -> StudentQuerySet:
        """Students in the user's scope. Records merged into another one (duplicates)
        leave every list, search and count; pass include_merged=True to reach them
        (their own page and history)."""
        from khuyenhoc.access import scoped_by_school

        queryset = self if include_merged else self.current()
        return scoped_by_school(queryset, user, action)

    def current(self) -> StudentQuerySet:
        """Not merged away into another record."""
        return self.filter(merged_into__isnull=True)

    def search(self, text: str) -> StudentQuerySet:
        from khuyenhoc.text import search_key

        key = search_key(text)
        if not key:
            return self
        if key.isdigit():
            return self.filter(Q(personal_id__startswith=key) | Q(moet_code__startswith=key))
        return self.filter(Q(search_key__contains=key) | Q(moet_code__iexact=key))


class StudentPartQuerySet(models.QuerySet):
    """Rows that belong to a student are visible exactly where the student is."""

    def for_user(self, user, action: str = "view"):
        from khuyenhoc.access import scoped_by_school

        return scoped_by_school(self, user, action, "student__school")


# History of every change, written by PostgreSQL triggers (django-pghistory), so bulk
# imports and raw SQL are recorded too. Derived columns are left out: recomputing need
# scores every night is not a change anyone made. The context carries who and why
# (form, import of submission N, merge, command); see students/history.py.
@pghistory.track(
    exclude=["search_key", "need_score", "created_at", "updated_at"], level=pghistory.Statement
)
class Student(models.Model):
    full_name = models.CharField(_("họ và tên"), max_length=100)
    search_key = models.CharField(max_length=100, editable=False)
    birth_date = models.DateField(_("ngày sinh"), null=True, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("năm sinh"))
    gender = models.CharField(_("giới tính"), max_length=6, choices=Gender.choices)
    ethnicity = models.ForeignKey(
        Ethnicity, verbose_name=_("dân tộc"), on_delete=models.PROTECT, related_name="students"
    )
    # NULL, not "", for "none yet": both are unique among the students who have one.
    personal_id = models.CharField(  # noqa: DJ001
        _("số định danh cá nhân"),
        max_length=12,
        null=True,
        blank=True,
        help_text=_("12 chữ số (CCCD). Để trống nếu học sinh chưa có."),
    )
    moet_code = models.CharField(  # noqa: DJ001
        _("mã học sinh"), max_length=20, null=True, blank=True
    )

    # Indexed by student_list_school (migration 0014), whose first column is the school.
    school = models.ForeignKey(
        School,
        verbose_name=_("trường"),
        on_delete=models.PROTECT,
        related_name="students",
        db_index=False,
    )
    grade = models.PositiveSmallIntegerField(_("khối lớp"))
    class_name = models.CharField(_("lớp"), max_length=20, blank=True)

    commune = models.ForeignKey(
        Area,
        verbose_name=_("xã/phường cư trú"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="residents",
        limit_choices_to={"kind": Area.Kind.COMMUNE},
        # Students are found by their school's area, not by where they live: only the
        # students still without a commune are indexed (student_commune_unresolved).
        db_index=False,
    )
    village = models.CharField(_("thôn/khối phố"), max_length=100, blank=True)
    address_text = models.CharField(_("địa chỉ như đã ghi"), max_length=255, blank=True)

    specific_situation = models.TextField(_("hoàn cảnh cụ thể"), blank=True)
    wishes = ArrayField(
        models.CharField(max_length=20, choices=Wish.choices),
        verbose_name=_("nguyện vọng"),
        default=list,
        blank=True,
    )
    wishes_note = models.CharField(_("nguyện vọng khác"), max_length=255, blank=True)

    status = models.CharField(
        _("tình trạng"), max_length=20, choices=Status.choices, default=Status.STUDYING
    )
    status_changed_on = models.DateField(_("ngày đổi tình trạng"), null=True, blank=True)

    need_score = models.PositiveSmallIntegerField(_("điểm hoàn cảnh"), default=0, editable=False)

    guardian_consent_on = models.DateField(_("ngày phụ huynh đồng ý"), null=True, blank=True)
    guardian_consent_by = models.CharField(
        _("người đồng ý (phụ huynh/giám hộ)"), max_length=100, blank=True
    )
    child_consent_on = models.DateField(
        _("ngày học sinh đồng ý (từ 7 tuổi)"), null=True, blank=True
    )

    verified_at = models.DateTimeField(_("đã xác minh lúc"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người xác minh"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # student_verified_by: a partial index, most rows have none
    )
    note = models.TextField(_("ghi chú"), blank=True)
    # A duplicate merged into another record stays (with its history) but leaves lists.
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("đã gộp vào"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_from",
        db_index=False,  # student_merged_into: a partial index, most rows have none
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    objects = StudentQuerySet.as_manager()

    class Meta:
        verbose_name = _("học sinh")
        verbose_name_plural = _("học sinh")
        ordering = ["search_key", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(grade__gte=1, grade__lte=12), name="student_grade_1_12"
            ),
            models.CheckConstraint(
                condition=Q(personal_id__regex=r"^[0-9]{12}$"), name="student_personal_id_12_digits"
            ),
            models.CheckConstraint(
                condition=Q(birth_year__gte=1990, birth_year__lte=2100),
                name="student_birth_year_plausible",
            ),
            models.CheckConstraint(
                condition=Q(birth_date__isnull=True) | Q(birth_date__year=F("birth_year")),
                name="student_birth_date_matches_year",
            ),
            models.CheckConstraint(condition=~Q(full_name=""), name="student_full_name_not_empty"),
            # Unique, and searchable by prefix from the same index (unique=True would
            # add a second, pattern index that every imported row pays for).
            models.UniqueConstraint(
                fields=["personal_id"],
                name="student_personal_id_unique",
                opclasses=["varchar_pattern_ops"],
            ),
            models.UniqueConstraint(
                fields=["moet_code"],
                name="student_moet_code_unique",
                opclasses=["varchar_pattern_ops"],
            ),
        ]
        indexes = [
            # Nearly every student is studying: only the others are worth an index
            # (lists of graduated or transferred students), and imported rows skip it.
            models.Index(fields=["status"], name="student_status", condition=~Q(status="studying")),
            # Every index costs each imported row; the order by need score is served
            # by student_list_need (migration 0011), whose first column it is.
            models.Index(
                fields=["verified_by"],
                name="student_verified_by",
                condition=Q(verified_by__isnull=False),
            ),
            models.Index(
                fields=["school"],
                name="student_commune_unresolved",
                condition=Q(commune__isnull=True),
            ),
            models.Index(
                fields=["merged_into"],
                name="student_merged_into",
                condition=Q(merged_into__isnull=False),
            ),
            GinIndex(fields=["search_key"], name="student_search_trgm", opclasses=["gin_trgm_ops"]),
            # A name and birth looked up as they are, by an import's possible-duplicate
            # warnings (students/collection/staging.py duplicates_find): the name index
            # alone read every namesake's row, ~50 in a province.
            models.Index(
                fields=["search_key", "birth_year", "birth_date"], name="student_name_birth"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @classmethod
    def from_db(cls, db, field_names, values):
        student = super().from_db(db, field_names, values)
        # The name as stored: students/validation.py judges a name only when it is new
        # or changed, so a record kept from before the rule on names can still be
        # merged, moved or have its status changed.
        student._stored_name = student.__dict__.get("full_name")
        return student

    def clean(self):
        from students.validation import student_errors

        student_errors(self)

    @property
    def birth_display(self) -> str:
        return self.birth_date.strftime("%d/%m/%Y") if self.birth_date else str(self.birth_year)


# Events of guardians and circumstances are read by student, for the record's history:
# they keep that index and the context's, not the object's (nothing reads them by
# guardian or circumstance, and every imported row paid for it).
@pghistory.track(
    exclude=["search_key"],
    level=pghistory.Statement,
    obj_field=pghistory.ObjForeignKey(db_index=False, related_name="events"),
    meta={"indexes": [models.Index(fields=["student"], name="guardianevent_student")]},
)
class Guardian(models.Model):
    class Relation(models.TextChoices):
        FATHER = "father", _("Cha")
        MOTHER = "mother", _("Mẹ")
        GRANDPARENT = "grandparent", _("Ông/Bà")
        SIBLING = "sibling", _("Anh/Chị")
        RELATIVE = "relative", _("Họ hàng")
        GUARDIAN = "guardian", _("Người giám hộ")
        OTHER = "other", _("Khác")

    student = models.ForeignKey(
        Student, verbose_name=_("học sinh"), on_delete=models.CASCADE, related_name="guardians"
    )
    full_name = models.CharField(_("họ và tên"), max_length=100)
    relation = models.CharField(_("quan hệ"), max_length=20, choices=Relation.choices)
    occupation = models.CharField(_("nghề nghiệp"), max_length=100, blank=True)
    phone = models.CharField(_("số điện thoại"), max_length=15, blank=True)
    search_key = models.CharField(max_length=100, editable=False, default="")

    objects = StudentPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("phụ huynh/người giám hộ")
        verbose_name_plural = _("phụ huynh/người giám hộ")
        constraints = [
            models.CheckConstraint(
                condition=Q(phone="") | Q(phone__regex=r"^0[0-9]{9,10}$"),
                name="guardian_phone_format",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.get_relation_display()})"

    def save(self, *args, **kwargs):
        from khuyenhoc.text import search_key

        self.search_key = search_key(self.full_name)
        super().save(*args, **kwargs)


@pghistory.track(
    exclude=["recorded_at"],
    level=pghistory.Statement,
    obj_field=pghistory.ObjForeignKey(db_index=False, related_name="events"),
    meta={"indexes": [models.Index(fields=["student"], name="circumstanceevent_student")]},
)
class Circumstance(models.Model):
    """One dated, evidenced reason a student qualifies."""

    class Kind(models.TextChoices):
        DISABILITY = "disability", _("Khuyết tật")
        ORPHAN = "orphan", _("Mồ côi")
        POOR = "poor", _("Hộ nghèo")
        NEAR_POOR = "near_poor", _("Hộ cận nghèo")
        OTHER = "other", _("Khó khăn khác")

    class DisabilityType(models.TextChoices):
        MOBILITY = "mobility", _("Khuyết tật vận động")
        HEARING_SPEECH = "hearing_speech", _("Khuyết tật nghe, nói")
        VISION = "vision", _("Khuyết tật nhìn")
        MENTAL = "mental", _("Khuyết tật thần kinh, tâm thần")
        INTELLECTUAL = "intellectual", _("Khuyết tật trí tuệ")
        OTHER = "other", _("Khuyết tật khác")

    class DisabilityLevel(models.TextChoices):
        EXTREMELY_SEVERE = "extremely_severe", _("Đặc biệt nặng")
        SEVERE = "severe", _("Nặng")
        MILD = "mild", _("Nhẹ")

    class OrphanLabel(models.TextChoices):
        FATHER = "father", _("Mồ côi cha")
        MOTHER = "mother", _("Mồ côi mẹ")
        BOTH = "both", _("Mồ côi cả cha lẫn mẹ")

    student = models.ForeignKey(
        Student, verbose_name=_("học sinh"), on_delete=models.CASCADE, related_name="circumstances"
    )
    kind = models.CharField(_("loại hoàn cảnh"), max_length=12, choices=Kind.choices)

    disability_type = models.CharField(
        _("dạng khuyết tật"), max_length=20, choices=DisabilityType.choices, blank=True
    )
    disability_level = models.CharField(
        _("mức độ khuyết tật"), max_length=20, choices=DisabilityLevel.choices, blank=True
    )

    orphan_label = models.CharField(
        _("mồ côi (theo trường ghi)"), max_length=10, choices=OrphanLabel.choices, blank=True
    )
    orphan_legal = models.BooleanField(
        _("thuộc diện mồ côi theo Điều 5 khoản 1 Nghị định 20/2021/NĐ-CP"), null=True, blank=True
    )

    household_year = models.PositiveSmallIntegerField(
        _("năm công nhận hộ nghèo/cận nghèo"), null=True, blank=True
    )

    description = models.TextField(_("mô tả"), blank=True)
    confirmed = models.BooleanField(_("đã được cán bộ xác nhận"), default=False)

    certificate_number = models.CharField(
        _("số giấy xác nhận/chứng nhận"), max_length=50, blank=True
    )
    certificate_date = models.DateField(_("ngày cấp"), null=True, blank=True)
    certificate_issuer = models.CharField(_("nơi cấp"), max_length=150, blank=True)
    started_on = models.DateField(_("từ ngày"), null=True, blank=True)
    ended_on = models.DateField(_("đến ngày"), null=True, blank=True)
    recorded_at = models.DateTimeField(_("ghi nhận lúc"), auto_now_add=True)

    objects = StudentPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("hoàn cảnh")
        verbose_name_plural = _("hoàn cảnh")
        ordering = ["kind", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="disability")
                | (~Q(disability_type="") & ~Q(disability_level="")),
                name="circumstance_disability_type_and_level",
            ),
            models.CheckConstraint(
                condition=~Q(kind="orphan") | ~Q(orphan_label=""), name="circumstance_orphan_label"
            ),
            # A list that marks "Hộ nghèo" with x names no year and its title none either:
            # the year is unknown ("chưa rõ năm"), counted as stale in the need score.
            models.CheckConstraint(
                condition=~Q(kind__in=["poor", "near_poor"])
                | Q(household_year__isnull=True)
                | Q(household_year__gte=2000, household_year__lte=2100),
                name="circumstance_household_year",
            ),
            models.CheckConstraint(
                condition=~Q(kind="other") | ~Q(description=""), name="circumstance_other_described"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | Q(started_on__isnull=True)
                | Q(ended_on__gte=F("started_on")),
                name="circumstance_dates_ordered",
            ),
        ]
        # (kind, student) is circumstance_list_kind (migration 0014), which also carries
        # the level and end date for the list's filters.

    def __str__(self) -> str:
        return self.summary

    @property
    def summary(self) -> str:
        if self.kind == self.Kind.DISABILITY:
            return f"{self.get_disability_type_display()} ({self.get_disability_level_display().lower()})"
        if self.kind == self.Kind.ORPHAN:
            return self.get_orphan_label_display()
        if self.kind in (self.Kind.POOR, self.Kind.NEAR_POOR):
            year = self.household_year or _("chưa rõ năm")
            return f"{self.get_kind_display()} {year}"
        return f"{self.get_kind_display()}: {self.description}"

    def clean(self):
        from students.validation import circumstance_errors

        circumstance_errors(self)


@pghistory.track(
    level=pghistory.Statement,
    meta={"indexes": [models.Index(fields=["student"], name="academicresultevent_student")]},
)
class AcademicResult(models.Model):
    student = models.ForeignKey(
        Student,
        verbose_name=_("học sinh"),
        on_delete=models.CASCADE,
        related_name="academic_results",
    )
    school_year = models.PositiveSmallIntegerField(_("năm học (năm bắt đầu)"))
    grade = models.PositiveSmallIntegerField(_("khối lớp"), null=True, blank=True)
    academic_result = models.CharField(_("học lực / kết quả học tập"), max_length=30, blank=True)
    conduct = models.CharField(_("hạnh kiểm / rèn luyện"), max_length=30, blank=True)
    title = models.CharField(_("danh hiệu"), max_length=100, blank=True)
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)

    objects = StudentPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("kết quả học tập")
        verbose_name_plural = _("kết quả học tập")
        ordering = ["-school_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["student", "school_year"], name="academic_result_one_per_year"
            ),
            models.CheckConstraint(
                condition=Q(school_year__gte=2000, school_year__lte=2100),
                name="academic_result_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school_year}-{self.school_year + 1}"

    @property
    def school_year_display(self) -> str:
        return f"{self.school_year}-{self.school_year + 1}"


class StatusChange(models.Model):
    """Dated history of a student's status, with the reason."""

    student = models.ForeignKey(
        Student, verbose_name=_("học sinh"), on_delete=models.CASCADE, related_name="status_changes"
    )
    status = models.CharField(_("tình trạng"), max_length=20, choices=Status.choices)
    changed_on = models.DateField(_("ngày"))
    reason = models.CharField(_("lý do"), max_length=255)
    from_school = models.ForeignKey(
        School,
        verbose_name=_("từ trường"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    to_school = models.ForeignKey(
        School,
        verbose_name=_("sang trường"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người ghi"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("ghi lúc"), auto_now_add=True)

    objects = StudentPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("thay đổi tình trạng")
        verbose_name_plural = _("lịch sử tình trạng")
        ordering = ["-changed_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_status_display()} ({self.changed_on:%d/%m/%Y})"
