"""Resources of the areas and schools (see khuyenhoc/resources/__init__.py for the
scoping rules every resource keeps)."""

from __future__ import annotations

import datetime as dt

from django.db.models import OuterRef, Subquery
from django.db.models.functions import Left, Length
from django.utils import timezone
from django.utils.translation import gettext as _
from import_export import fields

from khuyenhoc.access import CHANGE, scope_for
from khuyenhoc.models import Area, School
from khuyenhoc.resources.base import (
    ScopedLoader,
    ScopedResource,
    bool_cell,
    cell,
    choice_cell,
    date_cell,
    date_text,
    int_cell,
    related,
)
from khuyenhoc.text import clean_text, search_key


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
