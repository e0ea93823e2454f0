"""The canonical columns of a school's list and the many ways schools write them.

Headers are compared by their search key (no diacritics, lower case, single spaces,
punctuation dropped), so "Họ tên học sinh", "HỌ VÀ TÊN" and "Ho ten HS" are all
recognised. A two-row header ("Đối tượng" over "Khuyết tật | Mồ côi ...") is read as
pairs (top, sub): the pair is looked up first, then the sub-header, then the top one.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from khuyenhoc.text import search_key


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # the canonical header, as in the template and the export


# The template's columns, in order (the student export uses the same).
CANONICAL: tuple[Column, ...] = (
    Column("stt", "STT"),
    Column("full_name", "Họ và tên"),
    Column("birth", "Ngày sinh"),
    Column("gender", "Giới tính"),
    Column("ethnicity", "Dân tộc"),
    Column("personal_id", "Số định danh cá nhân"),
    Column("moet_code", "Mã học sinh"),
    Column("class_name", "Lớp"),
    Column("village", "Thôn/Khối phố"),
    Column("commune", "Xã/Phường"),
    Column("disability", "Khuyết tật"),
    Column("disability_level", "Mức độ khuyết tật"),
    Column("orphan", "Mồ côi"),
    Column("poor", "Hộ nghèo"),
    Column("near_poor", "Hộ cận nghèo"),
    Column("household_year", "Năm xác nhận hộ nghèo/cận nghèo"),
    Column("other", "Hoàn cảnh khác"),
    Column("guardian_name", "Họ tên cha/mẹ/người giám hộ"),
    Column("guardian_relation", "Quan hệ"),
    Column("guardian_phone", "Số điện thoại"),
    Column("situation", "Hoàn cảnh cụ thể"),
    Column("wishes", "Nguyện vọng"),
    Column("note", "Ghi chú"),
)
CANONICAL_HEADERS = [c.header for c in CANONICAL]
HEADER_OF = {c.key: c.header for c in CANONICAL}
# Columns read from other layouts that the template does not have.
HEADER_OF.update(
    {
        "female_mark": "Nữ",
        "male_mark": "Nam",
        "birth_female": "Ngày sinh (Nữ)",
        "birth_male": "Ngày sinh (Nam)",
        "orphan_father": "Mồ côi cha",
        "orphan_mother": "Mồ côi mẹ",
        "orphan_both": "Mồ côi cả cha lẫn mẹ",
        "address": "Địa chỉ",
        "guardian_occupation": "Nghề nghiệp",
        "household_certificate": "Số sổ/giấy chứng nhận hộ nghèo",
        "disability_type": "Dạng khuyết tật",
        "grade": "Khối",
    }
)

_SYNONYMS: dict[str, tuple[str, ...]] = {
    "stt": ("stt", "tt", "so tt", "so thu tu", "thu tu"),
    "full_name": (
        "ho va ten",
        "ho ten",
        "ho ten hoc sinh",
        "ho va ten hoc sinh",
        "ten hoc sinh",
        "ho ten hs",
        "ho va ten hs",
        "hoc sinh",
        "ho, ten",
        "ho ten hoc sinh nhan",
    ),
    "birth": (
        "ngay sinh",
        "ngay thang nam sinh",
        "ngay, thang, nam sinh",
        "ns",
        "sinh ngay",
        "nam sinh",
        "ngay/thang/nam sinh",
        "ngay thang nam",
        "nam sinh hoc sinh",
    ),
    "gender": ("gioi tinh", "gt", "nam/nu", "nam nu", "phai", "gioi"),
    "female_mark": ("nu",),
    "male_mark": ("nam",),
    "ethnicity": ("dan toc", "dt", "dan toc hoc sinh"),
    "personal_id": (
        "so dinh danh ca nhan",
        "so dinh danh",
        "ma dinh danh",
        "ma dinh danh ca nhan",
        "so cccd",
        "cccd",
        "so cccd/dinh danh",
        "so cccd/ma dinh danh",
        "cccd/dinh danh",
        "so can cuoc",
        "can cuoc cong dan",
        "so can cuoc cong dan",
        "so dinh danh/cccd",
        "so cmnd/cccd",
        "so cccd/so dinh danh",
    ),
    "moet_code": (
        "ma hoc sinh",
        "ma hs",
        "ma so hoc sinh",
        "ma so hs",
        "ma csdl",
        "ma hoc sinh (csdl nganh)",
    ),
    "class_name": ("lop", "lop hoc", "hoc lop", "lop dang hoc"),
    "grade": ("khoi", "khoi lop"),
    "village": (
        "thon/khoi pho",
        "thon",
        "khoi pho",
        "thon, khoi pho",
        "thon/xom",
        "thon/ban",
        "ban",
        "to dan pho",
        "thon/to",
        "thon/khom",
        "khom",
        "thon, ban",
    ),
    "commune": (
        "xa/phuong",
        "xa",
        "phuong",
        "xa, phuong",
        "xa/phuong/thi tran",
        "phuong/xa",
        "xa/thi tran",
    ),
    "address": (
        "dia chi",
        "noi o",
        "noi o hien nay",
        "cho o hien nay",
        "dia chi thuong tru",
        "dia chi gia dinh",
        "dia chi cu tru",
        "noi cu tru",
        "dia chi (thon, xa)",
        "dia chi lien he",
    ),
    "disability": (
        "khuyet tat",
        "kt",
        "hs khuyet tat",
        "hoc sinh khuyet tat",
        "khuyet tat (dang tat)",
    ),
    "disability_type": ("dang khuyet tat", "dang tat", "loai khuyet tat"),
    "disability_level": ("muc do khuyet tat", "muc do kt", "muc do"),
    "orphan": ("mo coi", "hoc sinh mo coi", "hs mo coi"),
    "orphan_father": ("mo coi cha",),
    "orphan_mother": ("mo coi me",),
    "orphan_both": ("mo coi ca cha lan me", "mo coi ca cha me", "mo coi ca hai", "mo coi cha me"),
    "poor": ("ho ngheo", "hn", "ngheo", "thuoc ho ngheo"),
    "near_poor": ("ho can ngheo", "can ngheo", "hcn", "thuoc ho can ngheo"),
    "household_year": (
        "nam xac nhan ho ngheo/can ngheo",
        "nam xac nhan",
        "nam cong nhan",
        "nam ho ngheo",
        "nam cong nhan ho ngheo/can ngheo",
        "nam xac nhan ho ngheo",
        "nam",
        "nam cong nhan ho ngheo",
    ),
    "household_certificate": (
        "so so ho ngheo",
        "so giay chung nhan",
        "so so/giay chung nhan",
        "so so",
    ),
    "other": ("hoan canh khac", "kho khan khac", "khac", "doi tuong khac"),
    "guardian_name": (
        "ho ten cha/me/nguoi giam ho",
        "ho ten cha me",
        "ho ten phu huynh",
        "phu huynh",
        "ten cha/me",
        "nguoi giam ho",
        "ho ten nguoi giam ho",
        "cha/me",
        "ho ten cha/me",
        "ho va ten cha/me",
        "ho va ten phu huynh",
        "cha me hoac nguoi giam ho",
        "ten phu huynh",
        "ho ten cha/me/ngh",
        # "Họ tên cha (mẹ) hoặc người giám hộ", the most common form's spelling.
        "ho ten cha me hoac nguoi giam ho",
        "ho va ten cha me hoac nguoi giam ho",
        "ho ten cha/me hoac nguoi giam ho",
        "ho ten bo me hoac nguoi giam ho",
        "ho ten bo/me hoac nguoi giam ho",
        "ho ten bo me",
        "ho ten bo/me",
        "ho ten cha hoac me",
        "ho ten cha me nguoi giam ho",
        "ho ten phu huynh/nguoi giam ho",
        "ho ten phu huynh hoc sinh",
        "cha me/nguoi giam ho",
        "cha/me/nguoi giam ho",
        "bo me/nguoi giam ho",
        "phu huynh/nguoi giam ho",
        "phu huynh hoc sinh",
        "ho ten nguoi nuoi duong",
    ),
    "guardian_relation": ("quan he", "moi quan he", "quan he voi hoc sinh", "quan he voi hs"),
    "guardian_occupation": ("nghe nghiep", "nghe nghiep cha/me", "nghe nghiep phu huynh", "nghe"),
    "guardian_phone": (
        "so dien thoai",
        "sdt",
        "dien thoai",
        "sdt phu huynh",
        "so dt",
        "so dien thoai phu huynh",
        "dien thoai lien he",
        "sdt lien he",
        "so dien thoai lien he",
        "dt lien he",
        "sdt cha/me",
    ),
    "situation": (
        "hoan canh cu the",
        "hoan canh gia dinh",
        "hoan canh",
        "tom tat hoan canh",
        "mo ta hoan canh",
    ),
    "wishes": ("nguyen vong", "nguyen vong cua hoc sinh", "de nghi ho tro", "nhu cau ho tro"),
    "note": ("ghi chu", "gc"),
}

# Top headers that group columns, and what their sub-headers then mean.
_GROUPS: dict[str, dict[str, str]] = {
    "mo coi": {
        "cha": "orphan_father",
        "me": "orphan_mother",
        "ca hai": "orphan_both",
        "ca cha lan me": "orphan_both",
        "ca cha me": "orphan_both",
        "cha me": "orphan_both",
    },
    "ngay sinh": {"nam": "birth_male", "nu": "birth_female"},
    "nam sinh": {"nam": "birth_male", "nu": "birth_female"},
    "ngay thang nam sinh": {"nam": "birth_male", "nu": "birth_female"},
    "gioi tinh": {"nam": "male_mark", "nu": "female_mark"},
    "khuyet tat": {
        "dang": "disability",
        "dang tat": "disability",
        "loai": "disability",
        "muc do": "disability_level",
        "co/khong": "disability",
    },
    "dia chi": {
        "thon": "village",
        "thon/xom": "village",
        "thon/khoi pho": "village",
        "xa": "commune",
        "xa/phuong": "commune",
        "phuong": "commune",
    },
    "ho ngheo/can ngheo": {"ho ngheo": "poor", "can ngheo": "near_poor", "nam": "household_year"},
}
for _top in (
    "phu huynh",
    "cha me",
    "cha/me",
    "nguoi giam ho",
    "thong tin phu huynh",
    "cha/me/nguoi giam ho",
    "cha me hoac nguoi giam ho",
    "ho ten cha/me/nguoi giam ho",
):
    _GROUPS[_top] = _GUARDIAN_GROUP = {
        "ho ten": "guardian_name",
        "ho va ten": "guardian_name",
        "ten": "guardian_name",
        "quan he": "guardian_relation",
        "nghe nghiep": "guardian_occupation",
        "so dien thoai": "guardian_phone",
        "sdt": "guardian_phone",
        "dien thoai": "guardian_phone",
    }

_PUNCT = re.compile(r"[^\w/ ]+")
_SPACES = re.compile(r"\s+")


def header_key(value) -> str:
    """Normalise a header cell: no diacritics, no punctuation but '/', single spaces."""
    text = search_key(str(value)) if value not in (None, "") else ""
    text = text.replace("\n", " ").replace(" / ", "/").replace("/ ", "/").replace(" /", "/")
    text = _PUNCT.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


SYNONYM_OF: dict[str, str] = {header_key(s): key for key, words in _SYNONYMS.items() for s in words}
for _c in CANONICAL:
    SYNONYM_OF[header_key(_c.header)] = _c.key


def column_for(top: str, sub: str) -> str | None:
    """The column a (top, sub) header pair names, or None when it names nothing known."""
    top_k, sub_k = header_key(top), header_key(sub)
    if top_k and sub_k:
        group = _GROUPS.get(top_k)
        if group is None and guardian_column(top_k) == "guardian_name":
            group = _GUARDIAN_GROUP  # "Cha mẹ/người giám hộ" over "Họ tên | SĐT"
        if group and sub_k in group:
            return group[sub_k]
        combined = SYNONYM_OF.get(f"{top_k} {sub_k}")
        if combined:
            return combined
    if sub_k:
        return _by_raw(sub) or SYNONYM_OF.get(sub_k) or guardian_column(sub_k)
    return _by_raw(top) or SYNONYM_OF.get(top_k) or guardian_column(top_k)


# Headers about the parents that no synonym lists: "Họ và tên bố (mẹ)/người giám
# hộ", "SĐT của cha mẹ" ... A header naming a parent or guardian is the guardian's
# name unless it names a phone, a relation or a job; one about the student, an orphan
# or the family's situation is not about the guardian at all.
_GUARDIAN_WHO = re.compile(r"\b(?:cha|me|bo|phu huynh|giam ho|nuoi duong)\b")
_GUARDIAN_PHONE = re.compile(r"\b(?:sdt|so dt|dt|dien thoai|so dien thoai)\b")
_NOT_GUARDIAN = (
    "hoc sinh",
    "mo coi",
    "hoan canh",
    "kho khan",
    "dia chi",
    "noi o",
    "sinh",
    "ghi chu",
    "nguyen vong",
    "ly do",
    "dan toc",
)


@lru_cache(maxsize=512)
def guardian_column(key: str) -> str | None:
    """The guardian's column a header key names, by its words; None if it names none."""
    if len(key) > 80 or not _GUARDIAN_WHO.search(key):
        return None
    if any(word in key for word in _NOT_GUARDIAN):
        return None
    if _GUARDIAN_PHONE.search(key):
        return "guardian_phone"
    if "quan he" in key:
        return "guardian_relation"
    if "nghe nghiep" in key or key.startswith("nghe "):
        return "guardian_occupation"
    return "guardian_name"


# Headers that only their diacritics tell apart: "Nam" (male) and "Năm" (year).
_RAW = {"nam": "male_mark", "năm": "household_year"}


def _by_raw(value) -> str | None:
    if not isinstance(value, str) or len(value) > 8:
        return None
    return _RAW.get(unicodedata.normalize("NFC", value).strip().lower())


def header_score(row: list) -> int:
    """How many cells of `row` look like known headers (to find the header row)."""
    return sum(1 for cell in row if isinstance(cell, str) and header_key(cell) in SYNONYM_OF)
