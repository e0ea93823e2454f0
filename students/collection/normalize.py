"""Turning what schools type into clean values. Each function returns the value, or
raises ValueError with a Vietnamese message saying what is wrong and what to do."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from functools import lru_cache

from django.utils.translation import gettext as _

from khuyenhoc.text import clean_text, search_key
from students.validation import personal_id_message

_TRUE_MARKS = {
    "x",
    "co",
    "v",
    "1",
    "yes",
    "true",
    "dung",
    "+",
    "\u2713",
    "\u2714",
    "\u2611",
    "\u2612",
    "*",
}
_FALSE_MARKS = {"", "0", "khong", "no", "false", "-", "k"}
_DATE = re.compile(r"^\s*(\d{1,2})\s*[/\-.]\s*(\d{1,2})\s*[/\-.]\s*(\d{2,4})\s*$")
_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")
_YEAR = re.compile(r"^\s*(?:nam\s*)?(\d{4})\s*$")
_DIGITS = re.compile(r"\D+")
_NOT_ID = re.compile(r"[^0-9\s.\-]")
_CLASS = re.compile(r"^\s*(?:lop\s*)?(\d{1,2})")
# A mark at the start of a cell, then its details: "x (vận động)", "X: cha", "✓ - 2025".
_LEADING_MARK = re.compile(
    r"^(?:[xX]|có|Có|CÓ|[\u2713\u2714\u2611\u2612+*])(?:\s*[:\-–,.]\s*|\s+|(?=\())"
)
EXCEL_EPOCH = dt.date(1899, 12, 30)


def text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return _clean_short(value) if len(value) < 48 else clean_text(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return clean_text(str(value))


# Short cells (classes, villages, marks, relations) repeat down a list: clean each once.
@lru_cache(maxsize=65536)
def _clean_short(value: str) -> str:
    return clean_text(value)


@lru_cache(maxsize=4096)
def _mark_text(value: str) -> bool:
    return search_key(value) not in _FALSE_MARKS


def person_name(value) -> str:
    """Clean a name; names typed in capitals become title case ("NGUYỄN VĂN AN")."""
    name = text(value)
    if name and name.isupper():
        name = " ".join(w[:1] + w[1:].lower() for w in name.split(" "))
    return name


def mark(value) -> bool:
    """An x-mark cell: "x", "X", "có", "✓" ... is True; empty or "không" is False.
    Any other text (a detail such as "vận động, nặng") also counts as marked."""
    if value is None or value == "":
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return value != 0
    return _mark_text(value) if isinstance(value, str) else True


def mark_detail(value) -> str:
    """The words that come with a mark: "x (vận động, nặng)" -> "vận động, nặng",
    "x - năm 2024" -> "năm 2024"; a cell of words alone is kept whole, brackets and all
    ("Nhà bị lũ cuốn (năm 2020)")."""
    if not isinstance(value, str):
        return ""
    return _mark_detail_text(value)


@lru_cache(maxsize=4096)
def _mark_detail_text(value: str) -> str:
    raw = clean_text(value)
    if search_key(raw) in _TRUE_MARKS:
        return ""
    lead = _LEADING_MARK.match(raw)
    if not lead:
        return raw
    rest = raw[lead.end() :].strip()
    if rest.startswith("(") and rest.endswith(")") and rest.count("(") == 1:
        rest = rest[1:-1].strip()
    return rest


def birth(value, *, today: dt.date) -> tuple[dt.date | None, int | None]:
    """A date of birth as a real date cell, "05/09/2012", "5-9-2012", "2012-09-05", an
    Excel serial number, or only a year "2012". Returns (date or None, year)."""
    if value is None or value == "":
        return None, None
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return _plausible(value, today), value.year
    if isinstance(value, (int, float)):
        number = int(value)
        if 1900 <= number <= 2100:
            return None, _plausible_year(number, today)
        if 20_000 < number < 80_000:  # a date cell that lost its format: Excel serial
            day = EXCEL_EPOCH + dt.timedelta(days=number)
            return _plausible(day, today), day.year
        raise ValueError(
            _("“%(v)s” không phải ngày sinh. Ghi theo dạng ngày/tháng/năm, ví dụ 05/09/2012.")
            % {"v": value}
        )
    return _birth_text(str(value), today)


# Dates typed as text repeat down a list (classmates share birth dates): parse each once.
@lru_cache(maxsize=8192)
def _birth_text(value: str, today: dt.date) -> tuple[dt.date | None, int | None]:
    raw = unicodedata.normalize("NFC", value).strip()
    key = search_key(raw)
    m = _YEAR.match(key)
    if m:
        return None, _plausible_year(int(m.group(1)), today)
    m = _DATE.match(raw)
    if m:
        d, mo, y = (int(g) for g in m.groups())
        if y < 100:
            y += 2000 if y <= today.year % 100 else 1900
        return _make(y, mo, d, raw, today)
    m = _ISO.match(raw)
    if m:
        y, mo, d = (int(g) for g in m.groups())
        return _make(y, mo, d, raw, today)
    raise ValueError(
        _(
            "“%(v)s” không phải ngày sinh. Ghi theo dạng ngày/tháng/năm, ví dụ 05/09/2012, hoặc chỉ năm sinh nếu không rõ ngày."
        )
        % {"v": raw}
    )


def _make(y: int, mo: int, d: int, raw: str, today: dt.date) -> tuple[dt.date, int]:
    try:
        day = dt.date(y, mo, d)
    except ValueError:
        raise ValueError(
            _(
                "Ngày sinh “%(v)s” không có thật (ngày %(d)s tháng %(m)s). Kiểm tra lại ngày/tháng/năm."
            )
            % {"v": raw, "d": d, "m": mo}
        ) from None
    return _plausible(day, today), y


def _plausible(day: dt.date, today: dt.date) -> dt.date:
    if day > today:
        raise ValueError(
            _("Ngày sinh %(d)s ở trong tương lai. Kiểm tra lại năm sinh.")
            % {"d": day.strftime("%d/%m/%Y")}
        )
    _plausible_year(day.year, today)
    return day


def _plausible_year(year: int, today: dt.date) -> int:
    if year > today.year:
        raise ValueError(
            _("Năm sinh %(y)s ở trong tương lai. Kiểm tra lại năm sinh.") % {"y": year}
        )
    if year < today.year - 30:
        raise ValueError(
            _("Năm sinh %(y)s không hợp lý với học sinh phổ thông. Kiểm tra lại năm sinh.")
            % {"y": year}
        )
    return year


def personal_id(value) -> str:
    """12-digit personal ID. A number cell that lost its leading zeros is padded back
    (every ID starts with a 0: the province codes run 001-096)."""
    if value is None or value == "":
        return ""
    if value.__class__ is str and len(value) == 12 and value.isdigit() and value.isascii():
        return value  # the usual case: typed as text, clean
    if isinstance(value, float):
        value = f"{value:.0f}"
    text = str(value).strip()
    if not text:
        return ""
    # Spaces, dots and dashes between groups of digits are dropped; a letter is an error
    # (dropping it would turn "045212743871a" into a valid-looking ID).
    if _NOT_ID.search(text):
        raise ValueError(personal_id_message(text))
    digits = _DIGITS.sub("", text)
    if 9 <= len(digits) < 12 and not text.startswith("0"):
        digits = digits.zfill(12)
    if len(digits) != 12:
        raise ValueError(personal_id_message(digits))
    return digits


def moet_code(value) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, float):
        value = f"{value:.0f}"
    code = re.sub(r"\s+", "", str(value))
    if not re.fullmatch(r"[0-9A-Za-z]{4,20}", code):
        raise ValueError(
            _("Mã học sinh “%(v)s” chỉ được gồm chữ và số, 4-20 ký tự.") % {"v": value}
        )
    return code


def phone(value) -> str:
    """A Vietnamese phone number; restores the leading 0 lost in number cells, +84 -> 0."""
    if value is None or value == "":
        return ""
    if (
        value.__class__ is str
        and len(value) == 10
        and value[0] == "0"
        and value.isdigit()
        and value.isascii()
    ):
        return value  # the usual case: typed as text, clean
    if isinstance(value, float):
        value = f"{value:.0f}"
    raw = str(value).strip()
    # Several numbers in one cell: keep the first.
    first = re.split(r"[;,/]| - |\s{2,}|\bhoặc\b", raw)[0]
    digits = _DIGITS.sub("", first)
    if digits.startswith("84") and len(digits) in (11, 12):
        digits = "0" + digits[2:]
    if len(digits) in (9, 10) and not digits.startswith("0"):
        digits = "0" + digits
    if not re.fullmatch(r"0[0-9]{9,10}", digits):
        raise ValueError(
            _("Số điện thoại “%(v)s” không đúng: cần 10 chữ số, bắt đầu bằng 0 (ví dụ 0912345678).")
            % {"v": raw}
        )
    return digits


def grade_of(class_name: str, value=None) -> int | None:
    """The grade (1-12) from a class name: "6A" -> 6, "10A1" -> 10, "Lớp 7" -> 7."""
    source = value if value not in (None, "") else class_name
    if source in (None, ""):
        return None
    if isinstance(source, (int, float)):
        return int(source)
    return _grade_text(str(source))


@lru_cache(maxsize=4096)
def _grade_text(source: str) -> int | None:
    m = _CLASS.match(search_key(source))
    return int(m.group(1)) if m else None


def household_year(value, *, today: dt.date) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, (dt.date, dt.datetime)):
        return value.year
    year = int(value) if isinstance(value, (int, float)) else _year_text(str(value))
    if not 2000 <= year <= today.year + 1:
        raise ValueError(_("Năm xác nhận %(y)s không hợp lệ.") % {"y": year})
    return year


@lru_cache(maxsize=1024)
def _year_text(value: str) -> int:
    m = re.search(r"(19|20)\d{2}", value)
    if not m:
        raise ValueError(_("Năm xác nhận “%(v)s” không đúng: ghi năm, ví dụ 2026.") % {"v": value})
    return int(m.group(0))
