"""Checks on an uploaded file before anything parses it, and reading its cells.

Hostile or broken files end here with a Vietnamese message (FileRejected), never with
a crash in the worker: size, extension matched against the content's magic bytes, a
zip-bomb check on the declared uncompressed size and ratio, and a row limit. Cells are
read with python-calamine (xlsx, xls, ods; formulas come back as their cached values)
or the csv module.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

EXTENSIONS = (".xlsx", ".xls", ".ods", ".csv")
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class FileRejected(Exception):
    """The file cannot be read; the message says why and what to do, in Vietnamese."""


@dataclass
class SheetData:
    name: str
    rows: list[list]
    first_row: int = 1  # spreadsheet row number of rows[0]
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)


def _limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def file_check(*, name: str, head: bytes, size: int, path: Path | None = None) -> str:
    """Return the file's kind ("xlsx", "xls", "ods", "csv") or raise FileRejected."""
    max_bytes = _limit("IMPORT_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)
    ext = Path(name).suffix.lower()
    if ext not in EXTENSIONS:
        raise FileRejected(
            _(
                "Tệp %(name)s không phải bảng tính. Hãy gửi tệp Excel (.xlsx, .xls), LibreOffice (.ods) hoặc .csv."
            )
            % {"name": name}
        )
    if size == 0:
        raise FileRejected(
            _("Tệp %(name)s rỗng. Hãy lưu lại danh sách rồi tải lên lần nữa.") % {"name": name}
        )
    if size > max_bytes:
        raise FileRejected(
            _(
                "Tệp nặng %(size)s MB, vượt giới hạn %(max)s MB. Xoá các trang tính, hình ảnh không cần thiết hoặc chia nhỏ danh sách."
            )
            % {"size": f"{size / 1048576:.1f}", "max": f"{max_bytes / 1048576:.0f}"}
        )
    kind = ext[1:]
    mismatch = FileRejected(
        _(
            "Nội dung tệp %(name)s không khớp với đuôi %(ext)s (tệp hỏng hoặc bị đổi tên). Hãy mở tệp bằng Excel và lưu lại đúng định dạng."
        )
        % {"name": name, "ext": ext}
    )
    if kind in ("xlsx", "ods"):
        if not head.startswith(_ZIP_MAGIC):
            raise mismatch
        if path is not None:
            _zip_check(path, kind, mismatch)
    elif kind == "xls":
        if not head.startswith(_OLE_MAGIC):
            raise mismatch
    elif b"\x00" in head or head.startswith((_ZIP_MAGIC, _OLE_MAGIC)):
        raise mismatch
    return kind


def _zip_check(path: Path, kind: str, mismatch: FileRejected) -> None:
    max_total = _limit("IMPORT_MAX_UNCOMPRESSED_BYTES", 200 * 1024 * 1024)
    max_ratio = _limit("IMPORT_MAX_COMPRESSION_RATIO", 100)
    bomb = FileRejected(
        _(
            "Tệp có cấu trúc nén bất thường (có thể là tệp độc hại) nên không được đọc. Hãy mở bằng Excel, chép dữ liệu sang tệp mới rồi tải lên."
        )
    )
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            names = {i.filename for i in infos}
            if kind == "xlsx" and "[Content_Types].xml" not in names:
                raise mismatch
            if kind == "ods" and "content.xml" not in names:
                raise mismatch
            if len(infos) > 10_000:
                raise bomb
            total = sum(i.file_size for i in infos)
            packed = sum(i.compress_size for i in infos) or 1
            if total > max_total or total / packed > max_ratio:
                raise bomb
    except zipfile.BadZipFile:
        raise mismatch from None


def sheet_read(*, path: Path, kind: str) -> SheetData:
    """Read the sheet that holds the list: the one whose rows look most like a header."""
    if kind == "csv":
        return _csv_read(path)
    from python_calamine import CalamineError, CalamineWorkbook, SheetTypeEnum

    from students.collection.columns import header_score

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        best: SheetData | None = None
        best_score = -1
        for meta in workbook.sheets_metadata:
            if meta.typ != SheetTypeEnum.WorkSheet:
                continue
            sheet = workbook.get_sheet_by_name(meta.name)
            rows = _trimmed(sheet.iter_rows())
            score = max((header_score(r) for r in rows[:30]), default=0)
            if score > best_score:
                start_row = sheet.start[0] if sheet.start else 0
                start_col = sheet.start[1] if sheet.start else 0
                if start_col:
                    rows = [[""] * start_col + r for r in rows]
                merged = list(sheet.merged_cell_ranges or []) if kind == "xlsx" else []
                best = SheetData(name=meta.name, rows=rows, first_row=start_row + 1, merged=merged)
                best_score = score
        workbook.close()
    except (CalamineError, ValueError, OSError) as exc:
        raise FileRejected(
            _(
                "Không đọc được tệp (%(err)s). Hãy mở bằng Excel hoặc LibreOffice, lưu lại rồi tải lên lần nữa."
            )
            % {"err": str(exc)[:120]}
        ) from None
    if best is None:
        raise FileRejected(_("Tệp không có trang tính nào chứa danh sách."))
    return best


def cell_filled(cell) -> bool:
    """A cell with something in it: not None, not "", not only spaces (a cell holding a
    space, or a formula showing "", looks empty to the person who sent the file)."""
    if cell is None or cell == "":
        return False
    return not (cell.__class__ is str and cell.isspace())


def row_filled(row) -> bool:
    for cell in row:
        if cell is None or cell == "" or (cell.__class__ is str and cell.isspace()):
            continue
        return True
    return False


def _trimmed(rows) -> list[list]:
    """All rows up to the last non-empty one: LibreOffice often saves thousands of
    formatted but empty rows after the list."""
    max_rows = _limit("IMPORT_MAX_ROWS", 20_000)
    out: list[list] = []
    last_filled = -1
    empty_run = 0
    for row in rows:
        if row_filled(row):
            last_filled = len(out)
            empty_run = 0
        else:
            empty_run += 1
            # A long run of empty rows past the limit is padding, not data: stop reading.
            if empty_run > 1000 and len(out) > max_rows:
                break
        out.append(list(row))
        if last_filled > max_rows + 100:
            break
    return out[: last_filled + 1]


def _csv_read(path: Path) -> SheetData:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileRejected(
            _(
                'Tệp CSV không ở mã UTF-8. Trong Excel chọn Lưu thành → "CSV UTF-8 (Comma delimited)" rồi tải lên lại.'
            )
        ) from None
    first_line, _newline, rest = text.partition("\n")
    if first_line.strip().lower() in ("sep=,", "sep=;", "sep=\t"):
        # Excel's hint line: the delimiter is given, the line is no data.
        text = rest
        delimiter = first_line.strip()[4:] or "\t"
        rows = [list(r) for r in csv.reader(io.StringIO(text), delimiter=delimiter)]
        return SheetData(name="csv", rows=_trimmed(rows), first_row=2)
    sample = text[:8192]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = [list(r) for r in csv.reader(io.StringIO(text), dialect)]
    return SheetData(name="csv", rows=_trimmed(rows))
