"""Vietnamese text normalisation shared by search, matching and imports."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


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
# Folding and lower-casing Latin letters in the one translate: the key's hot path.
_FOLD_LOWER = str.maketrans(
    {
        **{k: v.lower() if v else v for k, v in _FOLD.items()},
        **{c: chr(c + 32) for c in range(ord("A"), ord("Z") + 1)},
    }
)


def clean_text(value: str | None) -> str:
    """NFC, single spaces, no leading/trailing space: how names are stored."""
    if not value:
        return ""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", str(value))).strip()


def search_key(value: str | None) -> str:
    """Lower-case ASCII form so that "nguyen van an" finds "Nguyễn Văn An" (đ -> d)."""
    if not value:
        return ""
    text = unicodedata.normalize("NFC", str(value)).translate(_FOLD_LOWER).lower()
    return " ".join(text.split())
