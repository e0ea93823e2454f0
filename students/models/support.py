"""Support a student received: who gave it, when, what and how much, by school year.

Recorded by staff when a gift or scholarship is handed out; the allocation work will
later write these rows from disbursed awards. The school year is its start year (2025
for 2025-2026), as for academic results and collection rounds."""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from students.models.record import Student, StudentPartQuerySet


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    # A support row removed by mistake (or on purpose) stays visible in the history.
    pghistory.DeleteEvent(),
    exclude=["recorded_at"],
    level=pghistory.Statement,
    meta={"indexes": [models.Index(fields=["student"], name="supportevent_student")]},
)
class Support(models.Model):
    class Kind(models.TextChoices):
        """What was given. The codes shared with the wishes (students.models.Wish) mean
        the same thing, so a wish and the support that met it compare; a wish for
        "books" ("sách vở, đồ dùng học tập") is met by books or by school supplies."""

        SCHOLARSHIP = "scholarship", _("Học bổng")
        BICYCLE = "bicycle", _("Xe đạp")
        BOOKS = "books", _("Sách vở")
        SCHOOL_SUPPLIES = "school_supplies", _("Đồ dùng học tập")
        CLOTHES = "clothes", _("Quần áo, cặp sách")
        TUITION = "tuition", _("Học phí")
        HEALTH_INSURANCE = "health_insurance", _("Bảo hiểm y tế")
        CASH = "cash", _("Tiền mặt")
        OTHER = "other", _("Khác")

    # Kinds that are money: they always say how much.
    MONEY_KINDS = ("scholarship", "cash")

    student = models.ForeignKey(
        Student, verbose_name=_("học sinh"), on_delete=models.CASCADE, related_name="supports"
    )
    school_year = models.PositiveSmallIntegerField(_("năm học (năm bắt đầu)"))
    received_on = models.DateField(_("ngày nhận"))
    giver = models.CharField(
        _("đơn vị, nhà tài trợ"),
        max_length=200,
        help_text=_("Ví dụ: Công ty Điện lực Quảng Trị; Hội Khuyến học huyện Gio Linh."),
    )
    kind = models.CharField(_("loại hỗ trợ"), max_length=20, choices=Kind.choices)
    description = models.CharField(_("nội dung"), max_length=255, blank=True)
    amount_vnd = models.BigIntegerField(
        _("số tiền (đồng)"),
        null=True,
        blank=True,
        help_text=_("Giá trị bằng tiền, nếu có. Để trống với quà hiện vật không rõ giá trị."),
    )
    quantity = models.PositiveIntegerField(_("số lượng"), null=True, blank=True)
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người ghi nhận"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("ghi nhận lúc"), auto_now_add=True)

    objects = StudentPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("hỗ trợ đã nhận")
        verbose_name_plural = _("hỗ trợ đã nhận")
        ordering = ["-school_year", "-received_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_vnd__isnull=True) | Q(amount_vnd__gte=0),
                name="support_amount_not_negative",
                violation_error_message=_("Số tiền không được âm."),
            ),
            models.CheckConstraint(
                condition=Q(quantity__isnull=True) | Q(quantity__gte=1),
                name="support_quantity_positive",
                violation_error_message=_("Số lượng phải từ 1 trở lên."),
            ),
            models.CheckConstraint(
                condition=Q(school_year__gte=2000, school_year__lte=2100),
                name="support_school_year",
                violation_error_message=_("Năm học không hợp lệ."),
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=["scholarship", "cash"]) | Q(amount_vnd__isnull=False),
                name="support_money_has_amount",
                violation_error_message=_("Học bổng và tiền mặt phải ghi số tiền."),
            ),
            models.CheckConstraint(
                condition=~Q(kind="other") | ~Q(description=""),
                name="support_other_described",
                violation_error_message=_("Hỗ trợ loại “Khác” phải ghi rõ nội dung."),
            ),
            models.CheckConstraint(
                condition=~Q(giver=""),
                name="support_giver_not_empty",
                violation_error_message=_("Nhập đơn vị hoặc nhà tài trợ."),
            ),
        ]
        indexes = [
            # The list's filter "supported this school year": EXISTS (school_year,
            # student_id), answered from the index alone.
            models.Index(fields=["school_year", "student"], name="support_year_student"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.giver} ({self.school_year_display})"

    @property
    def school_year_display(self) -> str:
        return f"{self.school_year}-{self.school_year + 1}"

    def clean(self):
        from students.validation import support_errors

        support_errors(self)
