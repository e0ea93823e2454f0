"""Vietnamese text normalisation shared by search, matching and imports."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def clean_text(value: str | None) -> str:
    """NFC, single spaces, no leading/trailing space: how names are stored."""
    if not value:
        return ""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", str(value))).strip()


def search_key(value: str | None) -> str:
    """Lower-case ASCII form so that "nguyen van an" finds "Nguyễn Văn An".

    đ/Đ have no combining mark to strip, so they are mapped to d by hand.
    """
    if not value:
        return ""
    text = unicodedata.normalize("NFD", str(value).replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return _SPACES.sub(" ", text.lower()).strip()
