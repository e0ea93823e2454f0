"""Possible duplicate students found across the province, and what staff decided.

A pair is stored once, lower id first. "Not duplicates" is a decision that stays: the
next detection run leaves the pair alone. A merge keeps both records; the one merged
away points at the one kept (`Student.merged_into`) and leaves every list; provincial
staff can undo it (`merges` keeps what each merge did, and who undid it). A pending pair
stays until someone decides it: a detection that no longer finds it marks it
(`missing_since`) instead of deleting it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DuplicatePairQuerySet(models.QuerySet):
    def for_user(self, user, action: str = "view") -> DuplicatePairQuerySet:
        """Pairs whose two students are both inside the user's scope: staff of one
        district never see a pair that reaches into another."""
        from students.models.record import Student

        students = Student.objects.for_user(user, action, include_merged=True).values("pk")
        return self.filter(student_a__in=students, student_b__in=students)


class DuplicatePair(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("Chờ xem xét")
        MERGED = "merged", _("Đã gộp")
        NOT_DUPLICATE = "not_duplicate", _("Không trùng")

    class Reason(models.TextChoices):
        PERSONAL_ID = "personal_id", _("Cùng số định danh")
        MOET_CODE = "moet_code", _("Cùng mã học sinh")
        SAME_NAME = "same_name", _("Cùng họ tên (không kể dấu)")
        SIMILAR_NAME = "similar_name", _("Họ tên gần giống")
        SAME_BIRTH_DATE = "same_birth_date", _("Cùng ngày sinh")
        SWAPPED_BIRTH_DATE = "swapped_birth_date", _("Ngày sinh đảo ngày/tháng")
        SAME_BIRTH_YEAR = "same_birth_year", _("Cùng năm sinh (chỉ ghi năm)")
        SIMILAR_GUARDIAN = "similar_guardian", _("Phụ huynh gần giống")
        SAME_GUARDIAN_PHONE = "same_guardian_phone", _("Cùng số điện thoại phụ huynh")
        SAME_COMMUNE = "same_commune", _("Cùng xã/phường")
        SAME_VILLAGE = "same_village", _("Cùng thôn/bản/khu phố")
        SAME_SCHOOL = "same_school", _("Cùng trường")
        SAME_DISTRICT = "same_district", _("Cùng huyện")

    student_a = models.ForeignKey(
        "students.Student", verbose_name=_("học sinh A"), on_delete=models.CASCADE, related_name="+"
    )
    student_b = models.ForeignKey(
        "students.Student", verbose_name=_("học sinh B"), on_delete=models.CASCADE, related_name="+"
    )
    score = models.PositiveSmallIntegerField(_("điểm giống nhau"))
    reasons = models.JSONField(_("lý do"), default=list, blank=True)
    state = models.CharField(
        _("trạng thái"), max_length=20, choices=State.choices, default=State.PENDING
    )
    kept = models.ForeignKey(
        "students.Student",
        verbose_name=_("hồ sơ được giữ"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    detected_at = models.DateTimeField(_("phát hiện lúc"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người quyết định"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("quyết định lúc"), null=True, blank=True)
    # Set when a detection run no longer finds a pending pair (its records changed, or
    # more namesakes lowered its score); cleared when a run finds it again.
    missing_since = models.DateTimeField(_("không còn thấy từ"), null=True, blank=True)
    # One entry per merge of this pair: what it changed (for the undo) and, once undone,
    # who undid it and when. See students/duplicates/services.py.
    merges = models.JSONField(_("các lần gộp"), default=list, blank=True)

    objects = DuplicatePairQuerySet.as_manager()

    class Meta:
        verbose_name = _("cặp học sinh có thể trùng")
        verbose_name_plural = _("học sinh có thể trùng")
        ordering = ["-score", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["student_a", "student_b"], name="duplicate_pair_once"),
            models.CheckConstraint(
                condition=Q(student_a__lt=F("student_b")), name="duplicate_pair_ordered"
            ),
            models.CheckConstraint(
                condition=Q(state="pending") | Q(decided_at__isnull=False),
                name="duplicate_pair_decided_at",
            ),
            models.CheckConstraint(
                condition=~Q(state="merged") | Q(kept__isnull=False),
                name="duplicate_pair_merged_kept",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "-score"], name="duplicate_pair_state_score"),
        ]

    def __str__(self) -> str:
        return f"{self.student_a_id} ~ {self.student_b_id} ({self.score})"
