"""From an uploaded file to checked rows: the first, read-only phase of an import."""

from __future__ import annotations

import gc
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from students.collection.columns import HEADER_OF, SYNONYM_OF, header_key
from students.collection.files import (
    FileRejected,
    cell_filled,
    file_check,
    row_filled,
    sheet_read,
)
from students.collection.header import (
    HeaderMap,
    Title,
    column_letter,
    header_find,
    is_numbering_row,
    title_read,
)
from students.collection.rows import (
    Issue,
    ParsedRow,
    RowContext,
    RowParser,
    _row_key,
    is_footer,
)

# Without these a row cannot become a student.
REQUIRED = ("full_name", "birth", "class_name")
CRITERIA = (
    "disability",
    "orphan",
    "orphan_father",
    "orphan_mother",
    "orphan_both",
    "poor",
    "near_poor",
    "other",
)


@contextmanager
def gc_paused():
    """No cyclic garbage collection while a file is read: a sheet is millions of small
    objects that live until the end, and Python's collector walked all of them again
    and again as rows were parsed (a third of the import's Python time). Reference
    counting still frees what is dropped; cycles wait for the end."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@dataclass
class ParseResult:
    rows: list[ParsedRow] = field(default_factory=list)
    file_errors: list[Issue] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)
    header: HeaderMap | None = None
    sheet_name: str = ""
    title: Title = field(default_factory=Title)  # the school year and school above the header

    @property
    def valid_rows(self) -> list[ParsedRow]:
        return [r for r in self.rows if r.is_valid]

    @property
    def error_rows(self) -> list[ParsedRow]:
        return [r for r in self.rows if not r.is_valid]


def file_parse(*, path: Path, name: str, context: RowContext, progress=None) -> ParseResult:
    """Read, map and check every row. Raises FileRejected for a file that cannot be
    read at all; problems with columns or rows are collected in the result."""
    with gc_paused():
        opened = file_open(path=path, name=name)
        if not opened.result.file_errors:
            opened.result.rows = list(opened.rows(context=context, progress=progress))
    return opened.result


@dataclass
class OpenedFile:
    """A checked file whose header is found: its rows are parsed lazily, so a caller can
    stage them in chunks without holding every parsed row at once."""

    result: ParseResult
    sheet: object

    def rows(self, *, context: RowContext, progress=None):
        """Parsed rows, in file order. Columns with data but no header are added to
        `result.unknown_columns` once the iteration ends."""
        result, sheet, header = self.result, self.sheet, self.result.header
        max_rows = int(getattr(settings, "IMPORT_MAX_ROWS", 20_000))
        parser = RowParser(header, context, result.title)
        data = sheet.rows[header.data_start :]
        total = len(data)
        name_index = header.columns.get("full_name", 0)
        unlabelled = [i for i in range(max(map(len, data), default=0)) if i not in header.labels]
        stray: set[int] = set()
        count = 0
        for offset, row in enumerate(data):
            name = row[name_index] if name_index < len(row) else None
            if not (name.__class__ is str and name and not name.isspace()):
                # No name: an empty or phantom row, a numbered empty line, or a footer.
                if not row_filled(row):
                    continue
                if is_footer(row):
                    break
                if _only_numbering(row, header):
                    continue
            elif is_footer(row):
                break
            elif _repeated_header(name, row):
                continue
            for i in unlabelled:
                if i < len(row) and cell_filled(row[i]):
                    stray.add(i)
            number = sheet.first_row + header.data_start + offset
            if count >= max_rows:
                raise FileRejected(
                    _(
                        "Tệp có hơn %(max)s dòng học sinh, vượt giới hạn một lần tải lên. Hãy chia thành nhiều tệp."
                    )
                    % {"max": f"{max_rows:,}".replace(",", ".")}
                )
            count += 1
            yield parser.parse(row, number)
            if progress is not None and offset % 2000 == 0:
                progress(offset, total)
        # Data under no header is listed too, never dropped silently.
        result.unknown_columns += [
            _("%(col)s (không có tiêu đề)") % {"col": column_letter(i)} for i in sorted(stray)
        ]


def file_open(*, path: Path, name: str) -> OpenedFile:
    """Check the file, read its sheet and find the header. Raises FileRejected for a
    file that cannot be read at all; missing columns are file errors in the result."""
    size = path.stat().st_size
    with path.open("rb") as fh:
        head = fh.read(8)
    kind = file_check(name=name, head=head, size=size, path=path)
    sheet = sheet_read(path=path, kind=kind)
    result = ParseResult(sheet_name=sheet.name)
    header = header_find(sheet.rows, merged=sheet.merged, first_row=sheet.first_row)
    if header is None:
        raise FileRejected(
            _(
                "Không tìm thấy dòng tiêu đề của danh sách (các cột như “Họ và tên”, “Ngày sinh”, “Lớp”). Hãy dùng mẫu tải về từ hệ thống hoặc thêm dòng tiêu đề."
            )
        )
    result.header = header
    result.title = title_read(sheet.rows[: header.start], first_row=sheet.first_row)
    result.unknown_columns = [
        f"{column_letter(i)} ({label})" for i, label in header.unknown + header.duplicates
    ]
    missing = [
        HEADER_OF[k]
        for k in REQUIRED
        if k not in header.columns
        and not (
            k == "birth" and ("birth_male" in header.columns or "birth_female" in header.columns)
        )
    ]
    if missing:
        result.file_errors.append(
            Issue(
                0,
                "",
                _("Thiếu cột: %(cols)s.") % {"cols": ", ".join(missing)},
                _("Thêm các cột này vào dòng tiêu đề (xem mẫu của hệ thống)."),
            )
        )
    if not any(k in header.columns for k in CRITERIA):
        result.file_errors.append(
            Issue(
                0,
                "",
                _(
                    "Không có cột hoàn cảnh nào (Khuyết tật, Mồ côi, Hộ nghèo, Hộ cận nghèo, Hoàn cảnh khác)."
                ),
                _("Thêm ít nhất một cột hoàn cảnh và đánh dấu x cho từng học sinh."),
            )
        )
    return OpenedFile(result=result, sheet=sheet)


def _repeated_header(name: str, row: list) -> bool:
    """The header, or its row of column numbers, again inside the list (pasted between
    classes, or kept from each printed page)."""
    first = name.lstrip()[:1]
    if first in "(0123456789":
        return is_numbering_row(row)
    if first in "HhTt" and _row_key(name).startswith(("ho", "ten")):
        return SYNONYM_OF.get(header_key(name)) == "full_name"
    return False


def _only_numbering(row: list, header: HeaderMap) -> bool:
    """A row holding just an STT and nothing else (pre-numbered empty lines)."""
    filled = [i for i, c in enumerate(row) if cell_filled(c)]
    return filled == [header.columns.get("stt")]
