"""Forms of the student record. Choices of schools and areas come from the user's scope;
the rules on the record live in students/validation.py and run through full_clean()."""

from __future__ import annotations

import re
from types import SimpleNamespace

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.db.models.functions import Substr
from django.utils.translation import gettext_lazy as _

from khuyenhoc.models import Area, School
from khuyenhoc.text import clean_text
from khuyenhoc.widgets import CommuneField
from students.addresses.services import region_roots
from students.models import Circumstance, Ethnicity, Guardian, Status, Student, Wish
from students.record import selectors as record_selectors
from students.record.services import STUDENT_FIELDS
from students.validation import name_error, phone_error, student_errors

DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"]


class DateInput(forms.DateInput):
    """A text box for dd/mm/yyyy: what people type in Vietnam, on every browser."""

    def __init__(self, attrs=None):
        defaults = {"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off"}
        super().__init__(attrs={**defaults, **(attrs or {})}, format="%d/%m/%Y")


def date_field(label, **kwargs) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        input_formats=DATE_INPUT_FORMATS,
        widget=DateInput(),
        error_messages={"invalid": _("Nhập ngày theo dạng ngày/tháng/năm, ví dụ 05/09/2012.")},
        **kwargs,
    )


class SchoolField(forms.ModelChoiceField):
    def label_from_instance(self, obj: School) -> str:
        return f"{obj.name} ({obj.grade_min}-{obj.grade_max})"


def _personal_id_message(value: str) -> str | None:
    """The message students/validation.py gives for this personal ID, if any."""
    probe = SimpleNamespace(
        personal_id=value,
        birth_date=None,
        birth_year=None,
        grade=None,
        school_id=None,
        child_consent_on=None,
        guardian_consent_on=None,
    )
    try:
        student_errors(probe)
    except ValidationError as error:
        return error.message_dict.get("personal_id", [None])[0]
    return None


class StudentForm(forms.ModelForm):
    birth_date = date_field(_("Ngày sinh"), help_text=_("Để trống nếu chỉ biết năm sinh."))
    birth_year = forms.IntegerField(
        label=_("Năm sinh"),
        required=False,
        min_value=1990,
        max_value=2100,
        help_text=_("Tự điền theo ngày sinh nếu có ngày sinh."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    personal_id = forms.CharField(
        label=_("Số định danh cá nhân"),
        required=False,
        help_text=_("12 chữ số (CCCD). Để trống nếu học sinh chưa có."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    moet_code = forms.CharField(label=_("Mã học sinh"), required=False, max_length=20)
    wishes = forms.MultipleChoiceField(
        label=_("Nguyện vọng"),
        choices=Wish.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    guardian_consent_on = date_field(_("Ngày phụ huynh đồng ý"))
    child_consent_on = date_field(_("Ngày học sinh đồng ý (từ 7 tuổi)"))
    status_changed_on = date_field(_("Ngày đổi tình trạng"))
    status_reason = forms.CharField(
        label=_("Lý do đổi tình trạng"),
        required=False,
        max_length=255,
        help_text=_("Bắt buộc khi đổi tình trạng (chuyển trường, bỏ học ...)."),
    )

    class Meta:
        model = Student
        # The fields the student services accept: one list for the form and the writes.
        fields = list(STUDENT_FIELDS)
        field_classes = {"school": SchoolField, "commune": CommuneField}
        widgets = {
            "specific_situation": forms.Textarea(attrs={"rows": 4}),
            "note": forms.Textarea(attrs={"rows": 2}),
            "grade": forms.NumberInput(attrs={"inputmode": "numeric", "min": 1, "max": 12}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        # The student's own school stays a choice even if it has since closed.
        open_or_own = Q(is_active=True) | Q(pk=self.instance.school_id)
        schools = record_selectors.schools_for_student_change(user=user).filter(open_or_own)
        self.fields["school"].queryset = schools.order_by("name", "pk")
        # Students live in any commune of their school's province, under its 2025 name or
        # an older one (khuyenhoc/widgets.py); the commune on record stays a choice.
        own = Q(pk=self.instance.school_id) if self.instance.pk else Q(pk__in=schools)
        roots = School.objects.filter(own).annotate(root=Substr("commune__path", 1, Area.steplen))
        self.fields["commune"].offer(
            roots=region_roots(roots.values_list("root", flat=True).distinct()),
            keep=self.instance.commune if self.instance.commune_id else None,
        )
        self.fields["ethnicity"].queryset = Ethnicity.objects.order_by("code")
        self.fields["school"].empty_label = _("Chọn trường")
        self.fields["full_name"].widget.attrs["autocomplete"] = "off"
        self.fields["grade"].label = _("Khối lớp")
        self.initial.setdefault("status", Status.STUDYING)
        if self.instance.pk:
            # Status changes and transfers have their own page: dated, with a reason, the
            # target school checked against the scope, roll-over flags cleared.
            for name in ("status", "status_changed_on", "status_reason", "school"):
                del self.fields[name]
        else:
            del self.fields["status_changed_on"]
            del self.fields["status_reason"]
            self.fields["status"].widget = forms.HiddenInput()

    def clean_full_name(self):
        # Invisible characters (zero-width, bidi controls) go without a word: the name
        # the person sees does not change. The rule on what a name may hold runs in
        # student_errors (full_clean), for this form and every other way in.
        return clean_text(self.cleaned_data["full_name"])

    def clean_personal_id(self):
        value = re.sub(r"[\s.]", "", self.cleaned_data.get("personal_id") or "")
        if not value:
            return None
        message = _personal_id_message(value)
        if message:
            raise ValidationError(message)
        return value

    def clean_moet_code(self):
        return (self.cleaned_data.get("moet_code") or "").strip() or None

    def clean(self):
        cleaned = super().clean()
        birth_date = cleaned.get("birth_date")
        if birth_date:
            cleaned["birth_year"] = birth_date.year
            self.instance.birth_year = birth_date.year
        elif not cleaned.get("birth_year") and "birth_date" not in self.errors:
            self.add_error("birth_year", _("Nhập ngày sinh, hoặc ít nhất năm sinh."))
        return cleaned


class CircumstanceForm(forms.ModelForm):
    certificate_date = date_field(_("Ngày cấp"))
    started_on = date_field(_("Từ ngày"))
    ended_on = date_field(_("Đến ngày"), help_text=_("Để trống nếu hoàn cảnh vẫn còn."))
    orphan_legal = forms.NullBooleanField(
        label=_("Thuộc diện mồ côi theo Điều 5 khoản 1 Nghị định 20/2021/NĐ-CP"),
        required=False,
        widget=forms.Select(
            choices=[("unknown", _("Chưa rõ")), ("true", _("Có")), ("false", _("Không"))]
        ),
    )

    class Meta:
        model = Circumstance
        fields = [
            "kind",
            "disability_type",
            "disability_level",
            "orphan_label",
            "orphan_legal",
            "household_year",
            "description",
            "confirmed",
            "certificate_number",
            "certificate_date",
            "certificate_issuer",
            "started_on",
            "ended_on",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "household_year": forms.NumberInput(attrs={"inputmode": "numeric"}),
        }

    def __init__(self, *args, can_confirm: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_confirm:
            del self.fields["confirmed"]


class GuardianForm(forms.ModelForm):
    class Meta:
        model = Guardian
        fields = ["full_name", "relation", "occupation", "phone"]
        widgets = {"phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"})}

    def clean_full_name(self):
        name = clean_text(self.cleaned_data["full_name"])
        message = name_error(name)
        if message:
            raise ValidationError(message)
        return name

    def clean_phone(self):
        phone = re.sub(r"\D", "", self.cleaned_data.get("phone") or "")
        if len(phone) in (9, 10) and not phone.startswith("0"):
            phone = "0" + phone  # spreadsheets drop the leading zero
        message = phone_error(phone)
        if message:
            raise ValidationError(message)
        return phone
