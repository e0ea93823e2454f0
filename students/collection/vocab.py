"""Words schools use for disability types and levels, orphan labels, relations and
wishes, mapped to the record's choices. Keys are search keys (no diacritics)."""

from __future__ import annotations

import re
from functools import lru_cache

from khuyenhoc.text import search_key

_NOT_WORD = re.compile(r"[^a-z0-9]+")

# Longest phrase first: "dac biet nang" must win over "nang".
DISABILITY_LEVELS = (
    ("dac biet nang", "extremely_severe"),
    ("dbn", "extremely_severe"),
    ("nang", "severe"),
    ("nhe", "mild"),
)
DISABILITY_TYPES = (
    ("van dong", "mobility"),
    ("nghe noi", "hearing_speech"),
    ("nghe", "hearing_speech"),
    ("noi", "hearing_speech"),
    ("cam diec", "hearing_speech"),
    ("khiem thinh", "hearing_speech"),
    ("diec", "hearing_speech"),
    ("nhin", "vision"),
    ("khiem thi", "vision"),
    ("mu", "vision"),
    ("than kinh", "mental"),
    ("tam than", "mental"),
    ("tu ky", "mental"),
    ("tri tue", "intellectual"),
    ("cham phat trien", "intellectual"),
    ("khac", "other"),
    ("da tat", "other"),
)
ORPHAN_LABELS = (
    ("ca cha lan me", "both"),
    ("ca cha va me", "both"),
    ("ca cha me", "both"),
    ("ca hai", "both"),
    ("cha me", "both"),
    ("cha", "father"),
    ("bo", "father"),
    ("me", "mother"),
)
ORPHAN_LEGAL_HINTS = ("nd 20", "nd20", "nghi dinh 20", "dieu 5", "theo luat", "20/2021")
RELATIONS = (
    ("nguoi giam ho", "guardian"),
    ("giam ho", "guardian"),
    ("ong", "grandparent"),
    ("ba noi", "grandparent"),
    ("ba ngoai", "grandparent"),
    ("cha", "father"),
    ("bo", "father"),
    ("ba", "father"),
    ("me", "mother"),
    ("ma", "mother"),
    ("anh", "sibling"),
    ("chi", "sibling"),
    ("co", "relative"),
    ("di", "relative"),
    ("chu", "relative"),
    ("bac", "relative"),
    ("cau", "relative"),
    ("thim", "relative"),
    ("mo", "relative"),
    ("ho hang", "relative"),
)
WISHES = (
    ("cap sach", "clothes"),  # a school bag, not books: before "sach"
    ("hoc bong", "scholarship"),
    ("xe dap", "bicycle"),
    ("sach", "books"),
    ("vo", "books"),
    ("do dung", "books"),
    ("hoc phi", "tuition"),
    ("bao hiem", "health_insurance"),
    ("bhyt", "health_insurance"),
    ("quan ao", "clothes"),
    ("cap", "clothes"),
    ("ao am", "clothes"),
)
# A part of the wishes cell that says "other" without saying what.
_OTHER_WISH = {"khac", "nguyen vong khac"}
# "Khác: ..." (as the application writes a wish of its own): the rest of the cell is it.
_OWN_WISH = re.compile(r"(?:^|[;,])\s*(?:nguyen vong\s+)?khac\s*:\s*")


@lru_cache(maxsize=1024)
def wishes_read(text: str) -> tuple[tuple[str, ...], str]:
    """(wishes, written wish) from a wishes cell. Parts are separated by ";" when the
    cell has one (as the application writes them: "Sách vở, đồ dùng học tập" holds a
    comma), else by ",". "Khác" is the wish "other"; "Khác: Áo ấm mùa đông" is a wish
    of its own, the rest of the cell, read as written (not as "Quần áo"). A part naming
    no wish is a wish of its own too. A cell naming no wish at all is kept as written."""
    own: list[str] = []
    key = search_key(text)
    marked = _OWN_WISH.search(key) if len(key) == len(text) else None
    if marked:
        own_text = text[marked.end() :].strip()
        text = text[: marked.start()]
    separator = ";" if ";" in text else ","
    wishes: list[str] = []
    for part in (p.strip() for p in text.split(separator)):
        if not part:
            continue
        found = all_phrases(part, WISHES)
        if not found and " ".join(_NOT_WORD.sub(" ", search_key(part)).split()) in _OTHER_WISH:
            found = ("other",)
        if not found:
            own.append(part)
        wishes += [w for w in found if w not in wishes]
    if marked:
        own.append(own_text)
    elif not wishes:
        return (), text
    if own and "other" not in wishes:
        wishes.append("other")
    return tuple(wishes), f"{separator} ".join(p for p in own if p)


COMMUNE_PREFIXES = ("thi tran ", "phuong ", "xa ", "tt. ", "tt ", "p. ", "x. ", "dac khu ")
VILLAGE_PREFIXES = (
    "thon ",
    "khoi pho ",
    "khu pho ",
    "kp ",
    "kp. ",
    "ban ",
    "xom ",
    "to ",
    "khom ",
    "ap ",
)
DISTRICT_PREFIXES = (
    "huyen ",
    "h. ",
    "thanh pho ",
    "tp. ",
    "tp ",
    "thi xa ",
    "tx. ",
    "tx ",
    "quan ",
)
PROVINCE_PREFIXES = ("tinh ", "t. ")


def _words(text: str) -> str:
    return " " + " ".join(_NOT_WORD.sub(" ", search_key(text)).split()) + " "


@lru_cache(maxsize=8192)
def first_phrase(text: str, table: tuple[tuple[str, str], ...]) -> str | None:
    """The choice for the first phrase of `table` found as whole words in `text`."""
    key = _words(text)
    for phrase, value in table:
        if f" {phrase} " in key:
            return value
    return None


@lru_cache(maxsize=8192)
def all_phrases(text: str, table: tuple[tuple[str, str], ...]) -> tuple[str, ...]:
    """Every choice whose phrase is in `text`; a phrase once matched is used up, so
    "cặp sách" (a bag) does not also count as "sách" (books)."""
    key = _words(text)
    found: list[str] = []
    for phrase, value in table:
        needle = f" {phrase} "
        if needle in key:
            key = key.replace(needle, " | ")
            if value not in found:
                found.append(value)
    return tuple(found)


_ABBREVIATION = re.compile(r"^([a-z]{1,2})\.(?=[a-z0-9])")


def strip_prefix(key: str, prefixes: tuple[str, ...]) -> tuple[bool, str]:
    """(True, the rest) when `key` starts with one of `prefixes`; "p.dong le" (no space
    after the abbreviation) counts as "p. dong le"."""
    if "." in key[:3]:
        key = _ABBREVIATION.sub(r"\1. ", key)
    for prefix in prefixes:
        if key.startswith(prefix):
            return True, key[len(prefix) :].strip()
    return False, key
