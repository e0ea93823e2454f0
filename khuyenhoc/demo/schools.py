"""About 350 schools of every level in the old communes of Quảng Trị.

The plan depends only on the area tree (its own fixed random stream), not on
`--seed`, so school names and MOET codes stay put from one demo to the next and the
demo school account always finds its school."""

from __future__ import annotations

import random as random_module
from dataclasses import dataclass

from khuyenhoc.demo.areas import Commune, District
from khuyenhoc.models import School
from khuyenhoc.text import search_key

Level = School.Level
LEVEL_ORDER = [
    Level.PRIMARY,
    Level.LOWER_SECONDARY,
    Level.MULTI_LEVEL,
    Level.UPPER_SECONDARY,
    Level.CONTINUING,
]

# Towns and wards name their schools after people; a district never repeats one.
PRIMARY_PEOPLE = [
    "Kim Đồng",
    "Lê Lợi",
    "Trần Hưng Đạo",
    "Hàm Nghi",
    "Nguyễn Trãi",
    "Lê Quý Đôn",
    "Phan Bội Châu",
    "Nguyễn Văn Trỗi",
    "Võ Thị Sáu",
    "Lý Tự Trọng",
    "Đoàn Thị Điểm",
    "Hải Thượng Lãn Ông",
    "Trần Quốc Toản",
    "Lê Văn Tám",
    "Hùng Vương",
    "Nguyễn Bỉnh Khiêm",
    "Phan Đình Giót",
]
SECONDARY_PEOPLE = [
    "Nguyễn Trãi",
    "Nguyễn Huệ",
    "Phan Đình Phùng",
    "Trần Hưng Đạo",
    "Nguyễn Du",
    "Lê Lợi",
    "Chu Văn An",
    "Lý Thường Kiệt",
    "Lương Thế Vinh",
    "Nguyễn Bá Ngọc",
    "Trần Phú",
    "Hiếu Giang",
]
# (name, commune where it stands); a missing commune falls back to the district town.
UPPER_SECONDARY = {
    "461": [
        ("Trường THPT Đông Hà", "Phường 5"),
        ("Trường THPT Lê Lợi", "Đông Lễ"),
        ("Trường THPT Phan Châu Trinh", "Đông Lương"),
        ("Trường THPT chuyên Lê Quý Đôn", "Phường 1"),
        ("Trường THPT Nguyễn Trãi", "Đông Giang"),
    ],
    "462": [
        ("Trường THPT Thị xã Quảng Trị", "Phường 2"),
        ("Trường THPT Nguyễn Huệ", "Phường 1"),
    ],
    "464": [
        ("Trường THPT Vĩnh Linh", "Hồ Xá"),
        ("Trường THPT Nguyễn Công Trứ", "Vĩnh Hòa"),
        ("Trường THPT Cửa Tùng", "Cửa Tùng"),
        ("Trường THPT Bến Quan", "Bến Quan"),
        ("Trường THPT Bến Hải", "Vĩnh Long"),
    ],
    "465": [
        ("Trường THPT Hướng Hóa", "Khe Sanh"),
        ("Trường THPT Khe Sanh", "Khe Sanh"),
        ("Trường THPT Lao Bảo", "Lao Bảo"),
        ("Trường THPT Hướng Phùng", "Hướng Phùng"),
        ("Trường THPT A Túc", "Lìa"),
    ],
    "466": [
        ("Trường THPT Gio Linh", "Gio Linh"),
        ("Trường THPT Cồn Tiên", "Gio Sơn"),
        ("Trường THPT Nguyễn Du", "Trung Hải"),
        ("Trường THPT Cửa Việt", "Cửa Việt"),
    ],
    "467": [
        ("Trường THPT Đakrông", "Krông Klang"),
        ("Trường THPT số 2 Đakrông", "A Ngo"),
    ],
    "468": [
        ("Trường THPT Cam Lộ", "Cam Lộ"),
        ("Trường THPT Lê Thế Hiếu", "Cam Thành"),
        ("Trường THPT Tân Lâm", "Cam Chính"),
    ],
    "469": [
        ("Trường THPT Triệu Phong", "Ái Tử"),
        ("Trường THPT Chu Văn An", "Triệu Đại"),
        ("Trường THPT Vĩnh Định", "Triệu Thành"),
        ("Trường THPT Nguyễn Hữu Thận", "Triệu Thuận"),
    ],
    "470": [
        ("Trường THPT Hải Lăng", "Diên Sanh"),
        ("Trường THPT Trần Thị Tâm", "Hải Quy"),
        ("Trường THPT Nam Hải Lăng", "Hải Chánh"),
        ("Trường THPT Bùi Dục Tài", "Hải Định"),
    ],
}
CONTINUING_NAMES = {"461": "Đông Hà", "462": "thị xã Quảng Trị", "467": "Đakrông"}

# Relative number of ĐBKK students per grade a school of this kind has.
WEIGHTS = {
    "primary": 1.0,
    "primary_second": 0.7,
    "primary_urban": 1.2,
    "lower_secondary": 1.0,
    "multi_level": 1.8,
    "boarding_province": 1.2,
    "upper_secondary": 3.0,
    "continuing": 0.5,
}


@dataclass
class SchoolPlan:
    name: str
    level: str
    grade_min: int
    grade_max: int
    commune: Commune
    weight: float
    moet_code: str = ""
    id: int = 0

    @property
    def district(self) -> District:
        return self.commune.district


def _town(district: District) -> Commune:
    return next((c for c in district.communes if c.urban), district.communes[0])


def _commune_named(district: District, name: str) -> Commune:
    return next((c for c in district.communes if c.short_name == name), _town(district))


def _plain(*, level: str, name: str, commune: Commune, weight: float) -> SchoolPlan:
    low, high = School.LEVEL_GRADES[level]
    return SchoolPlan(name, level, low, high, commune, weight)


def schools_plan(*, districts: list[District]) -> list[SchoolPlan]:
    rnd = random_module.Random("khuyenhoc-demo-schools-v1")
    plans: list[SchoolPlan] = []
    for district in districts:
        mine: list[SchoolPlan] = []
        primary_people = iter(rnd.sample(PRIMARY_PEOPLE, len(PRIMARY_PEOPLE)))
        secondary_people = iter(rnd.sample(SECONDARY_PEOPLE, len(SECONDARY_PEOPLE)))
        for commune in district.communes:
            ward = commune.short_name.startswith("Phường ") or (
                commune.urban and district.code == "461"
            )
            if ward:
                count = 2 if rnd.random() < 0.6 else 1
                for _ in range(count):
                    name = f"Trường Tiểu học {next(primary_people)}"
                    mine.append(
                        _plain(
                            level=Level.PRIMARY,
                            name=name,
                            commune=commune,
                            weight=WEIGHTS["primary_urban"],
                        )
                    )
                name = f"Trường THCS {next(secondary_people)}"
                mine.append(
                    _plain(level=Level.LOWER_SECONDARY, name=name, commune=commune, weight=1.0)
                )
                continue
            if commune.boarding:
                mine.append(
                    SchoolPlan(
                        f"Trường PTDTBT TH&THCS {commune.short_name}",
                        Level.MULTI_LEVEL,
                        1,
                        9,
                        commune,
                        WEIGHTS["multi_level"],
                    )
                )
                if rnd.random() < 0.5:
                    mine.append(
                        _plain(
                            level=Level.PRIMARY,
                            name=f"Trường Tiểu học {commune.short_name}",
                            commune=commune,
                            weight=WEIGHTS["primary_second"],
                        )
                    )
                continue
            two = commune.urban or rnd.random() < 0.7
            for number in (1, 2) if two else (0,):
                label = f"số {number} " if number else ""
                mine.append(
                    _plain(
                        level=Level.PRIMARY,
                        name=f"Trường Tiểu học {label}{commune.short_name}",
                        commune=commune,
                        weight=WEIGHTS["primary" if number < 2 else "primary_second"],
                    )
                )
            if commune.urban and rnd.random() < 0.5:
                name = f"Trường THCS {next(secondary_people)}"
            else:
                name = f"Trường THCS {commune.short_name}"
            mine.append(_plain(level=Level.LOWER_SECONDARY, name=name, commune=commune, weight=1.0))
        for name, where in UPPER_SECONDARY.get(district.code, []):
            mine.append(
                _plain(
                    level=Level.UPPER_SECONDARY,
                    name=name,
                    commune=_commune_named(district, where),
                    weight=WEIGHTS["upper_secondary"],
                )
            )
        if district.code == "461":
            mine.append(
                SchoolPlan(
                    "Trường Phổ thông Dân tộc nội trú tỉnh Quảng Trị",
                    Level.MULTI_LEVEL,
                    6,
                    12,
                    _commune_named(district, "Đông Lương"),
                    WEIGHTS["boarding_province"],
                )
            )
        if district.code in ("465", "467"):
            mine.append(
                SchoolPlan(
                    f"Trường PTDTNT {CONTINUING_NAMES.get(district.code, district.short_name)}",
                    Level.LOWER_SECONDARY,
                    6,
                    9,
                    _town(district),
                    WEIGHTS["boarding_province"],
                )
            )
        place = CONTINUING_NAMES.get(district.code, district.short_name)
        mine.append(
            _plain(
                level=Level.CONTINUING,
                name=f"Trung tâm GDNN-GDTX {place}",
                commune=_town(district),
                weight=WEIGHTS["continuing"],
            )
        )
        mine.sort(key=lambda p: (LEVEL_ORDER.index(p.level), p.commune.code, p.name))
        for number, plan in enumerate(mine, start=1):
            plan.moet_code = f"45{district.code}{number:03d}"
        plans += mine
    return plans


def schools_upsert(*, plans: list[SchoolPlan]) -> int:
    """Create or refresh the demo schools by MOET code; fills in `plan.id`."""
    rows = [
        School(
            moet_code=p.moet_code,
            name=p.name,
            level=p.level,
            grade_min=p.grade_min,
            grade_max=p.grade_max,
            commune_id=p.commune.id,
            address=f"{p.commune.name}, {p.district.in_words}, tỉnh Quảng Trị",
            phone=f"0233{3_850_000 + int(p.moet_code[-6:]) % 99_991:07d}",
            is_active=True,
            search_key=search_key(p.name),
        )
        for p in plans
    ]
    School.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["moet_code"],
        update_fields=[
            "name",
            "level",
            "grade_min",
            "grade_max",
            "commune",
            "address",
            "phone",
            "is_active",
            "search_key",
        ],
    )
    ids = dict(
        School.objects.filter(moet_code__in=[p.moet_code for p in plans]).values_list(
            "moet_code", "id"
        )
    )
    for plan in plans:
        plan.id = ids[plan.moet_code]
    return len(plans)
