"""Matching a free-text address to a commune of the area tree.

"Thôn 2, xã Gio Mỹ, h. Gio Linh", "KP 3, P.1, TP Đông Hà", "thon 2 xa gio my": the
address is cut into parts (commas, or where a unit word starts), each part is read as
a village, commune, district or province by its prefix (xã/x., phường/p., thị
trấn/tt., huyện/h., thành phố/tp., thị xã/tx., tỉnh) or, without one, by the names
it matches. The commune's name is looked up among the communes of both eras of the
tree: a name used before the 2025 reform resolves to the old commune (its 2025
successor is known through AreaSuccession), a 2025 name to the new one.

Same names are told apart by, in order: the unit word written (thị trấn Gio Linh is
the old town, xã Gio Linh the 2025 commune), the district written (old communes below
it, 2025 communes that took over one of them), the province written; an old commune
and the 2025 commune that took it over are one place (the old one when a district is
written, the 2025 one otherwise); last, when the caller gives a place the student is
near (their school's commune), a candidate of that district. What is left over is
"ambiguous" with its candidates, or "unmatched".

`AddressLookup` is built from two queries (areas, successions) and then matches any
number of addresses in memory, each distinct text once.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext as _

from khuyenhoc.models import Area, AreaSuccession
from khuyenhoc.text import clean_text, search_key

MATCHED = "matched"
AMBIGUOUS = "ambiguous"
UNMATCHED = "unmatched"
EMPTY = "empty"

_STEP = Area.steplen
COMMUNE, DISTRICT, PROVINCE, VILLAGE = "commune", "district", "province", "village"

# (prefix as in the search key, what it names, unit type); longest first. Single
# letters need their dot ("x.", "h."), except "p" before a number ("P1", "p 3").
_PREFIXES: tuple[tuple[str, str, str], ...] = (
    ("thi tran", COMMUNE, "Thị trấn"),
    ("dac khu", COMMUNE, "Đặc khu"),
    ("phuong", COMMUNE, "Phường"),
    ("xa", COMMUNE, "Xã"),
    ("tt", COMMUNE, "Thị trấn"),
    ("thanh pho", DISTRICT, "Thành phố"),
    ("thi xa", DISTRICT, "Thị xã"),
    ("huyen", DISTRICT, "Huyện"),
    ("tp", DISTRICT, "Thành phố"),
    ("tx", DISTRICT, "Thị xã"),
    ("tinh", PROVINCE, "Tỉnh"),
    ("khoi pho", VILLAGE, ""),
    ("khu pho", VILLAGE, ""),
    ("to dan pho", VILLAGE, ""),
    ("tdp", VILLAGE, ""),
    ("kp", VILLAGE, ""),
    ("thon", VILLAGE, ""),
    ("ban", VILLAGE, ""),
    ("xom", VILLAGE, ""),
    ("khom", VILLAGE, ""),
    ("ap", VILLAGE, ""),
    ("to", VILLAGE, ""),
)
_PREFIX_WORDS = "|".join(re.escape(p) for p, _k, _u in _PREFIXES)
_PREFIX = re.compile(rf"^(?:({_PREFIX_WORDS})(?:\s*\.\s*|\s+)|([pxhqt])\s*\.\s*|(p)\s*(?=\d))(.+)$")
_PREFIX_ONLY = re.compile(rf"^(?:{_PREFIX_WORDS}|[pxhqt])$")
_SINGLE = {"p": (COMMUNE, "Phường"), "x": (COMMUNE, "Xã"), "h": (DISTRICT, "Huyện"),
           "q": (DISTRICT, "Quận"), "t": (PROVINCE, "Tỉnh")}  # fmt: skip
_KIND_OF = {p: (k, u) for p, k, u in _PREFIXES}
# Where a commune, district or province starts inside a part written without commas.
_CUT = re.compile(
    r"(?<!\bthi) (?=(?:xa|phuong|thi tran|dac khu|tt|huyen|thanh pho|tp|thi xa|tx|tinh)[ .]"
    r"|[pxh]\.|p\d)"
)
_SEPARATORS = re.compile(r"[,;\n–]|\s-\s")
_SPLIT = re.compile(r"\s*[,;\n–]\s*|\s+-\s+")
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_NUMBER = re.compile(r"\b0+(\d)")


def name_key(text: str) -> str:
    """A unit's name compared without diacritics, spaces or hyphens ("Đa Krông" =
    "Đakrông"), numbers without leading zeros ("Phường 01" = "Phường 1")."""
    return _NOT_ALNUM.sub("", _NUMBER.sub(r"\1", search_key(text)))


@dataclass(frozen=True, slots=True)
class Place:
    pk: int
    path: str
    kind: str
    name: str
    unit_type: str
    district_path: str  # the district above a commune of the district era, else ""


@dataclass(frozen=True, slots=True)
class Part:
    text: str  # as written
    kind: str  # COMMUNE, DISTRICT, PROVINCE, VILLAGE or "" (no prefix)
    unit_type: str
    key: str  # name_key of the name without its prefix


@dataclass(frozen=True)
class AddressMatch:
    status: str
    commune_id: int | None = None
    village: str = ""
    candidates: tuple[int, ...] = ()
    reason: str = ""
    commune_text: str = ""

    @property
    def is_matched(self) -> bool:
        return self.status == MATCHED


def _prefixed(text: str) -> Part:
    key = search_key(text).strip(" .")
    m = _PREFIX.match(key)
    if m:
        word, letter, p_number, rest = m.groups()
        if word:
            kind, unit = _KIND_OF[word]
        else:
            kind, unit = _SINGLE[letter or p_number]
        return Part(text, kind, unit, name_key(rest))
    return Part(text, "", "", name_key(key))


def address_parts(address: str) -> list[Part]:
    """The parts of an address, each with what its prefix says it is."""
    text = clean_text(address)
    if not text:
        return []
    key = search_key(text)
    if len(key) == len(text):  # one key character per character: cut at the same places
        cuts = []
        start = 0
        for m in _CUT.finditer(key):
            before = _SEPARATORS.split(key[start : m.start()])[-1].strip(" .")
            # "Thôn Xa Re", "Bản Xa Bai": a village named like a unit word is no cut.
            if before and not _PREFIX_ONLY.match(before):
                cuts.append(m.start())
                start = m.start()
        for cut in reversed(cuts):
            text = f"{text[:cut]},{text[cut:]}"
    return [_prefixed(p) for p in _SPLIT.split(text) if p.strip(" .")]


@dataclass
class AddressLookup:
    places: dict[int, Place] = field(default_factory=dict)
    communes: dict[str, list[Place]] = field(default_factory=lambda: defaultdict(list))
    districts: dict[str, list[Place]] = field(default_factory=lambda: defaultdict(list))
    provinces: dict[str, list[Place]] = field(default_factory=lambda: defaultdict(list))
    successors: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    # A 2025 commune -> the districts (paths) of the old communes it took over.
    former_districts: dict[int, set[str]] = field(default_factory=lambda: defaultdict(set))
    default_successor: dict[int, int] = field(default_factory=dict)
    _cache: dict[tuple[str, int | None], AddressMatch] = field(default_factory=dict)

    def add_place(self, place: Place, *labels: str) -> None:
        self.places[place.pk] = place
        index = {COMMUNE: self.communes, DISTRICT: self.districts, PROVINCE: self.provinces}[
            place.kind
        ]
        for key in {name_key(_without_unit(label)) for label in labels if label}:
            if key:
                index[key].append(place)

    def districts_of(self, place: Place) -> set[str]:
        if place.district_path:
            return {place.district_path}
        return self.former_districts.get(place.pk, set())

    def match(self, address: str, *, near: int | None = None) -> AddressMatch:
        """Match one address; `near` is the id of a commune the student is likely near
        (their school's), used only to choose between candidates of the same name."""
        cache_key = (address, near)
        found = self._cache.get(cache_key)
        if found is None:
            found = self._cache[cache_key] = self._match(address, near)
        return found

    def _match(self, address: str, near: int | None) -> AddressMatch:
        parts = address_parts(address)
        if not parts:
            return AddressMatch(EMPTY, reason=_("Chưa ghi địa chỉ."))
        commune_at = self._commune_index(parts)
        if commune_at is None:
            return AddressMatch(
                UNMATCHED,
                village=_village(parts, len(parts)),
                reason=_("Không thấy tên xã/phường trong địa chỉ."),
            )
        commune = parts[commune_at]
        after = parts[commune_at + 1 :]
        village = _village(parts, commune_at)
        # A bare name that is also a province's ("Quảng Trị") is read as the province.
        districts = [
            p
            for p in after
            if p.kind == DISTRICT
            or (not p.kind and p.key in self.districts and p.key not in self.provinces)
        ]
        provinces = [
            p for p in after if p.kind == PROVINCE or (not p.kind and p.key in self.provinces)
        ]
        candidates = list(dict.fromkeys(self.communes.get(commune.key, [])))
        base = {"village": village, "commune_text": commune.text}
        if not candidates:
            return AddressMatch(
                UNMATCHED,
                reason=_("Không tìm thấy xã/phường “%(name)s” trong danh mục địa bàn.")
                % {"name": commune.text},
                **base,
            )

        if commune.unit_type:
            typed = [c for c in candidates if c.unit_type == commune.unit_type]
            candidates = typed or candidates

        district_places = [d for p in districts for d in self.districts.get(p.key, [])]
        if district_places:
            paths = {d.path for d in district_places}
            inside = [c for c in candidates if self.districts_of(c) & paths]
            if not inside:
                return AddressMatch(
                    AMBIGUOUS,
                    candidates=tuple(c.pk for c in candidates),
                    reason=_("Xã/phường “%(c)s” không thuộc “%(d)s”; hãy chọn lại.")
                    % {"c": commune.text, "d": districts[0].text},
                    **base,
                )
            candidates = inside

        province_places = [d for p in provinces for d in self.provinces.get(p.key, [])]
        if province_places and len(candidates) > 1:
            roots = {d.path for d in province_places}
            inside = [c for c in candidates if c.path[:_STEP] in roots]
            candidates = inside or candidates

        if len(candidates) > 1:
            # An old commune and the 2025 commune that took it over are one place.
            ids = {c.pk for c in candidates}
            old = [c for c in candidates if self.successors.get(c.pk, set()) & ids]
            if old:
                taken_over = {n for c in old for n in self.successors[c.pk]}
                if district_places:
                    candidates = [c for c in candidates if c.pk not in taken_over]
                else:
                    candidates = [c for c in candidates if c not in old]

        if len(candidates) > 1 and near is not None and near in self.places:
            near_districts = self.districts_of(self.places[near])
            close = [c for c in candidates if self.districts_of(c) & near_districts]
            if len(close) == 1:
                candidates = close

        if len(candidates) == 1:
            return AddressMatch(
                MATCHED, commune_id=candidates[0].pk, candidates=(candidates[0].pk,), **base
            )
        return AddressMatch(
            AMBIGUOUS,
            candidates=tuple(c.pk for c in candidates),
            reason=_("Có %(n)s xã/phường tên “%(name)s”; hãy ghi thêm huyện hoặc chọn đúng nơi.")
            % {"n": len(candidates), "name": commune.text},
            **base,
        )

    def _commune_index(self, parts: list[Part]) -> int | None:
        for i, p in enumerate(parts):
            if p.kind == COMMUNE:
                return i
        bare = [i for i, p in enumerate(parts) if not p.kind]
        # Trailing bare parts that name a province or a district, when an earlier bare
        # part can be the commune: "Gio Mỹ, Gio Linh, Quảng Trị".
        while (
            len(bare) > 1
            and (parts[bare[-1]].key in self.provinces or parts[bare[-1]].key in self.districts)
            and any(parts[i].key in self.communes for i in bare[:-1])
        ):
            bare.pop()
        for i in reversed(bare):
            if parts[i].key in self.communes:
                return i
        return None

    def label(self, pk: int) -> str:
        """ "Xã Gio Mỹ (Huyện Gio Linh, trước 1/7/2025)" or "Xã Gio Linh (từ 1/7/2025)"."""
        place = self.places.get(pk)
        if place is None:
            return ""
        if place.district_path:
            district = next(
                (p for p in self._by_path().get(place.district_path, []) if p.kind == DISTRICT),
                None,
            )
            where = f"{district.name}, " if district else ""
            return _("%(name)s (%(where)strước 1/7/2025)") % {"name": place.name, "where": where}
        return _("%(name)s (từ 1/7/2025)") % {"name": place.name}

    def _by_path(self) -> dict[str, list[Place]]:
        cached = getattr(self, "_paths", None)
        if cached is None:
            cached = defaultdict(list)
            for p in self.places.values():
                cached[p.path].append(p)
            self._paths = cached
        return cached


def _without_unit(label: str) -> str:
    """A unit's name without its unit word: "Huyện Gio Linh" -> "Gio Linh"; "Phường 1"
    keeps only the number."""
    part = _prefixed(label)
    return part.key if part.kind in (COMMUNE, DISTRICT, PROVINCE) else label


def _village(parts: list[Part], end: int) -> str:
    return ", ".join(p.text for p in parts[:end] if p.kind in (VILLAGE, ""))[:100]


def address_lookup(*, roots: Iterable[str] | None = None) -> AddressLookup:
    """The lookup over the areas below `roots` (paths of top-level areas; None for the
    whole tree): two queries."""
    q = Q()
    if roots is not None:
        q = Q(pk__in=[])
        for root in roots:
            q |= Q(path__startswith=root)
    rows = list(
        Area.objects.filter(q)
        .order_by("path")
        .values_list("pk", "path", "kind", "name", "short_name", "unit_type")
    )
    lookup = AddressLookup()
    kind_at = {path: kind for _pk, path, kind, *_rest in rows}
    for pk, path, kind, name, short_name, unit_type in rows:
        if kind not in (COMMUNE, DISTRICT, PROVINCE):
            continue
        parent = path[:-_STEP]
        district_path = parent if kind == COMMUNE and kind_at.get(parent) == DISTRICT else ""
        unit = unit_type or _unit_of(name)
        lookup.add_place(Place(pk, path, kind, name, unit, district_path), name, short_name)
    links = AreaSuccession.objects.filter(old_area_id__in=lookup.places.keys()).values_list(
        "old_area_id", "new_area_id", "is_default"
    )
    for old, new, is_default in links:
        lookup.successors[old].add(new)
        if is_default or old not in lookup.default_successor:
            lookup.default_successor[old] = new
        old_place = lookup.places.get(old)
        if old_place is not None and old_place.district_path:
            lookup.former_districts[new].add(old_place.district_path)
    return lookup


def _unit_of(name: str) -> str:
    part = _prefixed(name)
    return part.unit_type if part.kind else ""
