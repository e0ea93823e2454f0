"""django-import-export resources for the Django admin, on the one access-scoping path.

Columns have Vietnamese names; foreign keys are written as natural keys (a school by
its MOET code, an area by its GSO code). Every resource is built for one person
(`user=`):

- an export holds only the rows that person may see (`for_user(user, "view")`);
- an import finds existing rows only among those the person may change, so a row
  outside their scope looks exactly like one that does not exist, and is never
  updated; every row's school or area must be inside the person's "change" scope;
- bad cells become row errors in Vietnamese naming the row and the column, and one
  error anywhere writes nothing (django-import-export runs the import in a
  transaction and rolls it back);
- writes run under `history_source(source="admin-import", user=...)`.

Lookups are read once per file in `before_import` (one query per kind), not per row.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Left, Length
from django.utils import timezone
from django.utils.translation import gettext as _
from import_export import fields, resources
from import_export.instance_loaders import BaseInstanceLoader

from khuyenhoc.access import CHANGE, VIEW, scope_for
from khuyenhoc.models import Area, School
from khuyenhoc.text import clean_text, search_key

ADMIN_IMPORT_SOURCE = "admin-import"
DATE_FORMAT = "%d/%m/%Y"


# -- cells ---------------------------------------------------------------------------


def cell(value) -> str:
    """A cell as clean text; a number typed by Excel loses its '.0'."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.strftime(DATE_FORMAT)
    return clean_text(str(value))


def date_cell(value) -> dt.date | None:
    """A date as a real date cell or as text 05/09/2012 (also 5-9-2012, 2012-09-05)."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = cell(value)
    if not text:
        return None
    for fmt in (DATE_FORMAT, "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(
        _("“%(v)s” không phải ngày. Ghi theo dạng ngày/tháng/năm, ví dụ 05/09/2025.") % {"v": text}
    )


def int_cell(value, *, low: int, high: int) -> int | None:
    text = cell(value)
    if not text:
        return None
    if not text.isdigit() or not low <= int(text) <= high:
        raise ValueError(
            _("“%(v)s” không đúng: cần một số từ %(low)s đến %(high)s.")
            % {"v": text, "low": low, "high": high}
        )
    return int(text)


def choice_cell(value, choices) -> str | None:
    """A choice written by its label ("Trung học cơ sở") or its code ("lower_secondary"),
    with or without diacritics."""
    text = cell(value)
    if not text:
        return None
    key = search_key(text)
    for code, label in choices:
        if key in (search_key(str(label)), search_key(code)):
            return code
    raise ValueError(
        _("“%(v)s” không có trong danh sách. Chọn một trong: %(labels)s.")
        % {"v": text, "labels": ", ".join(str(label) for _code, label in choices)}
    )


def bool_cell(value) -> bool | None:
    key = search_key(cell(value))
    if not key:
        return None
    if key in ("co", "x", "1", "true", "dung", "yes"):
        return True
    if key in ("khong", "0", "false", "sai", "no"):
        return False
    raise ValueError(_("“%(v)s” không đúng: ghi “Có” hoặc “Không”.") % {"v": cell(value)})


def date_text(value: dt.date | None) -> str:
    return value.strftime(DATE_FORMAT) if value else ""


def related(obj, name: str):
    """obj.<name>, or None when the foreign key is not set (no query, no exception)."""
    return getattr(obj, name) if getattr(obj, f"{name}_id", None) else None


# -- the base resource ---------------------------------------------------------------


class ReadableDiff(resources.Diff):
    """The preview shows values as the export writes them (names, dd/mm/yyyy, codes),
    not the raw attributes."""

    def __init__(self, resource, instance, new):
        super().__init__(resource, instance, new)
        self.left = self._values(resource, instance)

    def compare_with(self, resource, instance):
        self.right = self._values(resource, instance)

    @staticmethod
    def _values(resource, instance):
        if instance is None:
            return ["" for _f in resource.get_import_fields()]
        return [resource.export_field(f, instance) for f in resource.get_import_fields()]


class ScopedLoader(BaseInstanceLoader):
    """Finds the existing row of a file row among the prefetched in-scope rows."""

    def get_instance(self, row):
        return self.resource.match(row)


class ScopedResource(resources.ModelResource):
    """A ModelResource for one person. Subclasses read a row in `read_row`, find its
    existing object in `match`, and prefetch what both need in `prefetch`."""

    # Model attributes compared to tell an unchanged row (skipped, no history).
    compare_attrs: tuple[str, ...] = ()
    # Fields left out of full_clean(): foreign keys (set from prefetched rows, so they
    # exist; Django would check each with a query) and what the database fills.
    clean_exclude: tuple[str, ...] = ()

    @classmethod
    def get_diff_class(cls):
        return ReadableDiff

    def __init__(self, *, user=None, **kwargs):
        super().__init__(**kwargs)
        self.user = user
        self.row_number = 0
        self.touched: list[int] = []

    # Rows --------------------------------------------------------------------------

    def get_queryset(self):
        """Existing rows an import may update: those the person may change."""
        return self._meta.model.objects.for_user(self.user, CHANGE)

    def filter_export(self, queryset, **kwargs):
        """Only what the person may see, whatever queryset the caller passes."""
        visible = self._meta.model.objects.for_user(self.user, VIEW)
        return queryset.filter(pk__in=visible.values("pk"))

    def get_import_fields(self):
        return [f for f in super().get_import_fields() if not f.readonly]

    # Import ------------------------------------------------------------------------

    def import_data(self, dataset, **kwargs):
        from students.history import history_source

        # One bad row writes nothing, even on the confirming run.
        kwargs["rollback_on_validation_errors"] = True
        with history_source(
            source=ADMIN_IMPORT_SOURCE, user=self.user, file=kwargs.get("file_name") or ""
        ):
            return super().import_data(dataset, **kwargs)

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self._normalise_headers(dataset)
        self.prefetch(dataset)

    def _normalise_headers(self, dataset) -> None:
        """Headers typed in another case or without diacritics still name the column."""
        known = {search_key(f.column_name): f.column_name for f in self.fields.values()}
        if dataset.headers:
            dataset.headers = [known.get(search_key(cell(h)), cell(h)) for h in dataset.headers]

    def column_values(self, dataset, column: str) -> list:
        return list(dataset[column]) if dataset.headers and column in dataset.headers else []

    def prefetch(self, dataset) -> None:
        raise NotImplementedError

    def match(self, row):
        raise NotImplementedError

    def read_row(self, instance, row, errors: dict) -> None:
        raise NotImplementedError

    def before_import_row(self, row, **kwargs):
        self.row_number = kwargs.get("row_number", 0)

    def import_instance(self, instance, row, **kwargs):
        errors: dict[str, list[str]] = {}
        self.read_row(instance, row, errors)
        if errors:
            raise ValidationError(errors)

    def read(self, errors: dict, attr: str, parse, value):
        """parse(value), or None with the ValueError's message noted under `attr`."""
        try:
            return parse(value)
        except ValueError as error:
            errors.setdefault(attr, []).append(str(error))
            return None

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if import_validation_errors or original is None or original.pk is None:
            return False
        return all(getattr(instance, a) == getattr(original, a) for a in self.compare_attrs)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        # Uniqueness is checked against prefetched values in read_row, and the check
        # constraints by the database: Django would ask one query for each per row.
        errors = dict(import_validation_errors or {})
        try:
            instance.full_clean(
                exclude=[*errors, *self.clean_exclude],
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(self.located(ValidationError(errors).message_dict))

    def located(self, message_dict: dict) -> dict:
        """Errors keyed by column name, each saying its row (as in the spreadsheet,
        where the header is row 1) and its column."""
        columns = {}
        for name, field in self.fields.items():
            columns.setdefault(field.attribute or name, field.column_name)
            columns.setdefault(name, field.column_name)
        line = self.row_number + 1
        located: dict[str, list[str]] = {}
        for key, messages in message_dict.items():
            if key == NON_FIELD_ERRORS or key not in columns:
                located.setdefault(NON_FIELD_ERRORS, []).extend(
                    _("Dòng %(line)s: %(message)s") % {"line": line, "message": m} for m in messages
                )
                continue
            column = columns[key]
            located.setdefault(column, []).extend(
                _("Dòng %(line)s, cột “%(column)s”: %(message)s")
                % {"line": line, "column": column, "message": m}
                for m in messages
            )
        return located

    def row_error(self, attr: str, message: str) -> ValidationError:
        return ValidationError(self.located({attr: [message]}))

    def after_save_instance(self, instance, row, **kwargs):
        super().after_save_instance(instance, row, **kwargs)
        self.touched.append(instance.pk)

    def after_import(self, dataset, result, **kwargs):
        # Not ModelResource's sequence reset: ids are never taken from the file.
        pass


# -- areas and schools ---------------------------------------------------------------


def _valid_on(area: Area, day: dt.date) -> bool:
    return (area.valid_from is None or area.valid_from <= day) and (
        area.valid_to is None or area.valid_to >= day
    )


def pick_area(candidates: list[Area], *, day: dt.date | None = None) -> Area | None:
    """One area out of those sharing a GSO code (the same code may name a unit before
    and after the 2025 reform): the one valid on `day`, else the only one."""
    if len(candidates) == 1:
        return candidates[0]
    valid = [a for a in candidates if _valid_on(a, day or timezone.localdate())]
    return valid[0] if len(valid) == 1 else None


class SchoolResource(ScopedResource):
    moet_code = fields.Field(attribute="moet_code", column_name="Mã trường")
    name = fields.Field(attribute="name", column_name="Tên trường")
    level = fields.Field(attribute="level", column_name="Cấp học")
    grade_min = fields.Field(attribute="grade_min", column_name="Từ lớp")
    grade_max = fields.Field(attribute="grade_max", column_name="Đến lớp")
    commune = fields.Field(attribute="commune", column_name="Mã xã/phường")
    commune_name = fields.Field(column_name="Xã/Phường", readonly=True)
    address = fields.Field(attribute="address", column_name="Địa chỉ")
    phone = fields.Field(attribute="phone", column_name="Điện thoại")
    is_active = fields.Field(attribute="is_active", column_name="Đang hoạt động")

    compare_attrs = (
        "name",
        "level",
        "grade_min",
        "grade_max",
        "commune_id",
        "address",
        "phone",
        "is_active",
    )
    clean_exclude = ("commune", "search_key")

    class Meta:
        model = School
        fields = (
            "moet_code",
            "name",
            "level",
            "grade_min",
            "grade_max",
            "commune",
            "commune_name",
            "address",
            "phone",
            "is_active",
        )
        export_order = fields
        import_id_fields = ()
        instance_loader_class = ScopedLoader
        skip_unchanged = True
        report_skipped = True

    # Export
    def filter_export(self, queryset, **kwargs):
        return super().filter_export(queryset, **kwargs).select_related("commune")

    def dehydrate_level(self, school):
        return school.get_level_display() if school.level else ""

    def dehydrate_commune(self, school):
        commune = related(school, "commune")
        return commune.code if commune else ""

    def dehydrate_commune_name(self, school):
        commune = related(school, "commune")
        return commune.name if commune else ""

    def dehydrate_is_active(self, school):
        return _("Có") if school.is_active else _("Không")

    # Import
    def prefetch(self, dataset) -> None:
        from khuyenhoc.admin_scoping import choices_for

        codes = {cell(v) for v in self.column_values(dataset, "Mã trường")} - {""}
        self.in_scope = {s.moet_code: s for s in self.get_queryset().filter(moet_code__in=codes)}
        self.taken = set(
            School.objects.filter(moet_code__in=codes).values_list("moet_code", flat=True)
        )
        commune_codes = {cell(v) for v in self.column_values(dataset, "Mã xã/phường")} - {""}
        self.communes: dict[str, list[Area]] = {}
        allowed = choices_for(self.user, Area, record_model=School).filter(
            kind=Area.Kind.COMMUNE, code__in=commune_codes
        )
        for area in allowed:
            self.communes.setdefault(area.code, []).append(area)
        self.seen: dict[str, int] = {}

    def match(self, row):
        return self.in_scope.get(cell(row.get("Mã trường")))

    def read_row(self, school, row, errors) -> None:
        code = cell(row.get("Mã trường"))
        if not code:
            errors.setdefault("moet_code", []).append(_("Bắt buộc: ghi mã trường của Bộ GD&ĐT."))
        elif school.pk is None:
            if code in self.taken:
                errors.setdefault("moet_code", []).append(
                    _(
                        "Không có trường mã %(code)s trong phạm vi bạn được cập nhật, và mã này không dùng được cho trường mới. Kiểm tra lại mã trường."
                    )
                    % {"code": code}
                )
            elif code in self.seen:
                errors.setdefault("moet_code", []).append(
                    _("Mã trường %(code)s đã có ở dòng %(line)s của tệp.")
                    % {"code": code, "line": self.seen[code] + 1}
                )
            school.moet_code = code
        self.seen.setdefault(code, self.row_number)
        if "Tên trường" in row:
            school.name = cell(row["Tên trường"])
        if "Cấp học" in row:
            school.level = self.read(
                errors, "level", lambda v: choice_cell(v, School.Level.choices), row["Cấp học"]
            )
        for attr, column in (("grade_min", "Từ lớp"), ("grade_max", "Đến lớp")):
            if column in row:
                setattr(
                    school,
                    attr,
                    self.read(errors, attr, lambda v: int_cell(v, low=1, high=12), row[column]),
                )
        if school.level in School.LEVEL_GRADES:
            low, high = School.LEVEL_GRADES[school.level]
            school.grade_min = low if school.grade_min is None else school.grade_min
            school.grade_max = high if school.grade_max is None else school.grade_max
        if "Mã xã/phường" in row:
            self.read_commune(school, cell(row["Mã xã/phường"]), errors)
        if "Địa chỉ" in row:
            school.address = cell(row["Địa chỉ"])
        if "Điện thoại" in row:
            school.phone = cell(row["Điện thoại"])
        if "Đang hoạt động" in row:
            active = self.read(errors, "is_active", bool_cell, row["Đang hoạt động"])
            school.is_active = True if active is None else active
        school.name = clean_text(school.name)
        school.search_key = search_key(school.name)

    def read_commune(self, school, code: str, errors: dict) -> None:
        if not code:
            errors.setdefault("commune", []).append(_("Bắt buộc: ghi mã GSO của xã/phường."))
            return
        commune = pick_area(self.communes.get(code, []))
        if commune is None:
            errors.setdefault("commune", []).append(
                _(
                    "Không tìm thấy xã/phường có mã %(code)s trong địa bàn bạn được cập nhật. Ghi mã GSO của xã/phường, ví dụ 19333."
                )
                % {"code": code}
            )
            return
        school.commune = commune


class AreaResource(ScopedResource):
    code = fields.Field(attribute="code", column_name="Mã GSO")
    name = fields.Field(attribute="name", column_name="Tên")
    short_name = fields.Field(attribute="short_name", column_name="Tên ngắn")
    unit_type = fields.Field(attribute="unit_type", column_name="Loại đơn vị")
    kind = fields.Field(attribute="kind", column_name="Cấp")
    parent = fields.Field(column_name="Mã địa bàn cấp trên")
    valid_from = fields.Field(attribute="valid_from", column_name="Hiệu lực từ")
    valid_to = fields.Field(attribute="valid_to", column_name="Hiệu lực đến")

    compare_attrs = ("name", "short_name", "unit_type", "valid_to")
    clean_exclude = ("path", "depth", "numchild", "search_key")
    KIND_RANK = {Area.Kind.PROVINCE: 1, Area.Kind.DISTRICT: 2, Area.Kind.COMMUNE: 3}

    class Meta:
        model = Area
        fields = (
            "code",
            "name",
            "short_name",
            "unit_type",
            "kind",
            "parent",
            "valid_from",
            "valid_to",
        )
        export_order = fields
        import_id_fields = ()
        instance_loader_class = ScopedLoader
        skip_unchanged = True
        report_skipped = True

    # Export
    def filter_export(self, queryset, **kwargs):
        parent = Area.objects.filter(
            path=Left(OuterRef("path"), Length(OuterRef("path")) - Area.steplen)
        ).values("code")[:1]
        return super().filter_export(queryset, **kwargs).annotate(parent_code=Subquery(parent))

    def dehydrate_kind(self, area):
        return area.get_kind_display() if area.kind else ""

    def dehydrate_parent(self, area):
        if hasattr(area, "parent_code"):
            return area.parent_code or ""
        parent = getattr(area, "_import_parent", None)
        if parent is not None:
            return parent.code
        if area.path and area.depth > 1:
            return getattr(self, "current_parent", {}).get(area.path[: -Area.steplen], "")
        return ""

    def dehydrate_valid_from(self, area):
        return date_text(area.valid_from)

    def dehydrate_valid_to(self, area):
        return date_text(area.valid_to)

    # Import
    def prefetch(self, dataset) -> None:
        codes = {cell(v) for v in self.column_values(dataset, "Mã GSO")} - {""}
        parent_codes = {cell(v) for v in self.column_values(dataset, "Mã địa bàn cấp trên")} - {""}
        self.in_scope: dict[tuple, Area] = {}
        for area in self.get_queryset().filter(code__in=codes):
            self.in_scope[(area.code, area.kind, area.valid_from)] = area
        self.taken = set(
            Area.objects.filter(code__in=codes).values_list("code", "kind", "valid_from")
        )
        self.parents: dict[str, list[Area]] = {}
        for area in self.get_queryset().filter(code__in=parent_codes):
            self.parents.setdefault(area.code, []).append(area)
        # The current parent of each area the file may update, to tell a move.
        paths = {a.path[: -Area.steplen] for a in self.in_scope.values() if a.depth > 1}
        self.current_parent = dict(Area.objects.filter(path__in=paths).values_list("path", "code"))
        self.everything = scope_for(self.user, CHANGE, Area).everything
        self.seen: dict[tuple, int] = {}

    def _key(self, row) -> tuple:
        kind = choice_cell(row.get("Cấp"), Area.Kind.choices)
        return (cell(row.get("Mã GSO")), kind, date_cell(row.get("Hiệu lực từ")))

    def match(self, row):
        try:
            return self.in_scope.get(self._key(row))
        except ValueError:
            return None  # read_row reports the bad cell

    def read_row(self, area, row, errors) -> None:
        code = cell(row.get("Mã GSO"))
        kind = self.read(
            errors, "kind", lambda v: choice_cell(v, Area.Kind.choices), row.get("Cấp")
        )
        valid_from = self.read(errors, "valid_from", date_cell, row.get("Hiệu lực từ"))
        if not code:
            errors.setdefault("code", []).append(_("Bắt buộc: ghi mã GSO của địa bàn."))
        if not kind and "kind" not in errors:
            errors.setdefault("kind", []).append(_("Bắt buộc: ghi cấp (tỉnh, huyện hoặc xã)."))
        if area.pk is None:
            area.code, area.kind, area.valid_from = code, kind or "", valid_from
        if "Tên" in row:
            area.name = cell(row["Tên"])
        if "Tên ngắn" in row:
            area.short_name = cell(row["Tên ngắn"])
        area.short_name = area.short_name or area.name
        if "Loại đơn vị" in row:
            area.unit_type = cell(row["Loại đơn vị"])
        if "Hiệu lực đến" in row:
            area.valid_to = self.read(errors, "valid_to", date_cell, row["Hiệu lực đến"])
        if area.valid_from and area.valid_to and area.valid_to < area.valid_from:
            errors.setdefault("valid_to", []).append(
                _("Ngày hết hiệu lực phải sau ngày bắt đầu hiệu lực.")
            )
        if errors:
            return
        key = (code, kind, valid_from)
        parent = self.read_parent(area, row, kind, valid_from, errors)
        if area.pk is None:
            if key in self.taken:
                errors.setdefault("code", []).append(
                    _(
                        "Không có địa bàn mã %(code)s (cấp này, hiệu lực từ ngày này) trong phạm vi bạn được cập nhật, và không thêm được địa bàn mới trùng mã. Kiểm tra lại mã, cấp và ngày hiệu lực."
                    )
                    % {"code": code}
                )
            elif key in self.seen:
                errors.setdefault("code", []).append(
                    _("Địa bàn này đã có ở dòng %(line)s của tệp.") % {"line": self.seen[key] + 1}
                )
            area._import_parent = parent
        self.seen.setdefault(key, self.row_number)

    def read_parent(self, area, row, kind, valid_from, errors) -> Area | None:
        code = cell(row.get("Mã địa bàn cấp trên"))
        if area.pk is not None:
            current = (
                self.current_parent.get(area.path[: -Area.steplen], "") if area.depth > 1 else ""
            )
            if "Mã địa bàn cấp trên" in row and code != current:
                errors.setdefault("parent", []).append(
                    _(
                        "Không đổi được địa bàn cấp trên khi nhập tệp (đang là %(current)s). Để chuyển địa bàn, kéo thả trong cây địa bàn."
                    )
                    % {"current": current or _("không có")}
                )
            return None
        if not code:
            if not self.everything:
                errors.setdefault("parent", []).append(
                    _(
                        "Bắt buộc: ghi mã GSO của địa bàn cấp trên (trong phạm vi bạn được cập nhật)."
                    )
                )
            return None
        rank = self.KIND_RANK[kind]
        candidates = [a for a in self.parents.get(code, []) if self.KIND_RANK[a.kind] < rank]
        parent = pick_area(candidates, day=valid_from)
        if parent is None:
            errors.setdefault("parent", []).append(
                _(
                    "Không tìm thấy địa bàn cấp trên có mã %(code)s trong phạm vi bạn được cập nhật. Ghi mã GSO của tỉnh hoặc huyện chứa địa bàn này."
                )
                % {"code": code}
            )
        return parent

    def do_instance_save(self, instance, is_create):
        if not is_create:
            instance.save()
        elif instance._import_parent is None:
            Area.objects.add_root(instance=instance)
        else:
            Area.objects.add_child(instance._import_parent, instance=instance)
