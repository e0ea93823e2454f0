"""Load the real Vietnamese administrative units into the Area tree, set-based.

Source: the `vietnamadminunits` package's own data files (read directly, never its
parser or converter, which geocode over the network). Two eras live side by side:

- before 1 July 2025: 63 provinces -> districts -> communes (valid_to 2025-06-30);
- from 1 July 2025: 34 provinces -> communes (valid_from 2025-07-01);

plus AreaSuccession rows from each old commune to its new commune(s). Rows are matched
on (code, kind, valid_from), so running the load again changes nothing, and rows that
already exist keep their place in the tree.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import sqlite3
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from django.db import connection, transaction
from django.db.models import Max
from django.db.models.functions import Left, Length

from khuyenhoc.models import Area, AreaSuccession
from khuyenhoc.text import clean_text, search_key

PACKAGE = "vietnamadminunits"
REFORM_DATE = dt.date(2025, 7, 1)
OLD_VALID_TO = dt.date(2025, 6, 30)
KINDS = (Area.Kind.PROVINCE.value, Area.Kind.DISTRICT.value, Area.Kind.COMMUNE.value)
UNIT_TYPES = (
    "Thành phố",
    "Thị trấn",
    "Thị xã",
    "Đặc khu",
    "Phường",
    "Huyện",
    "Quận",
    "Tỉnh",
    "Xã",
)
_AREA_FIELDS = ("name", "short_name", "unit_type", "valid_to", "search_key")
_BATCH = 2000

Key = tuple[str, str, dt.date | None]


class AreasLoadError(ValueError):
    pass


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


@dataclass
class AreasLoadResult:
    provinces: list[str] = field(default_factory=list)
    old_provinces: list[str] = field(default_factory=list)
    areas: dict[str, Counts] = field(default_factory=lambda: {kind: Counts() for kind in KINDS})
    successions: Counts = field(default_factory=Counts)
    # Rows that already existed under another parent than the data says; left where
    # they are, because moving a node is a decision for a person, not for a loader.
    misplaced: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(
            self.successions.created
            or self.successions.updated
            or any(c.created or c.updated for c in self.areas.values())
        )


@dataclass(frozen=True, slots=True)
class _Unit:
    code: str
    kind: str
    valid_from: dt.date | None
    valid_to: dt.date | None
    name: str
    short_name: str
    unit_type: str
    parent: Key | None

    @property
    def key(self) -> Key:
        return (self.code, self.kind, self.valid_from)

    def values(self) -> dict:
        return {
            "name": self.name,
            "short_name": self.short_name,
            "unit_type": self.unit_type,
            "valid_to": self.valid_to,
            "search_key": search_key(self.short_name),
        }


@dataclass(frozen=True)
class _Dataset:
    old_units: dict[str, list[_Unit]]  # old province key -> units, parents first
    new_units: dict[str, list[_Unit]]  # new province key -> units, parents first
    merged_from: dict[str, list[str]]  # new province key -> old province keys
    links: dict[str, list[tuple[Key, Key, bool]]]  # new province key -> (old, new, default)
    aliases: dict[str, set[str]]  # normalised name or code -> new province keys


def _split_name(name: str, unit_type: str | None, short_name: str | None) -> tuple[str, str, str]:
    """(name, short_name, unit_type), trusting the full name over the other columns.

    The data has "Thị Trấn Ái Tử", short names like "Yên Viên (Thị trấn)" where two
    siblings share a name, and a few wards whose type column contradicts the name.
    """
    name = clean_text(name)
    for candidate in UNIT_TYPES:
        if name.lower().startswith(candidate.lower() + " "):
            rest = name[len(candidate) + 1 :].strip()
            name = f"{candidate} {rest}"
            return name, name if rest.isdigit() else rest, candidate
    return name, clean_text(short_name) or name, clean_text(unit_type)


def _data_dir():
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or spec.loader is None:
        raise AreasLoadError(f"Chưa cài gói {PACKAGE}.")
    # Importing the package itself costs over a second and builds a geocoder; its
    # resource reader gives the same files without running the package's code.
    get_reader = getattr(spec.loader, "get_resource_reader", None)
    reader = get_reader(spec.name) if get_reader else None
    root = reader.files() if reader is not None else resources.files(PACKAGE)
    return root / "data"


def _norm(text: str) -> str:
    return search_key(text).replace(" ", "").replace("-", "")


def _province_tokens(*, code: str, name: str, short_name: str) -> set[str]:
    short = _norm(short_name)
    return {code, _norm(name), short, f"tp{short}"}


@cache
def _dataset() -> _Dataset:
    data = _data_dir()
    converter = json.loads((data / "converter_2025.json").read_text(encoding="utf-8"))
    merged_from: dict[str, list[str]] = converter["DICT_PROVINCE"]
    old_to_new = {old: new for new, olds in merged_from.items() for old in olds}

    with resources.as_file(data / "dataset.db") as db_path:
        db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
        try:
            legacy = db.execute(
                "SELECT provinceKey, districtKey, wardKey, provinceCode, districtCode, wardCode,"
                " province, provinceShort, district, districtShort, districtType,"
                " ward, wardShort, wardType"
                " FROM admin_units_legacy ORDER BY provinceCode, districtCode, wardCode"
            ).fetchall()
            current = db.execute(
                "SELECT provinceKey, wardKey, provinceCode, wardCode,"
                " province, provinceShort, ward, wardShort, wardType"
                " FROM admin_units ORDER BY provinceCode, wardCode"
            ).fetchall()
        finally:
            db.close()

    aliases: dict[str, set[str]] = defaultdict(set)
    old_units: dict[str, list[_Unit]] = {}
    old_by_path: dict[str, Key] = {}
    districts_seen: set[Key] = set()
    for (
        p_key,
        d_key,
        w_key,
        p_code,
        d_code,
        w_code,
        p_name,
        p_short,
        d_name,
        d_short,
        d_type,
        w_name,
        w_short,
        w_type,
    ) in legacy:
        units = old_units.get(p_key)
        if units is None:
            name, short, unit_type = _split_name(p_name, None, p_short)
            province = _Unit(p_code, "province", None, OLD_VALID_TO, name, short, unit_type, None)
            units = old_units[p_key] = [province]
            for token in _province_tokens(code=p_code, name=name, short_name=short):
                aliases[token].add(old_to_new[p_key])
        province_key = units[0].key
        district_key: Key = (d_code, "district", None)
        if district_key not in districts_seen:
            districts_seen.add(district_key)
            name, short, unit_type = _split_name(d_name, d_type, d_short)
            units.append(
                _Unit(d_code, "district", None, OLD_VALID_TO, name, short, unit_type, province_key)
            )
            # Island districts without communes (Cồn Cỏ, Lý Sơn...) are keyed like this
            # in the converter, which maps them to the new "đặc khu".
            old_by_path[f"{p_key}_{d_key}_"] = district_key
        if w_code:
            name, short, unit_type = _split_name(w_name, w_type, w_short)
            commune = _Unit(
                w_code, "commune", None, OLD_VALID_TO, name, short, unit_type, district_key
            )
            units.append(commune)
            old_by_path[f"{p_key}_{d_key}_{w_key}"] = commune.key

    new_units: dict[str, list[_Unit]] = {}
    new_by_path: dict[tuple[str, str], Key] = {}
    for p_key, w_key, p_code, w_code, p_name, p_short, w_name, w_short, w_type in current:
        units = new_units.get(p_key)
        if units is None:
            name, short, unit_type = _split_name(p_name, None, p_short)
            province = _Unit(p_code, "province", REFORM_DATE, None, name, short, unit_type, None)
            units = new_units[p_key] = [province]
            for token in _province_tokens(code=p_code, name=name, short_name=short):
                aliases[token].add(p_key)
        name, short, unit_type = _split_name(w_name, w_type, w_short)
        commune = _Unit(w_code, "commune", REFORM_DATE, None, name, short, unit_type, units[0].key)
        units.append(commune)
        new_by_path[(p_key, w_key)] = commune.key

    links: dict[str, list[tuple[Key, Key, bool]]] = defaultdict(list)
    for p_key, wards in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for w_key, olds in wards.items():
            for old in olds:
                links[p_key].append((old_by_path[old], new_by_path[(p_key, w_key)], True))
    for p_key, olds in converter["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old, parts in olds.items():
            for part in parts:
                new_key = new_by_path[(p_key, part["newWardKey"])]
                links[p_key].append((old_by_path[old], new_key, bool(part["isDefaultNewWard"])))

    return _Dataset(
        old_units=old_units,
        new_units=new_units,
        merged_from=merged_from,
        links=dict(links),
        aliases=dict(aliases),
    )


def _choose(*, data: _Dataset, provinces: list[str] | None) -> list[str]:
    if provinces is None:
        return sorted(data.new_units, key=lambda p: data.new_units[p][0].code)
    chosen: set[str] = set()
    for wanted in provinces:
        token = wanted.strip()
        token = token.zfill(2) if token.isdigit() else _norm(token)
        found = data.aliases.get(token)
        if not found:
            raise AreasLoadError(f"Không tìm thấy tỉnh/thành phố “{wanted}”.")
        chosen |= found
    return sorted(chosen, key=lambda p: data.new_units[p][0].code)


def _step(number: int) -> str:
    if number >= len(Area.alphabet) ** Area.steplen:
        raise AreasLoadError("Quá nhiều địa bàn cùng cấp (tràn đường dẫn cây).")
    return Area._int2str(number).rjust(Area.steplen, Area.alphabet[0])


@transaction.atomic
def areas_load(*, provinces: list[str] | None = None) -> AreasLoadResult:
    """Load the chosen 2025 provinces (names or codes, old or new; None = the whole
    country), every old province merged into them, and the old -> new successions."""
    data = _dataset()
    chosen = _choose(data=data, provinces=provinces)
    old_keys = sorted(
        {old for new in chosen for old in data.merged_from[new]},
        key=lambda p: data.old_units[p][0].code,
    )
    # Old provinces first, then new ones: the order the roots get.
    units = [u for p in old_keys for u in data.old_units[p]]
    units += [u for p in chosen for u in data.new_units[p]]

    result = AreasLoadResult(
        provinces=[data.new_units[p][0].name for p in chosen],
        old_provinces=[data.old_units[p][0].name for p in old_keys],
    )

    # Nobody may add nodes while paths are being handed out; readers are not blocked.
    with connection.cursor() as cursor:
        table = connection.ops.quote_name(Area._meta.db_table)
        cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")

    wanted = {u.key for u in units}
    existing = {
        (row["code"], row["kind"], row["valid_from"]): row
        for row in Area.objects.filter(code__in={u.code for u in units}, kind__in=KINDS).values(
            "id", "code", "kind", "valid_from", "path", "numchild", *_AREA_FIELDS
        )
    }
    existing = {key: row for key, row in existing.items() if key in wanted}

    # Where appending starts under each parent that already exists.
    last_child: dict[str, str] = {}
    parents_getting_children = {
        existing[u.parent]["path"]
        for u in units
        if u.key not in existing and u.parent is not None and u.parent in existing
    }
    if parents_getting_children:
        last_child = dict(
            Area.objects.annotate(parent_path=Left("path", Length("path") - Area.steplen))
            .filter(parent_path__in=parents_getting_children)
            .order_by()
            .values("parent_path")
            .annotate(last=Max("path"))
            .values_list("parent_path", "last")
        )
    if any(u.parent is None and u.key not in existing for u in units):
        last_root = Area.objects.filter(depth=1).aggregate(last=Max("path"))["last"]
        if last_root:
            last_child[""] = last_root

    paths: dict[Key, str] = {}
    next_step: dict[str, int] = {}
    added = Counter()
    new_rows: list[tuple[_Unit, str]] = []
    for unit in units:
        parent_path = "" if unit.parent is None else paths[unit.parent]
        row = existing.get(unit.key)
        if row is not None:
            paths[unit.key] = row["path"]
            if row["path"][: -Area.steplen] != parent_path:
                result.misplaced.append(f"{unit.kind} {unit.code} {unit.name}")
            continue
        if parent_path not in next_step:
            last = last_child.get(parent_path)
            next_step[parent_path] = Area._str2int(last[-Area.steplen :]) + 1 if last else 1
        path = parent_path + _step(next_step[parent_path])
        next_step[parent_path] += 1
        added[parent_path] += 1
        paths[unit.key] = path
        new_rows.append((unit, path))

    to_create = [
        Area(
            code=unit.code,
            kind=unit.kind,
            valid_from=unit.valid_from,
            path=path,
            depth=len(path) // Area.steplen,
            numchild=added[path],
            **unit.values(),
        )
        for unit, path in new_rows
    ]
    for area in to_create:
        result.areas[area.kind].created += 1

    to_update: list[Area] = []
    for unit in units:
        row = existing.get(unit.key)
        if row is None:
            continue
        values = unit.values()
        changed = any(row[name] != value for name, value in values.items())
        more_children = added[row["path"]]
        if changed:
            result.areas[unit.kind].updated += 1
        else:
            result.areas[unit.kind].unchanged += 1
        if changed or more_children:
            to_update.append(Area(id=row["id"], numchild=row["numchild"] + more_children, **values))

    Area.objects.bulk_create(to_create, batch_size=_BATCH)
    if to_update:
        Area.objects.bulk_update(to_update, [*_AREA_FIELDS, "numchild"], batch_size=_BATCH)

    ids = {key: row["id"] for key, row in existing.items()}
    ids.update({(a.code, a.kind, a.valid_from): a.pk for a in to_create})
    _load_successions(
        links=[link for p in chosen for link in data.links.get(p, [])],
        ids=ids,
        counts=result.successions,
    )
    # Fresh statistics: the scope of every list is a subquery over the area tree.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE khuyenhoc_area")
    return result


def _load_successions(*, links: list[tuple[Key, Key, bool]], ids: dict[Key, int], counts: Counts):
    wanted = {(ids[old], ids[new]): is_default for old, new, is_default in links}
    existing = {
        (row["old_area_id"], row["new_area_id"]): row
        for row in AreaSuccession.objects.filter(old_area_id__in={old for old, _ in wanted}).values(
            "id", "old_area_id", "new_area_id", "is_default", "effective_on"
        )
    }
    to_create, to_update = [], []
    for (old_id, new_id), is_default in wanted.items():
        row = existing.get((old_id, new_id))
        if row is None:
            to_create.append(
                AreaSuccession(
                    old_area_id=old_id,
                    new_area_id=new_id,
                    is_default=is_default,
                    effective_on=REFORM_DATE,
                )
            )
        elif row["is_default"] != is_default or row["effective_on"] != REFORM_DATE:
            to_update.append(
                AreaSuccession(id=row["id"], is_default=is_default, effective_on=REFORM_DATE)
            )
        else:
            counts.unchanged += 1
    AreaSuccession.objects.bulk_create(to_create, batch_size=_BATCH)
    AreaSuccession.objects.bulk_update(to_update, ["is_default", "effective_on"], batch_size=_BATCH)
    counts.created += len(to_create)
    counts.updated += len(to_update)
