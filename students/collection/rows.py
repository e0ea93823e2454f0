"""Reading every data row of a school's list into clean values, collecting every
problem with its row, its column, a Vietnamese message and what to do about it."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from khuyenhoc.text import clean_text, has_control, has_invisible, name_problem, search_key
from students.collection import normalize as norm
from students.collection import vocab
from students.collection.header import HeaderMap, Title, column_letter, title_names_another_school
from students.models import Guardian, Student
from students.scoring import household_year_is_current

# A signature title fills its cell ("Người lập biểu", "KT. HIỆU TRƯỞNG PHÓ HIỆU TRƯỞNG"):
# a student called "Hiếu Trường Giang" or "Tống Công Minh" is no footer.
_TITLE = (
    r"(?:(?:kt|tm|tl|q|p)\s*\.?\s*)?"
    r"(?:nguoi lap bieu|nguoi lap bang|nguoi lap|pho hieu truong|hieu truong|"
    r"thu truong don vi|thu truong|xac nhan cua [a-z ]+|xac nhan|ke toan|giam doc)"
)
_FOOTER = re.compile(
    rf"^(?:{_TITLE}(?:[\s.:,;()\-]+{_TITLE})*[\s.:,;()\-]*$"
    r"|tong (?:cong|so)(?=\s*(?:[:\d]|hoc sinh|$))|cong:"
    r"|[\w ]{0,40}, ngay \.*\s*\d{0,2}\.* thang)"
)
_STAFF_ONLY = ("ghi chu:", "luu y:")


def _max_length(model, name: str) -> int:
    return model._meta.get_field(name).max_length


# What the record's fields hold: a longer cell is reported, never cut without a word.
NAME_MAX = _max_length(Student, "full_name")
CLASS_MAX = _max_length(Student, "class_name")
VILLAGE_MAX = _max_length(Student, "village")
ADDRESS_MAX = _max_length(Student, "address_text")
WISHES_NOTE_MAX = _max_length(Student, "wishes_note")
GUARDIAN_NAME_MAX = _max_length(Guardian, "full_name")
OCCUPATION_MAX = _max_length(Guardian, "occupation")
# What to do about a cell too long for its field; translated only when one is.
_FIX_WISHES = N_("Ghi ngắn gọn; chi tiết ghi vào cột Hoàn cảnh cụ thể.")
_FIX_NAME = N_("Chỉ ghi họ và tên, không ghi thêm.")
_FIX_CLASS = N_("Chỉ ghi tên lớp, ví dụ 6A, 10A1.")
_FIX_VILLAGE = N_("Chỉ ghi tên thôn/khối phố, ví dụ Thôn 2.")
_FIX_ADDRESS = N_("Ghi địa chỉ ngắn gọn: thôn, xã.")


@dataclass(frozen=True)
class Issue:
    row: int  # spreadsheet row number (1-based), 0 for the whole file
    column: str  # "C (Ngày sinh)" or "" for the whole row
    message: str
    fix: str = ""
    warning: bool = False
    code: str = ""  # names the few issues a later step treats apart (NO_CIRCUMSTANCE)


# A row marking no circumstance: an error for a new student, a warning for one already on
# record (students/collection/staging.py), whose circumstances an import never ends.
NO_CIRCUMSTANCE = "no_circumstance"


@dataclass
class RowContext:
    """What checking a row needs to know, looked up once per file."""

    today: dt.date
    ethnicities: dict[str, int]  # key (code, name or alias, as search key) -> Ethnicity id
    communes: dict[str, int]  # commune name without prefix, as search key -> Area id
    grade_min: int = 1
    grade_max: int = 12
    school_name: str = ""
    # The collection round's school year (its first year): the poverty year of a list
    # that marks "Hộ nghèo" with x and names no year, when its title names none either.
    school_year: int | None = None


@dataclass
class ParsedRow:
    row: int
    values: dict = field(default_factory=dict)
    circumstances: list[dict] = field(default_factory=list)
    guardian: dict | None = None
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.errors


# The footer check keys the first text cell of a row, mostly the student's name, which
# the row's search key needs next: keep the last few.
_row_key = lru_cache(maxsize=16)(search_key)


def ethnicity_keys(rows) -> dict[str, int]:
    """Lookup keys for ethnic groups: code ("01", "1"), name and every alias."""
    keys: dict[str, int] = {}
    for pk, code, name, aliases in rows:
        keys[code] = pk
        keys[str(int(code))] = pk
        for word in [name, name.replace("-", " "), *aliases.split(",")]:
            key = _loose(word)
            if key:
                keys.setdefault(key, pk)
    return keys


def _loose(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9 ]+", " ", search_key(text)).split())


def is_footer(row: list) -> bool:
    """A signature block or total line ends the list. Only the first text cell counts."""
    for cell in row:
        if isinstance(cell, str) and cell.strip():
            first = _row_key(cell)
            return bool(_FOOTER.match(first)) or first.startswith(_STAFF_ONLY)
    return False


_ORPHAN_COLUMNS = (
    ("orphan_both", "both"),
    ("orphan_father", "father"),
    ("orphan_mother", "mother"),
)


class RowParser:
    def __init__(self, header: HeaderMap, context: RowContext, title: Title | None = None):
        self.header = header
        self.ctx = context
        self.title = title or Title()
        self._default_year = self._household_year_default()
        self._default_year_told = False
        # Problems of the whole file, told once on the first row parsed.
        self._file_warnings = self._title_warnings()
        self.cols = header.columns
        self._items = tuple(header.columns.items())
        self._width = max(header.columns.values(), default=-1) + 1
        self._vals: dict = {}
        self._ethnicity_cache: dict[str, int | None] = {}
        self._commune_cache: dict[str, int | None] = {}
        self._unknown_communes: dict[str, tuple[str, str]] = {}
        self._current_years: dict[int, bool] = {}
        self._stale_words: dict[tuple[str, int], tuple[str, str]] = {}
        self._col_labels: dict[str, str] = {}

    def _col(self, key: str) -> str:
        label = self._col_labels.get(key)
        if label is None:
            index = self.cols.get(key)
            label = (
                ""
                if index is None
                else f"{column_letter(index)} ({self.header.labels.get(index, key)})"
            )
            self._col_labels[key] = label
        return label

    def _get(self, row: list, key: str):
        """The cell of column `key` in the row being parsed; None when it is empty."""
        return self._vals.get(key)

    def _values_of(self, row: list) -> dict:
        # One pass over the mapped columns per row: every field below is a dict lookup.
        if len(row) < self._width:
            row = list(row) + [""] * (self._width - len(row))
        return {
            key: value
            for key, index in self._items
            if (value := row[index]) is not None
            and value != ""
            and not (value.__class__ is str and value.isspace())
        }

    def parse(self, row: list, number: int) -> ParsedRow:
        out = ParsedRow(row=number)
        self._vals = self._values_of(row)
        if self._file_warnings:
            out.warnings += self._file_warnings
            self._file_warnings = []
        if has_control("".join(x for x in self._vals.values() if x.__class__ is str)):
            self._controls_remove(out)
        v = out.values
        self._identity(row, out, v)
        self._school(row, out, v)
        self._address(row, out, v)
        self._circumstances(row, out)
        self._guardian(row, out)
        v["specific_situation"] = norm.text(self._vals.get("situation"))
        wishes_text = norm.text(self._vals.get("wishes"))
        wishes, v["wishes_note"] = vocab.wishes_read(wishes_text) if wishes_text else ((), "")
        v["wishes"] = list(wishes)
        v["wishes_note"] = self._fit(
            out,
            "wishes",
            v["wishes_note"],
            WISHES_NOTE_MAX,
            cut=True,
            fix=_FIX_WISHES,
        )
        v["note"] = norm.text(self._vals.get("note"))
        return out

    def _controls_remove(self, out: ParsedRow) -> None:
        """A cell holding NUL or another control character (a CSV with a stray byte, an
        xlsx cell with "_x0000_"): the row is refused with its column, and the character
        removed so that nothing downstream (PostgreSQL refuses NUL) breaks on it."""
        for key, value in list(self._vals.items()):
            if value.__class__ is str and has_control(value):
                cleaned = clean_text(value)
                self.error(
                    out,
                    key,
                    _("Ô có ký tự điều khiển không nhìn thấy (ví dụ NUL): “%(v)s”.")
                    % {"v": cleaned[:60]},
                    _("Gõ lại nội dung ô này, hoặc chép sang tệp mới chỉ phần chữ."),
                )
                if cleaned:
                    self._vals[key] = cleaned
                else:
                    del self._vals[key]

    def _fit(self, out, key: str, value: str, limit: int, *, cut: bool = False, fix: str = ""):
        """`value` if it fits its field. A longer one is an error, or for free text
        (`cut`) a warning that only its first `limit` characters are kept. `fix` is
        marked with N_ and translated here: only for the rare cell that does not fit
        (a gettext per field and row took a quarter of a row's time)."""
        if len(value) <= limit:
            return value
        fix = _(fix) if fix else ""
        if cut:
            self.warn(
                out,
                key,
                _("Nội dung dài %(n)s ký tự, quá %(max)s: chỉ giữ %(max)s ký tự đầu.")
                % {"n": len(value), "max": limit},
                fix,
            )
            return value[:limit]
        self.error(
            out,
            key,
            _("“%(v)s” dài %(n)s ký tự, quá %(max)s ký tự cho phép.")
            % {"v": value[:40] + "...", "n": len(value), "max": limit},
            fix,
        )
        return value[:limit]

    def _household_year_default(self) -> int | None:
        """The poverty year of a list with no year column: the school year in the title,
        or the collection round's; None when neither is known or plausible. A list that
        has the column (the template) says the year row by row: a blank cell there is
        an unknown year, so that the template of a student whose year is unknown comes
        back unchanged."""
        if "household_year" in self.header.columns:
            return None
        for year in (self.title.year, self.ctx.school_year):
            if year and 2000 <= year <= self.ctx.today.year + 1:
                return year
        return None

    def _title_warnings(self) -> list[Issue]:
        if not title_names_another_school(self.title, self.ctx.school_name):
            return []
        return [
            Issue(
                self.title.school_row,
                "",
                _("Tiêu đề ghi “%(t)s”, nhưng danh sách đang được tải lên cho %(s)s.")
                % {"t": self.title.school_line, "s": self.ctx.school_name},
                _(
                    "Kiểm tra lại có đúng danh sách của trường không; nếu đúng, sửa tên trường trong tiêu đề."
                ),
                warning=True,
            )
        ]

    def _year_current(self, year: int) -> bool:
        current = self._current_years.get(year)
        if current is None:
            current = self._current_years[year] = household_year_is_current(year, self.ctx.today)
        return current

    def _stale_warning(self, row: int, kind: str, year: int) -> Issue:
        # A whole list often carries last year's certificates: word the warning once.
        words = self._stale_words.get((kind, year))
        if words is None:
            words = self._stale_words[(kind, year)] = (
                _("Năm xác nhận %(l)s %(y)s đã cũ.") % {"l": _kind_label(kind), "y": year},
                _("Cập nhật theo giấy chứng nhận năm nay nếu gia đình vẫn thuộc diện."),
            )
        return Issue(row, self._col("household_year"), words[0], words[1], warning=True)

    def _unknown_year_warning(self, row: int, kind: str, key: str) -> Issue:
        # Not an error: the household is poor all the same. The record says "chưa rõ
        # năm" and the need score counts it as stale until someone adds the year.
        words = self._stale_words.get((kind, 0))
        has_column = "household_year" in self.cols
        if words is None:
            words = self._stale_words[(kind, 0)] = (
                _("Chưa rõ năm xác nhận %(l)s: hồ sơ sẽ ghi “chưa rõ năm”.")
                % {"l": _kind_label(kind)},
                _("Ghi năm được công nhận trên sổ hoặc giấy chứng nhận, ví dụ 2026.")
                if has_column
                else _(
                    "Thêm cột “Năm xác nhận hộ nghèo/cận nghèo”, hoặc ghi năm học ở tiêu đề (ví dụ “Năm học 2026 - 2027”)."
                ),
            )
        column = "household_year" if has_column else key
        return Issue(row, self._col(column), words[0], words[1], warning=True)

    def _default_year_warning(self, row: int, key: str) -> Issue:
        year = self._default_year
        if self.title.year == year:
            message = _(
                "Không ghi năm xác nhận hộ nghèo/cận nghèo: lấy năm %(y)s theo năm học ở tiêu đề (dòng %(r)s), cho dòng này và các dòng sau."
            ) % {"y": year, "r": self.title.year_row}
        else:
            message = _(
                "Không ghi năm xác nhận hộ nghèo/cận nghèo: lấy năm %(y)s theo năm học của đợt thu thập, cho dòng này và các dòng sau."
            ) % {"y": year}
        fix = _("Nếu gia đình được công nhận năm khác, ghi năm đó vào cột năm xác nhận.")
        column = "household_year" if "household_year" in self.cols else key
        return Issue(row, self._col(column), message, fix, warning=True)

    def _person_name(self, out: ParsedRow, key: str) -> str:
        """A name with the one rule of khuyenhoc/text.py: invisible characters are
        removed with a warning; markup, digits and symbols refuse the row."""
        raw = self._vals.get(key)
        name = norm.person_name(raw)
        if not name:
            return ""
        if isinstance(raw, str) and has_invisible(raw):
            self.warn(
                out,
                key,
                _("Đã bỏ ký tự ẩn (không nhìn thấy) trong họ tên “%(v)s”.") % {"v": name[:60]},
                _("Thường do chép từ Zalo, Word hay trang web; kiểm tra lại họ tên."),
            )
        problem = name_problem(name)
        if problem:
            self.error(out, key, *problem)
        limit = NAME_MAX if key == "full_name" else GUARDIAN_NAME_MAX
        return self._fit(out, key, name, limit, fix=_FIX_NAME)

    def error(self, out: ParsedRow, key: str, message: str, fix: str = "") -> None:
        out.errors.append(Issue(out.row, self._col(key), message, fix))

    def warn(self, out: ParsedRow, key: str, message: str, fix: str = "") -> None:
        out.warnings.append(Issue(out.row, self._col(key), message, fix, warning=True))

    def _identity(self, row, out, v) -> None:
        name = self._person_name(out, "full_name")
        if not name:
            self.error(out, "full_name", _("Thiếu họ và tên học sinh."), _("Ghi đầy đủ họ và tên."))
        v["full_name"] = name
        v["search_key"] = _row_key(name)

        gender, birth_value = None, self._vals.get("birth")
        for key, g in (("birth_female", "female"), ("birth_male", "male")):
            value = self._vals.get(key)
            if value is not None:
                birth_value, gender = value, g
        try:
            v["birth_date"], v["birth_year"] = norm.birth(birth_value, today=self.ctx.today)
        except ValueError as exc:
            v["birth_date"], v["birth_year"] = None, None
            self.error(out, "birth", str(exc))
        else:
            if v["birth_year"] is None:
                self.error(
                    out,
                    "birth",
                    _("Thiếu ngày sinh."),
                    _("Ghi ngày/tháng/năm sinh, hoặc ít nhất năm sinh."),
                )

        if gender is None:
            gender = self._gender(row, out)
        v["gender"] = gender

        v["ethnicity_id"] = self._ethnicity(row, out)
        try:
            v["personal_id"] = norm.personal_id(self._vals.get("personal_id")) or None
        except ValueError as exc:
            v["personal_id"] = None
            self.error(out, "personal_id", str(exc))
        try:
            v["moet_code"] = norm.moet_code(self._vals.get("moet_code")) or None
        except ValueError as exc:
            v["moet_code"] = None
            self.error(out, "moet_code", str(exc))

    def _gender(self, row, out) -> str | None:
        value = self._vals.get("gender")
        if value is not None:
            found = _gender_word(value)
            if found:
                return found
            self.error(
                out,
                "gender",
                _("Giới tính “%(v)s” không rõ.") % {"v": value},
                _("Ghi Nam hoặc Nữ."),
            )
            return None
        if "female_mark" in self.cols or "male_mark" in self.cols:
            if norm.mark(self._vals.get("female_mark")):
                return "female"
            if "male_mark" in self.cols and not norm.mark(self._vals.get("male_mark")):
                self.error(
                    out,
                    "male_mark",
                    _("Chưa đánh dấu giới tính."),
                    _("Đánh x vào cột Nam hoặc Nữ."),
                )
                return None
            return "male"
        self.error(
            out,
            "gender",
            _("Thiếu giới tính."),
            _("Thêm cột Giới tính (Nam/Nữ) hoặc cột Nữ đánh x."),
        )
        return None

    def _ethnicity(self, row, out) -> int | None:
        value = self._vals.get("ethnicity")
        if value is None:
            self.error(
                out,
                "ethnicity",
                _("Thiếu dân tộc."),
                _("Ghi tên dân tộc, ví dụ Kinh, Bru - Vân Kiều, Tà Ôi (Pa Cô)."),
            )
            return None
        raw = norm.text(value)
        if raw not in self._ethnicity_cache:
            key = _loose(raw)
            found = self.ctx.ethnicities.get(key)
            if found is None and key.startswith("dan toc "):
                found = self.ctx.ethnicities.get(key[8:])
            self._ethnicity_cache[raw] = found
        found = self._ethnicity_cache[raw]
        if found is None:
            self.error(
                out,
                "ethnicity",
                _("Không nhận ra dân tộc “%(v)s”.") % {"v": raw},
                _("Ghi đúng tên một trong 54 dân tộc, ví dụ Kinh, Bru - Vân Kiều, Tà Ôi, Mường."),
            )
        return found

    def _school(self, row, out, v) -> None:
        class_value = self._vals.get("class_name")
        class_name = norm.text(class_value)
        v["class_name"] = self._fit(out, "class_name", class_name, CLASS_MAX, fix=_FIX_CLASS)
        grade = norm.grade_of(class_name, self._vals.get("grade"))
        v["grade"] = grade
        if grade is None:
            self.error(
                out,
                "class_name",
                _("Thiếu lớp hoặc không đọc được khối lớp từ “%(v)s”.") % {"v": class_name},
                _("Ghi lớp bắt đầu bằng khối, ví dụ 6A, 10A1."),
            )
        elif not self.ctx.grade_min <= grade <= self.ctx.grade_max:
            self.error(
                out,
                "class_name",
                _("Lớp %(g)s không thuộc cấp học của trường (lớp %(lo)s-%(hi)s).")
                % {"g": grade, "lo": self.ctx.grade_min, "hi": self.ctx.grade_max},
                _("Kiểm tra lại lớp, hoặc học sinh đã chuyển trường."),
            )

    def _address(self, row, out, v) -> None:
        village = norm.text(self._vals.get("village"))
        commune_text = norm.text(self._vals.get("commune"))
        address = norm.text(self._vals.get("address"))
        if address and not (village and commune_text):
            parsed_village, parsed_commune = _split_address(address)
            village = village or parsed_village
            commune_text = commune_text or parsed_commune
        v["village"] = self._fit(
            out,
            "village" if "village" in self.cols else "address",
            village,
            VILLAGE_MAX,
            fix=_FIX_VILLAGE,
        )
        v["address_text"] = self._fit(
            out,
            "address" if address else "village",
            address or ", ".join(p for p in (village, commune_text) if p),
            ADDRESS_MAX,
            cut=True,
            fix=_FIX_ADDRESS,
        )
        v["commune_id"] = None
        if commune_text:
            v["commune_id"] = self._commune(commune_text)
            if v["commune_id"] is None:
                # The same unknown name tends to repeat down a list: word it once.
                words = self._unknown_communes.get(commune_text)
                if words is None:
                    words = self._unknown_communes[commune_text] = (
                        _("Không tìm thấy xã/phường “%(v)s” trong địa bàn.") % {"v": commune_text},
                        _("Kiểm tra tên xã/phường; cán bộ hội sẽ chọn lại nếu cần."),
                    )
                self.warn(out, "commune" if "commune" in self.cols else "address", *words)

    def _commune(self, text: str) -> int | None:
        if text not in self._commune_cache:
            # The full name first: "Xã Gio Linh" (2025) is not "Thị trấn Gio Linh".
            key = search_key(text)
            found = self.ctx.communes.get(key)
            if found is None:
                _had, key = vocab.strip_prefix(key, vocab.COMMUNE_PREFIXES)
                found = self.ctx.communes.get(key)
            self._commune_cache[text] = found
        return self._commune_cache[text]

    def _circumstances(self, row, out) -> None:
        found = out.circumstances
        vals = self._vals
        dis_value = vals.get("disability")
        level_value = vals.get("disability_level")
        if norm.mark(dis_value) or (level_value is not None and "disability" not in self.cols):
            dtype, level = _disability_of(dis_value, vals.get("disability_type"), level_value)
            if dtype is None:
                self.error(
                    out,
                    "disability",
                    _("Chưa ghi dạng khuyết tật."),
                    _(
                        "Ghi dạng tật: vận động, nghe/nói, nhìn, thần kinh/tâm thần, trí tuệ hoặc khác, ví dụ “x (vận động, nặng)”."
                    ),
                )
            if level is None:
                self.error(
                    out,
                    "disability_level" if "disability_level" in self.cols else "disability",
                    _("Khuyết tật chưa có mức độ."),
                    _("Ghi mức độ theo giấy xác nhận: đặc biệt nặng, nặng hoặc nhẹ."),
                )
            found.append(
                {
                    "kind": "disability",
                    "disability_type": dtype or "",
                    "disability_level": level or "",
                }
            )

        orphan_label = None
        for key, label in _ORPHAN_COLUMNS:
            if key in vals and norm.mark(vals[key]):
                orphan_label = label
                break
        orphan_value = vals.get("orphan")
        marked, written_label, legal = _orphan_of(orphan_value)
        if orphan_label is None and marked:
            orphan_label = written_label
            if orphan_label is None:
                self.error(
                    out,
                    "orphan",
                    _("Chưa rõ mồ côi cha, mẹ hay cả hai."),
                    _("Ghi “mồ côi cha”, “mồ côi mẹ” hoặc “mồ côi cả cha lẫn mẹ”."),
                )
        if orphan_label or marked:
            found.append(
                {"kind": "orphan", "orphan_label": orphan_label or "", "orphan_legal": legal}
            )

        year_value = self._vals.get("household_year")
        for kind, key in (("poor", "poor"), ("near_poor", "near_poor")):
            value = self._vals.get(key)
            if not norm.mark(value):
                continue
            try:
                year = norm.household_year(year_value, today=self.ctx.today)
                if (
                    year is None
                    and isinstance(value, (str, int, float))
                    and re.search(r"(19|20)\d{2}", str(value))
                ):
                    year = norm.household_year(value, today=self.ctx.today)
            except ValueError as exc:
                self.error(out, "household_year", str(exc))
                year = None
            else:
                if year is None:
                    # Most lists mark "x" with no year: the year is the list's own.
                    year = self._default_year
                    if year is None:
                        out.warnings.append(self._unknown_year_warning(out.row, kind, key))
                    elif not self._default_year_told:
                        self._default_year_told = True
                        out.warnings.append(self._default_year_warning(out.row, key))
                if year is not None and not self._year_current(year):
                    out.warnings.append(self._stale_warning(out.row, kind, year))
            found.append({"kind": kind, "household_year": year})

        other_value = self._vals.get("other")
        if norm.mark(other_value):
            # An x in the column, the words in "Hoàn cảnh cụ thể" next to it.
            description = norm.mark_detail(other_value) or norm.text(vals.get("situation"))
            if not description:
                self.error(
                    out,
                    "other",
                    _("Chưa mô tả hoàn cảnh khó khăn khác."),
                    _("Ghi ngắn gọn, ví dụ: cha bị bệnh nặng, nhà bị lũ cuốn trôi."),
                )
            found.append({"kind": "other", "description": description})

        if not found:
            out.errors.append(
                Issue(
                    out.row,
                    "",
                    _("Học sinh chưa thuộc diện nào."),
                    _(
                        "Đánh dấu ít nhất một cột: Khuyết tật, Mồ côi, Hộ nghèo, Hộ cận nghèo hoặc Hoàn cảnh khác."
                    ),
                    code=NO_CIRCUMSTANCE,
                )
            )

    def _guardian(self, row, out) -> None:
        name = self._person_name(out, "guardian_name")
        relation_text = norm.text(self._vals.get("guardian_relation"))
        phone_value = self._vals.get("guardian_phone")
        occupation = norm.text(self._vals.get("guardian_occupation"))
        phone = ""
        try:
            phone = norm.phone(phone_value)
        except ValueError as exc:
            self.error(out, "guardian_phone", str(exc))
        if not (name or phone):
            return
        out.guardian = {
            "full_name": name,
            "relation": _relation(relation_text, name),
            "occupation": self._fit(
                out, "guardian_occupation", occupation, OCCUPATION_MAX, cut=True
            ),
            "phone": phone,
        }
        if not name:
            self.warn(
                out,
                "guardian_name",
                _("Có số điện thoại nhưng thiếu tên phụ huynh."),
                _("Ghi họ tên cha/mẹ hoặc người giám hộ."),
            )


@lru_cache(maxsize=256)
def _gender_word(value) -> str | None:
    return _GENDER_WORDS.get(search_key(str(value)))


@lru_cache(maxsize=1024)
def _disability_of(mark_value, type_value, level_value) -> tuple[str | None, str | None]:
    """(type, level) from the mark's details and the type and level columns."""
    detail = " ".join(
        x
        for x in (norm.mark_detail(mark_value), norm.text(type_value), norm.text(level_value))
        if x
    )
    return (
        vocab.first_phrase(detail, vocab.DISABILITY_TYPES),
        vocab.first_phrase(detail, vocab.DISABILITY_LEVELS),
    )


@lru_cache(maxsize=1024)
def _orphan_of(value) -> tuple[bool, str | None, bool | None]:
    """(marked, label as written or None, True when the cell cites the legal category)."""
    marked = norm.mark(value)
    label = None
    if marked:
        detail = norm.mark_detail(value) or norm.text(value)
        label = vocab.first_phrase(detail, vocab.ORPHAN_LABELS)
    legal = None
    if isinstance(value, str):
        key = search_key(value)
        legal = True if any(h in key for h in vocab.ORPHAN_LEGAL_HINTS) else None
    return marked, label, legal


def _kind_label(kind: str) -> str:
    return _("hộ nghèo") if kind == "poor" else _("hộ cận nghèo")


_GENDER_WORDS = {
    "nu": "female",
    "f": "female",
    "female": "female",
    "gai": "female",
    "x nu": "female",
    "nam": "male",
    "m": "male",
    "male": "male",
    "trai": "male",
}


def _relation(text: str, name: str) -> str:
    lowered = text.lower()
    if lowered in ("bà", "bà nội", "bà ngoại", "ông", "ông nội", "ông ngoại", "ông bà"):
        return "grandparent"
    if not text:
        return "other"
    return vocab.first_phrase(text, vocab.RELATIONS) or "other"


# Where a commune or district starts inside a part written without commas.
_UNIT_INSIDE = re.compile(
    r" (?=(?:xa|phuong|thi tran|tt|huyen|thanh pho|tp|thi xa|tx|tinh)[ .]|[pxh]\.)"
)


@lru_cache(maxsize=4096)
def _split_address(address: str) -> tuple[str, str]:
    """ "Thôn 2, xã Gio Mỹ, h. Gio Linh" -> ("Thôn 2", "xã Gio Mỹ"); also without
    commas: "Thôn 2 xã Gio Mỹ" -> ("Thôn 2", "xã Gio Mỹ")."""
    village, commune = "", ""
    key = search_key(address)
    if len(key) == len(address):  # one key character per character: cut at the same places
        cuts = [m.start() for m in _UNIT_INSIDE.finditer(key)]
        for cut in reversed(cuts):
            address = f"{address[:cut]},{address[cut:]}"
    parts = [p.strip() for p in re.split(r"[,;\-–]", address) if p.strip()]
    for part in parts:
        key = search_key(part)
        if vocab.strip_prefix(key, vocab.COMMUNE_PREFIXES)[0] and not commune:
            commune = part
        elif vocab.strip_prefix(key, vocab.VILLAGE_PREFIXES)[0] and not village:
            village = part
        elif vocab.strip_prefix(key, vocab.DISTRICT_PREFIXES + vocab.PROVINCE_PREFIXES)[0]:
            continue
        elif not village and not commune:
            village = part
        elif not commune:
            commune = part
    return village, commune
