"""Forms of the collection pages: opening a round, uploading a list, the progress
filters and the district's decision on a submitted list."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from khuyenhoc.models import Area
from students.collection.selectors import FILTER_STATES, areas_for_round_create
from students.record.forms import DATE_INPUT_FORMATS, DateInput

UPLOAD_ACCEPT = ".xlsx,.xls,.ods,.csv"


def _date(label) -> forms.DateField:
    return forms.DateField(
        label=label,
        input_formats=DATE_INPUT_FORMATS,
        widget=DateInput(),
        error_messages={
            "invalid": _("Nhập ngày theo dạng ngày/tháng/năm, ví dụ 30/09/2026."),
            "required": _("Hãy nhập ngày."),
        },
    )


class AreaField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Area) -> str:
        return obj.name


class RoundForm(forms.Form):
    name = forms.CharField(
        label=_("Tên đợt"),
        max_length=200,
        error_messages={"required": _("Hãy đặt tên cho đợt thu thập.")},
    )
    school_year = forms.IntegerField(
        label=_("Năm học (năm bắt đầu)"),
        min_value=2000,
        max_value=2100,
        help_text=_("Ví dụ 2026 cho năm học 2026-2027."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    area = AreaField(label=_("Địa bàn"), queryset=Area.objects.none(), empty_label=None)
    opens_on = _date(_("Ngày mở"))
    deadline = _date(_("Hạn nộp"))
    note = forms.CharField(
        label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas_for_round_create(user=user).order_by("path")
        today = timezone.localdate()
        self.fields["school_year"].initial = today.year if today.month >= 7 else today.year - 1
        self.fields["opens_on"].initial = today

    def clean(self):
        data = super().clean()
        if data.get("opens_on") and data.get("deadline") and data["deadline"] < data["opens_on"]:
            self.add_error("deadline", _("Hạn nộp phải sau ngày mở đợt."))
        return data


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp danh sách"),
        help_text=_("Tệp Excel (.xlsx, .xls), LibreOffice (.ods) hoặc .csv, tối đa %(mb)s MB.")
        % {"mb": settings.IMPORT_MAX_UPLOAD_BYTES // (1024 * 1024)},
        error_messages={
            "required": _("Hãy chọn tệp danh sách để tải lên."),
            "empty": _("Tệp này trống."),
        },
        widget=forms.ClearableFileInput(attrs={"accept": UPLOAD_ACCEPT}),
    )


class ProgressFilterForm(forms.Form):
    district = forms.TypedChoiceField(
        label=_("Huyện"), required=False, coerce=int, empty_value=None
    )
    state = forms.ChoiceField(label=_("Trạng thái"), required=False)
    q = forms.CharField(
        label=_("Tên trường"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Gõ một phần tên")}),
    )
    o = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, districts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].choices = [("", _("Tất cả"))] + [(d.pk, d.name) for d in districts]
        self.fields["state"].choices = [("", _("Tất cả"))] + list(FILTER_STATES)


class RoundExtendForm(forms.Form):
    deadline = _date(_("Hạn nộp mới"))


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", _("Duyệt")), ("return", _("Trả lại"))], widget=forms.HiddenInput
    )
    comment = forms.CharField(
        label=_("Ý kiến gửi trường"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Bắt buộc khi trả lại: ghi rõ trường cần sửa gì."),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "return" and not (data.get("comment") or "").strip():
            self.add_error("comment", _("Khi trả lại, hãy ghi rõ trường cần sửa gì."))
        return data
