"""Forms for status changes and the year roll-over. The rules live in the services
(students/services_status.py, students/rollover.py); these only parse the input."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from khuyenhoc.models import School
from students.models import Student
from students.record import selectors as record_selectors
from students.record.forms import date_field
from students.status.services import StatusAction, status_actions_for


class TargetSchoolField(forms.ModelChoiceField):
    def label_from_instance(self, obj: School) -> str:
        return f"{obj.name} — {obj.commune.name} (lớp {obj.grade_min}-{obj.grade_max})"


class StatusChangeForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Thay đổi"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Chọn việc đã xảy ra với học sinh.")},
    )
    changed_on = date_field(_("Ngày"), help_text=_("Ngày xảy ra, theo dạng ngày/tháng/năm."))
    reason = forms.CharField(
        label=_("Lý do"),
        max_length=255,
        error_messages={
            "required": _(
                "Nhập lý do, ví dụ: gia đình chuyển nơi ở; theo quyết định của nhà trường."
            )
        },
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Ví dụ: gia đình chuyển nơi ở; số quyết định của nhà trường."),
    )
    to_school = TargetSchoolField(
        label=_("Trường mới"),
        queryset=School.objects.none(),
        required=False,
        empty_label=_("Chọn trường"),
        error_messages={
            "invalid_choice": _(
                "Chọn một trường trong danh sách: bạn chỉ chuyển được học sinh tới trường thuộc địa bàn mình phụ trách."
            )
        },
    )
    out_of_province = forms.BooleanField(label=_("Chuyển ra ngoài tỉnh"), required=False)
    grade = forms.IntegerField(
        label=_("Khối lớp ở trường mới"),
        required=False,
        min_value=1,
        max_value=12,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 1, "max": 12}),
        error_messages={
            "min_value": _("Khối lớp phải từ 1 đến 12."),
            "max_value": _("Khối lớp phải từ 1 đến 12."),
            "invalid": _("Khối lớp là một số từ 1 đến 12."),
        },
    )
    class_name = forms.CharField(label=_("Lớp"), max_length=20, required=False)

    def __init__(self, *args, user, student: Student, **kwargs):
        super().__init__(*args, **kwargs)
        actions = status_actions_for(student)
        self.fields["action"].choices = [(a.value, a.label) for a in actions]
        self.fields["changed_on"].required = True
        self.fields["changed_on"].error_messages["required"] = _(
            "Nhập ngày xảy ra theo dạng ngày/tháng/năm, ví dụ 05/09/2025."
        )
        self.fields["to_school"].queryset = (
            record_selectors.schools_for_student_change(user=user)
            .filter(is_active=True)
            .exclude(pk=student.school_id)
            .select_related("commune")
            .order_by("name", "pk")
        )
        self.initial.setdefault("changed_on", timezone.localdate())
        self.initial.setdefault("grade", student.grade)
        self.initial.setdefault("class_name", student.class_name)
        self.can_transfer = StatusAction.TRANSFER in actions
        self.can_move = self.can_transfer or StatusAction.BACK_TO_STUDYING in actions

    def clean(self):
        cleaned = super().clean()
        # Said here too so that it comes with the form's own messages; the service
        # checks it again (with the scope and the grade) when the form is valid.
        if (
            cleaned.get("action") == StatusAction.TRANSFER
            and not cleaned.get("to_school")
            and not cleaned.get("out_of_province")
            and "to_school" not in self.errors
        ):
            self.add_error("to_school", _("Chọn trường mới, hoặc đánh dấu “Chuyển ra ngoài tỉnh”."))
        return cleaned


class RolloverForm(forms.Form):
    school_year = forms.IntegerField(
        label=_("Năm học bắt đầu"),
        min_value=2000,
        max_value=2100,
        help_text=_("Năm bắt đầu của năm học mới, ví dụ 2026 cho năm học 2026-2027."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": _("Nhập năm bắt đầu của năm học mới, ví dụ 2026."),
            "invalid": _("Năm học là một số có 4 chữ số, ví dụ 2026."),
            "min_value": _("Năm học phải từ 2000 trở đi."),
            "max_value": _("Năm học không hợp lệ."),
        },
    )
    confirm = forms.BooleanField(
        label=_("Tôi đã kiểm tra: lên lớp cho toàn bộ học sinh đang học, chỉ chạy một lần."),
        error_messages={"required": _("Đánh dấu ô xác nhận trước khi chạy.")},
    )
