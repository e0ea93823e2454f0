"""The form for support a student received. It parses what staff type (dates as
dd/mm/yyyy, amounts as "1.500.000" or "1500000 đ"); the rules live in
students/validation.py and run through the service's full_clean()."""

from __future__ import annotations

import re

from django import forms
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from students.models import Support
from students.record.forms import date_field
from students.status.rollover import current_school_year
from students.support.services import SUPPORT_FIELDS

# "1500000", "1.500.000", "1,500,000", "1 500 000", with "đ", "đồng" or "VND" after it.
_AMOUNT = re.compile(r"^(\d+|\d{1,3}([.,\s]\d{3})+)$")
_CURRENCY = re.compile(r"\s*(đ|đồng|vnđ|vnd|₫)\.?$", re.IGNORECASE)
AMOUNT_MAX = 10**12  # a thousand billion đồng: more is a typing mistake


class AmountInput(forms.TextInput):
    """A text box showing the amount with thousands separators (1.500.000)."""

    def format_value(self, value):
        if isinstance(value, int):
            return intcomma(value)
        return super().format_value(value)


class AmountField(forms.Field):
    widget = AmountInput(attrs={"inputmode": "numeric", "autocomplete": "off"})
    default_error_messages = {
        "invalid": _(
            "Nhập số tiền bằng chữ số, theo đồng, ví dụ 1.500.000 (không ghi “1,5 triệu”)."
        ),
        "max_value": _("Số tiền quá lớn; kiểm tra lại số chữ số 0."),
    }

    def to_python(self, value):
        text = _CURRENCY.sub("", str(value or "").strip())
        if not text:
            return None
        if text.startswith("-"):
            raise ValidationError(_("Số tiền không được âm."), code="negative")
        if not _AMOUNT.match(text):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        amount = int(re.sub(r"\D", "", text))
        if amount > AMOUNT_MAX:
            raise ValidationError(self.error_messages["max_value"], code="max_value")
        return amount


def school_year_choices(extra: int | None = None) -> list[tuple[str, str]]:
    year = current_school_year()
    years = list(range(year, year - 6, -1))
    if extra is not None and extra not in years:
        years.append(extra)
    return [("", _("Theo ngày nhận"))] + [(str(y), f"{y}-{y + 1}") for y in years]


class SupportForm(forms.ModelForm):
    received_on = date_field(_("Ngày nhận"))
    school_year = forms.TypedChoiceField(
        label=_("Năm học"),
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("Để “Theo ngày nhận”: từ tháng 6 là năm học bắt đầu năm đó."),
    )
    amount_vnd = AmountField(
        label=_("Số tiền (đồng)"),
        required=False,
        help_text=_("Ví dụ 1.500.000. Quà hiện vật: giá trị nếu biết, không thì để trống."),
    )
    quantity = forms.IntegerField(
        label=_("Số lượng"),
        required=False,
        min_value=1,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 1}),
        help_text=_("Ví dụ: 1 xe đạp, 10 quyển vở."),
        error_messages={
            "invalid": _("Số lượng là một số nguyên, ví dụ 1."),
            "min_value": _("Số lượng phải từ 1 trở lên; để trống nếu không đếm được."),
        },
    )

    class Meta:
        model = Support
        fields = list(SUPPORT_FIELDS)
        widgets = {
            "giver": forms.TextInput(attrs={"autocomplete": "off"}),
            "description": forms.TextInput(attrs={"autocomplete": "off"}),
        }
        help_texts = {
            "description": _("Ví dụ: Học bổng “Tiếp bước đến trường”; xe đạp mini."),
        }
        error_messages = {
            "giver": {
                "required": _(
                    "Nhập đơn vị hoặc nhà tài trợ đã trao hỗ trợ, ví dụ: Công ty Điện lực Quảng Trị."
                )
            },
            "kind": {"required": _("Chọn loại hỗ trợ (học bổng, xe đạp, sách vở ...).")},
        }

    field_order = [
        "kind",
        "giver",
        "received_on",
        "school_year",
        "amount_vnd",
        "quantity",
        "description",
        "note",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school_year"].choices = school_year_choices(self.instance.school_year)
        self.fields["received_on"].required = True
        self.fields["received_on"].error_messages["required"] = _(
            "Nhập ngày nhận hỗ trợ theo dạng ngày/tháng/năm, ví dụ 05/09/2026."
        )
        self.fields["kind"].choices = [("", _("Chọn loại hỗ trợ"))] + list(Support.Kind.choices)
        self.fields["note"].widget = forms.Textarea(attrs={"rows": 2})

    def _update_errors(self, errors):
        # The model's rules (full_clean) say nothing more about a field the form could
        # not read: "1,5 triệu" is not also "a scholarship without an amount".
        if hasattr(errors, "error_dict"):
            kept = {f: e for f, e in errors.error_dict.items() if f not in self._errors}
            if not kept:
                return
            errors = ValidationError(kept)
        super()._update_errors(errors)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("school_year") is None and cleaned.get("received_on"):
            # As the service does: the school year the date falls in.
            cleaned["school_year"] = current_school_year(cleaned["received_on"])
        return cleaned
