"""The cells and the base resource every admin resource builds on (the rules are in
khuyenhoc/resources/__init__.py)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext as _
from import_export import resources
from import_export.instance_loaders import BaseInstanceLoader

from khuyenhoc.access import CHANGE, VIEW
from khuyenhoc.spreadsheet import csv_read
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
    # Model attributes whose errors belong to another field's column.
    error_fields: dict[str, str] = {}

    @classmethod
    def get_diff_class(cls):
        return ReadableDiff

    def __init__(self, *, user=None, **kwargs):
        super().__init__(**kwargs)
        self.user = user
        self.row_number = 0
        # The file's line of each row of the dataset, once blank rows are left out.
        self.lines: list[int] = []
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
            result = super().import_data(dataset, **kwargs)
        # The preview numbers rows as the dataset holds them: give them the file's.
        for row in [*result.invalid_rows, *result.error_rows]:
            row.number = self._line(row.number)
        return result

    def _line(self, number: int) -> int:
        """The file's row (as a dataset index) of the dataset's row `number`, once
        blank rows are left out (_read_cells)."""
        return self.lines[number - 1] if 0 < number <= len(self.lines) else number

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self._normalise_headers(dataset)
        self._read_cells(dataset)
        self.prefetch(dataset)

    def _read_cells(self, dataset) -> None:
        """Cells as our exports wrote them: an apostrophe that made text inert in a CSV
        comes off ("'+84 912 ..." reads "+84 912 ..."). Rows left blank (a row cleared
        in Excel keeps its place) are no rows: they are left out, not reported, and
        every other row keeps its line number in the messages."""
        kept, self.lines = [], []
        for line, row in enumerate(dataset, 1):
            values = tuple(csv_read(v) for v in row)
            if any(cell(v) for v in values):
                kept.append(values)
                self.lines.append(line)
        del dataset[:]
        for values in kept:
            dataset.append(values)

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
        self.row_number = self._line(kwargs.get("row_number", 0))

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
        for attr, name in self.error_fields.items():
            columns[attr] = self.fields[name].column_name
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
