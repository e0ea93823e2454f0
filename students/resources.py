"""The student resource of the Django admin's import/export (see khuyenhoc/resources.py
for the scoping rules every resource keeps).

Column names are the canonical headers of the schools' lists
(students/collection/columns.py) where a field matches; the school is written by its
MOET code, the home commune by its GSO code, the ethnicity by its name (its GSO code
is accepted too). An existing student is found by ID, else by personal ID, else by
MOET student code, and only among the students of schools the person may change.
"""

from __future__ import annotations

import re

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from import_export import fields

from khuyenhoc.admin_scoping import choices_for
from khuyenhoc.models import Area, School
from khuyenhoc.resources import (
    ScopedLoader,
    ScopedResource,
    cell,
    choice_cell,
    date_cell,
    date_text,
    int_cell,
    pick_area,
    related,
)
from khuyenhoc.text import clean_text, search_key
from students.collection import normalize
from students.collection.columns import HEADER_OF
from students.models import Ethnicity, Gender, Status, StatusChange, Student, Wish
from students.record.selectors import schools_for_student_change
from students.record.services import need_scores_recompute

ID = "ID"
SCHOOL = "Mã trường"
COMMUNE = "Mã xã/phường"
_WISH_SPLIT = re.compile(r"\s*[,;\n]\s*")
# Two wish labels hold a comma ("Sách vở, đồ dùng học tập"): wishes are written apart
# with ";" and read back by the longest run of parts that names one.
WISH_SEPARATOR = "; "


def _column(key: str, fallback: str = "") -> str:
    return HEADER_OF.get(key, fallback)


class StudentResource(ScopedResource):
    id = fields.Field(attribute="id", column_name=ID)
    full_name = fields.Field(attribute="full_name", column_name=_column("full_name"))
    birth = fields.Field(attribute="birth_date", column_name=_column("birth"))
    gender = fields.Field(attribute="gender", column_name=_column("gender"))
    ethnicity = fields.Field(attribute="ethnicity", column_name=_column("ethnicity"))
    personal_id = fields.Field(attribute="personal_id", column_name=_column("personal_id"))
    moet_code = fields.Field(attribute="moet_code", column_name=_column("moet_code"))
    school = fields.Field(attribute="school", column_name=SCHOOL)
    school_name = fields.Field(column_name="Trường", readonly=True)
    grade = fields.Field(attribute="grade", column_name=_column("grade"))
    class_name = fields.Field(attribute="class_name", column_name=_column("class_name"))
    village = fields.Field(attribute="village", column_name=_column("village"))
    commune = fields.Field(attribute="commune", column_name=COMMUNE)
    address_text = fields.Field(attribute="address_text", column_name=_column("address"))
    specific_situation = fields.Field(
        attribute="specific_situation", column_name=_column("situation")
    )
    wishes = fields.Field(attribute="wishes", column_name=_column("wishes"))
    wishes_note = fields.Field(attribute="wishes_note", column_name="Nguyện vọng khác")
    status = fields.Field(attribute="status", column_name="Tình trạng")
    need_score = fields.Field(column_name="Điểm hoàn cảnh", readonly=True)
    guardian_consent_on = fields.Field(
        attribute="guardian_consent_on", column_name="Ngày phụ huynh đồng ý"
    )
    guardian_consent_by = fields.Field(
        attribute="guardian_consent_by", column_name="Người đồng ý (phụ huynh/giám hộ)"
    )
    child_consent_on = fields.Field(
        attribute="child_consent_on", column_name="Ngày học sinh đồng ý"
    )
    note = fields.Field(attribute="note", column_name=_column("note"))

    compare_attrs = (
        "full_name",
        "birth_date",
        "birth_year",
        "gender",
        "ethnicity_id",
        "personal_id",
        "moet_code",
        "school_id",
        "grade",
        "class_name",
        "village",
        "commune_id",
        "address_text",
        "specific_situation",
        "wishes",
        "wishes_note",
        "status",
        "guardian_consent_on",
        "guardian_consent_by",
        "child_consent_on",
        "note",
    )
    clean_exclude = ("school", "ethnicity", "commune", "verified_by")
    error_fields = {"birth_year": "birth"}

    class Meta:
        model = Student
        fields = (
            "id",
            "full_name",
            "birth",
            "gender",
            "ethnicity",
            "personal_id",
            "moet_code",
            "school",
            "school_name",
            "grade",
            "class_name",
            "village",
            "commune",
            "address_text",
            "specific_situation",
            "wishes",
            "wishes_note",
            "status",
            "need_score",
            "guardian_consent_on",
            "guardian_consent_by",
            "child_consent_on",
            "note",
        )
        export_order = fields
        import_id_fields = ()
        instance_loader_class = ScopedLoader
        skip_unchanged = True
        report_skipped = True

    # Export ------------------------------------------------------------------------

    def filter_export(self, queryset, **kwargs):
        return (
            super()
            .filter_export(queryset, **kwargs)
            .select_related("school", "ethnicity", "commune")
        )

    def dehydrate_birth(self, student):
        if student.birth_date:
            return date_text(student.birth_date)
        return str(student.birth_year) if student.birth_year else ""

    def dehydrate_gender(self, student):
        return student.get_gender_display() if student.gender else ""

    def dehydrate_ethnicity(self, student):
        ethnicity = related(student, "ethnicity")
        return ethnicity.name if ethnicity else ""

    def dehydrate_school(self, student):
        school = related(student, "school")
        return school.moet_code if school else ""

    def dehydrate_school_name(self, student):
        school = related(student, "school")
        return school.name if school else ""

    def dehydrate_commune(self, student):
        commune = related(student, "commune")
        return commune.code if commune else ""

    def dehydrate_wishes(self, student):
        labels = dict(Wish.choices)
        return WISH_SEPARATOR.join(str(labels.get(w, w)) for w in student.wishes or ())

    def dehydrate_status(self, student):
        return student.get_status_display() if student.status else ""

    def dehydrate_need_score(self, student):
        return student.need_score

    def dehydrate_guardian_consent_on(self, student):
        return date_text(student.guardian_consent_on)

    def dehydrate_child_consent_on(self, student):
        return date_text(student.child_consent_on)

    # Import ------------------------------------------------------------------------

    def prefetch(self, dataset) -> None:
        ids = {int(v) for v in map(cell, self.column_values(dataset, ID)) if v.isdigit()}
        pids = set(
            self._clean_all(normalize.personal_id, dataset, self.fields["personal_id"].column_name)
        )
        codes = set(
            self._clean_all(normalize.moet_code, dataset, self.fields["moet_code"].column_name)
        )
        self.by_pk: dict[int, Student] = {}
        self.by_pid: dict[str, Student] = {}
        self.by_code: dict[str, Student] = {}
        if ids or pids or codes:
            for s in (
                self.get_queryset()
                .filter(Q(pk__in=ids) | Q(personal_id__in=pids) | Q(moet_code__in=codes))
                .select_related("school", "ethnicity", "commune")
            ):
                self.by_pk[s.pk] = s
                if s.personal_id:
                    self.by_pid[s.personal_id] = s
                if s.moet_code:
                    self.by_code[s.moet_code] = s
        # Who holds each personal ID and student code anywhere, to refuse a duplicate
        # before the database does. Only the ids are read; nothing of them is shown.
        self.pid_owner: dict[str, int] = {}
        self.code_owner: dict[str, int] = {}
        if pids or codes:
            for pk, pid, code in Student.objects.filter(
                Q(personal_id__in=pids) | Q(moet_code__in=codes)
            ).values_list("pk", "personal_id", "moet_code"):
                if pid in pids:
                    self.pid_owner[pid] = pk
                if code in codes:
                    self.code_owner[code] = pk
        school_codes = {cell(v) for v in self.column_values(dataset, SCHOOL)} - {""}
        self.schools = {
            s.moet_code: s
            for s in schools_for_student_change(user=self.user).filter(moet_code__in=school_codes)
        }
        commune_codes = {cell(v) for v in self.column_values(dataset, COMMUNE)} - {""}
        self.communes: dict[str, list[Area]] = {}
        for area in choices_for(self.user, Area, record_model=Student).filter(
            kind=Area.Kind.COMMUNE, code__in=commune_codes
        ):
            self.communes.setdefault(area.code, []).append(area)
        self.ethnicities: dict[str, Ethnicity] = {}
        for e in Ethnicity.objects.all():
            self.ethnicities[e.code] = e
            self.ethnicities[str(int(e.code))] = e
            for name in (e.name, *e.aliases.split(",")):
                if name.strip():
                    self.ethnicities[search_key(name)] = e
        self.pid_rows: dict[str, int] = {}
        self.code_rows: dict[str, int] = {}
        self.status_changes: list[StatusChange] = []
        self.today = timezone.localdate()

    @staticmethod
    def _clean_all(parse, dataset, column):
        values = []
        for value in dataset[column] if dataset.headers and column in dataset.headers else ():
            try:
                values.append(parse(value))
            except ValueError:
                continue  # read_row reports it
        return [v for v in values if v]

    def match(self, row):
        if ID in row and cell(row[ID]):
            text = cell(row[ID])
            student = self.by_pk.get(int(text)) if text.isdigit() else None
            if student is None:
                raise self.row_error(
                    "id",
                    _(
                        "Không tìm thấy học sinh có ID %(id)s trong các trường bạn được cập nhật. Để thêm học sinh mới, để trống cột ID."
                    )
                    % {"id": text},
                )
            return student
        for column, index, parse in (
            (self.fields["personal_id"].column_name, self.by_pid, normalize.personal_id),
            (self.fields["moet_code"].column_name, self.by_code, normalize.moet_code),
        ):
            try:
                value = parse(row.get(column))
            except ValueError:
                continue
            if value and value in index:
                return index[value]
        return None

    def after_init_instance(self, instance, new, row, **kwargs):
        instance._import_before = None if new else (instance.status, instance.school_id)

    def read_row(self, student, row, errors) -> None:
        read = self.read
        columns = {name: f.column_name for name, f in self.fields.items()}

        def given(name: str) -> bool:
            return columns[name] in row

        if given("full_name"):
            student.full_name = normalize.person_name(row[columns["full_name"]])
        if given("birth"):
            birth = read(
                errors,
                "birth_date",
                lambda v: normalize.birth(v, today=self.today),
                row[columns["birth"]],
            )
            if birth is not None:
                student.birth_date, student.birth_year = birth
        if given("gender"):
            student.gender = read(
                errors, "gender", lambda v: choice_cell(v, Gender.choices), row[columns["gender"]]
            )
        if given("ethnicity"):
            self.read_ethnicity(student, cell(row[columns["ethnicity"]]), errors)
        if given("personal_id"):
            pid = read(errors, "personal_id", normalize.personal_id, row[columns["personal_id"]])
            student.personal_id = pid or None
            self.check_unique(student, "personal_id", self.pid_owner, self.pid_rows, errors)
        if given("moet_code"):
            code = read(errors, "moet_code", normalize.moet_code, row[columns["moet_code"]])
            student.moet_code = code or None
            self.check_unique(student, "moet_code", self.code_owner, self.code_rows, errors)
        if given("school"):
            self.read_school(student, cell(row[columns["school"]]), errors)
        if given("grade"):
            student.grade = read(
                errors, "grade", lambda v: int_cell(v, low=1, high=12), row[columns["grade"]]
            )
        if given("class_name") and student.grade is None and "grade" not in errors:
            student.grade = normalize.grade_of(cell(row[columns["class_name"]]))
        for name in (
            "class_name",
            "village",
            "address_text",
            "specific_situation",
            "wishes_note",
            "guardian_consent_by",
        ):
            if given(name):
                setattr(student, name, cell(row[columns[name]]))
        if given("note"):
            student.note = clean_text(str(row[columns["note"]] or ""))
        if given("commune"):
            self.read_commune(student, cell(row[columns["commune"]]), errors)
        if given("wishes"):
            wishes = read(errors, "wishes", self.parse_wishes, row[columns["wishes"]])
            student.wishes = wishes if wishes is not None else student.wishes
        if given("status"):
            status = read(
                errors, "status", lambda v: choice_cell(v, Status.choices), row[columns["status"]]
            )
            student.status = status or Status.STUDYING
        for name in ("guardian_consent_on", "child_consent_on"):
            if given(name):
                setattr(student, name, read(errors, name, date_cell, row[columns[name]]))
        student.full_name = clean_text(student.full_name)
        student.search_key = search_key(student.full_name)
        if student.birth_date:
            student.birth_year = student.birth_date.year

    def read_ethnicity(self, student, text: str, errors) -> None:
        ethnicity = self.ethnicities.get(text) or self.ethnicities.get(search_key(text))
        if ethnicity is None:
            errors.setdefault("ethnicity", []).append(
                _(
                    "Không có dân tộc “%(v)s” trong danh mục. Ghi tên dân tộc (Kinh, Vân Kiều, Pa Cô ...) hoặc mã GSO (01, 02 ...)."
                )
                % {"v": text}
                if text
                else _("Bắt buộc: ghi dân tộc của học sinh.")
            )
            return
        student.ethnicity = ethnicity

    def read_school(self, student, code: str, errors) -> None:
        school: School | None = self.schools.get(code)
        if school is None:
            errors.setdefault("school", []).append(
                _(
                    "Không tìm thấy trường có mã %(code)s trong các trường bạn được cập nhật. Ghi mã trường của Bộ GD&ĐT."
                )
                % {"code": code}
                if code
                else _("Bắt buộc: ghi mã trường của Bộ GD&ĐT.")
            )
            return
        student.school = school

    def read_commune(self, student, code: str, errors) -> None:
        if not code:
            student.commune = None
            return
        commune = pick_area(self.communes.get(code, []))
        if commune is None:
            errors.setdefault("commune", []).append(
                _(
                    "Không tìm thấy xã/phường có mã %(code)s trong địa bàn bạn được cập nhật. Ghi mã GSO của xã/phường, hoặc để trống."
                )
                % {"code": code}
            )
            return
        student.commune = commune

    def check_unique(self, student, attr: str, owners: dict, rows: dict, errors) -> None:
        value = getattr(student, attr)
        if not value:
            return
        label = self.fields[attr].column_name
        owner = owners.get(value)
        if owner is not None and owner != student.pk:
            errors.setdefault(attr, []).append(
                _(
                    "%(label)s %(v)s đã được dùng cho một học sinh khác. Kiểm tra lại; nếu học sinh đã có hồ sơ ở trường khác, liên hệ hội khuyến học cấp trên để chuyển hồ sơ."
                )
                % {"label": label, "v": value}
            )
            return
        first = rows.setdefault(value, self.row_number)
        if first != self.row_number:
            errors.setdefault(attr, []).append(
                _("%(label)s %(v)s đã có ở dòng %(line)s của tệp.")
                % {"label": label, "v": value, "line": first + 1}
            )

    @staticmethod
    def parse_wishes(value) -> list[str]:
        """Wishes by label or code, apart by ";", "," or a new line: "Học bổng; Sách
        vở, đồ dùng học tập" as written by the export, "Học bổng, Xe đạp" as typed."""
        parts = [p for p in _WISH_SPLIT.split(cell(value)) if p]
        wishes: list[str] = []
        start = 0
        while start < len(parts):
            # The longest run of parts from here that is one wish's label.
            for end in range(len(parts), start, -1):
                try:
                    wish = choice_cell(", ".join(parts[start:end]), Wish.choices)
                except ValueError:
                    if end == start + 1:
                        raise
                    continue
                if wish not in wishes:
                    wishes.append(wish)
                start = end
                break
        return wishes

    def before_save_instance(self, instance, row, **kwargs):
        super().before_save_instance(instance, row, **kwargs)
        before = instance._import_before
        if before is None:
            instance.status_changed_on = instance.status_changed_on or self.today
        elif instance.status != before[0]:
            # Dated in the history, as a change made in the pages is.
            instance.status_changed_on = self.today
            moved = instance.school_id != before[1]
            self.status_changes.append(
                StatusChange(
                    student=instance,
                    status=instance.status,
                    changed_on=self.today,
                    reason=_("Nhập tệp trong trang quản trị"),
                    from_school_id=before[1] if moved else None,
                    to_school=instance.school if moved else None,
                    recorded_by=self.user,
                )
            )

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        if kwargs.get("dry_run") or result.has_errors() or result.has_validation_errors():
            return
        StatusChange.objects.bulk_create(self.status_changes)
        if self.touched:
            need_scores_recompute(student_ids=sorted(set(self.touched)), today=self.today)
