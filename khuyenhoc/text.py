"""Vietnamese text normalisation shared by search, matching and imports, and the one
rule on people's names that forms and imported files both apply."""

from __future__ import annotations

import re
import unicodedata

from django.utils.translation import gettext as _

_SPACES = re.compile(r"\s+")

# Characters that print nothing but change how text compares or reads: the soft
# hyphen, zero-width spaces and joiners, word joiners, the byte-order mark, Hangul
# fillers, and the bidirectional controls that make "nA" display as "An" (Trojan
# Source). Text copied from Zalo, Word or a web page brings them along.
INVISIBLE = frozenset(
    [0x00AD, 0x034F, 0x061C, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x180E, 0x3164, 0xFEFF, 0xFFA0]
    + [*range(0x200B, 0x2010), *range(0x202A, 0x202F), *range(0x2060, 0x2065)]
    + [*range(0x2066, 0x2070)]
)
# Control characters (NUL, the C0 and C1 ranges) other than tab and newlines:
# PostgreSQL refuses NUL in text and JSON, the others are never typed on purpose.
CONTROL = frozenset(c for c in (*range(0x20), *range(0x7F, 0xA0)) if chr(c) not in "\t\n\r\x0b\x0c")


def _any_of(codes) -> re.Pattern:
    return re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(codes)) + "]")


_CONTROL_RE = _any_of(CONTROL)
_INVISIBLE_RE = _any_of(INVISIBLE)
_DROP = str.maketrans(dict.fromkeys(INVISIBLE) | dict.fromkeys(CONTROL, " "))


def _fold_table() -> dict[int, str | None]:
    """Every precomposed Latin letter -> its base letter, combining marks -> nothing.
    One str.translate call is many times faster than walking NFD characters."""
    table: dict[int, str | None] = {ord("đ"): "d", ord("Đ"): "D"}
    for code in range(0x00C0, 0x2000):
        ch = chr(code)
        decomposed = unicodedata.normalize("NFD", ch)
        base = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
        if base != ch and base.isascii() and base:
            table[code] = base
    for code in range(0x0300, 0x0370):  # combining diacritical marks left over
        table[code] = None
    return table


_FOLD = _fold_table()
# Folding and lower-casing Latin letters in the one translate: the key's hot path. Invisible
# characters go too, so a name that arrived with a zero-width space is still found.
_FOLD_LOWER = str.maketrans(
    {
        **{k: v.lower() if v else v for k, v in _FOLD.items()},
        **{c: chr(c + 32) for c in range(ord("A"), ord("Z") + 1)},
        **dict.fromkeys(INVISIBLE),
        **dict.fromkeys(CONTROL, " "),
    }
)


def clean_text(value: str | None) -> str:
    """NFC, no invisible or control characters, single spaces, no leading/trailing
    space: how names are stored."""
    if not value:
        return ""
    text = unicodedata.normalize("NFC", str(value))
    if not text.isascii() or _CONTROL_RE.search(text):
        text = text.translate(_DROP)
    return _SPACES.sub(" ", text).strip()


def search_key(value: str | None) -> str:
    """Lower-case ASCII form so that "nguyen van an" finds "Nguyễn Văn An" (đ -> d)."""
    if not value:
        return ""
    text = unicodedata.normalize("NFC", str(value)).translate(_FOLD_LOWER).lower()
    return " ".join(text.split())


def has_invisible(value: str) -> bool:
    """Does `value` hold a character that prints nothing (zero-width, bidi control)?"""
    return not value.isascii() and _INVISIBLE_RE.search(value) is not None


def has_control(value: str) -> bool:
    """Does `value` hold a control character (NUL ...) other than tab and newlines?"""
    return _CONTROL_RE.search(value) is not None


# A name as schools write it, in the Latin letters of Vietnamese: the usual case,
# checked with one regex before the character-by-character rule below.
_PLAIN_NAME = re.compile(r"[A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u024F\u1E00-\u1EFF ]+")
# Besides letters a name may hold: apostrophes (Ê Đê and Gia Rai names: "H'Hen Niê"),
# hyphens, dots of an initial, and, for parents written together, "," "/" "&" "( )".
_NAME_PUNCTUATION = frozenset(" '’ʼ‘-–.,/&()")


def name_problem(name: str) -> tuple[str, str] | None:
    """Why `name` (cleaned by clean_text) is not a person's name: (what is wrong, what
    to do), in Vietnamese; None when it is fine. The one rule for forms and files."""
    if not name or _PLAIN_NAME.fullmatch(name):
        return None
    shown = name if len(name) <= 60 else name[:57] + "..."
    fix = _("Chỉ ghi họ và tên bằng chữ cái, không kèm số, ký hiệu hay mã.")
    if "<" in name or ">" in name:
        return _("Họ tên “%(v)s” có mã HTML hoặc ký tự < >.") % {"v": shown}, fix
    if any(ch.isdigit() for ch in name):
        return _("Họ tên “%(v)s” có chữ số.") % {"v": shown}, fix
    if any(unicodedata.bidirectional(ch) in ("R", "AL") for ch in name):
        return _("Họ tên “%(v)s” có chữ viết từ phải sang trái.") % {"v": shown}, fix
    for ch in name:
        if ch in _NAME_PUNCTUATION or unicodedata.category(ch)[0] in "LM":
            continue
        return _("Họ tên “%(v)s” có ký tự “%(c)s” không dùng trong tên.") % {
            "v": shown,
            "c": ch,
        }, fix
    if not unicodedata.category(name[0]).startswith("L"):
        return _("Họ tên “%(v)s” phải bắt đầu bằng chữ cái.") % {"v": shown}, fix
    return None
