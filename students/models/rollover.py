"""The start of a school year: every studying student moves up a grade, grade-12
students graduate, and those who finish a school level are flagged until staff record
their new school. A run is remembered per school year, so it never promotes twice."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from khuyenhoc.models import School


class Rollover(models.Model):
    """One year roll-over. The unique school year is what makes it run once."""

    school_year = models.PositiveSmallIntegerField(_("năm học (năm bắt đầu)"), unique=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người chạy"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    source = models.CharField(_("chạy từ"), max_length=20, default="page")
    ran_at = models.DateTimeField(_("chạy lúc"), auto_now_add=True)
    promoted = models.PositiveIntegerField(_("số học sinh lên lớp"), default=0)
    graduated = models.PositiveIntegerField(_("số học sinh tốt nghiệp"), default=0)
    leavers = models.PositiveIntegerField(_("số học sinh hết cấp"), default=0)

    class Meta:
        verbose_name = _("lên lớp đầu năm học")
        verbose_name_plural = _("lên lớp đầu năm học")
        ordering = ["-school_year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(school_year__gte=2000, school_year__lte=2100),
                name="rollover_school_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school_year}-{self.school_year + 1}"

    @property
    def school_year_display(self) -> str:
        return f"{self.school_year}-{self.school_year + 1}"


class LevelLeaverQuerySet(models.QuerySet):
    def for_user(self, user, action: str = "view") -> LevelLeaverQuerySet:
        """Visible (and changed) exactly where the student is: the student's scope and
        the role's permission on students decide."""
        from students.models import Student

        return self.filter(student__in=Student.objects.for_user(user, action).values("pk"))


class LevelLeaver(models.Model):
    """A student who finished a school level at a roll-over and needs a new school
    (or staff to say they stay where they are). Open until resolved."""

    class Reason(models.TextChoices):
        PRIMARY_DONE = "primary_done", _("Hết cấp tiểu học (xong lớp 5)")
        LOWER_SECONDARY_DONE = "lower_secondary_done", _("Hết cấp THCS (xong lớp 9)")
        BEYOND_SCHOOL = "beyond_school", _("Trường không có lớp mới của học sinh")

    rollover = models.ForeignKey(
        Rollover,
        verbose_name=_("đợt lên lớp"),
        on_delete=models.CASCADE,
        related_name="leaver_rows",
    )
    student = models.ForeignKey(
        "students.Student",
        verbose_name=_("học sinh"),
        on_delete=models.CASCADE,
        related_name="level_leavers",
    )
    school = models.ForeignKey(
        School, verbose_name=_("trường lúc lên lớp"), on_delete=models.PROTECT, related_name="+"
    )
    grade_before = models.PositiveSmallIntegerField(_("lớp năm trước"))
    grade_after = models.PositiveSmallIntegerField(_("lớp năm nay"))
    reason = models.CharField(_("lý do"), max_length=24, choices=Reason.choices)
    # True when the school teaches the new grade (a multi-level school): the student
    # may well stay, staff only confirm.
    may_stay = models.BooleanField(_("trường có lớp mới"), default=False)
    resolved_at = models.DateTimeField(_("đã xử lý lúc"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người xử lý"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = LevelLeaverQuerySet.as_manager()

    class Meta:
        verbose_name = _("học sinh hết cấp")
        verbose_name_plural = _("học sinh hết cấp")
        ordering = ["school_id", "student_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["rollover", "student"], name="level_leaver_once_per_rollover"
            ),
        ]
        indexes = [
            models.Index(
                fields=["student"],
                condition=Q(resolved_at__isnull=True),
                name="level_leaver_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student_id}: {self.get_reason_display()}"
