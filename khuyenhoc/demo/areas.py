"""The pre-2025 Quảng Trị the demo attaches to, read from the area tree, with what
the generators need to know about each district and commune."""

from __future__ import annotations

import datetime as dt
import random as random_module
from dataclasses import dataclass, field

from django.core.management.base import CommandError

from khuyenhoc.models import Area

PROVINCE_CODE = "45"
PROVINCE_NAME = "Quảng Trị"
OLD_UNITS_END = dt.date(2025, 6, 30)

# Share of the province's ĐBKK students (population weighted by poverty) and the
# base rate of poor households among them.
DISTRICT_PROFILE: dict[str, tuple[float, float]] = {
    "461": (9.0, 0.14),  # Đông Hà
    "462": (2.5, 0.18),  # TX Quảng Trị
    "464": (10.0, 0.28),  # Vĩnh Linh
    "465": (17.0, 0.50),  # Hướng Hóa
    "466": (8.5, 0.30),  # Gio Linh
    "467": (12.0, 0.62),  # Đakrông
    "468": (5.5, 0.28),  # Cam Lộ
    "469": (11.0, 0.30),  # Triệu Phong
    "470": (9.5, 0.30),  # Hải Lăng
    "471": (0.0, 0.0),  # Cồn Cỏ: an island with no commune and no school
}

# (Bru - Vân Kiều share, Pa Cô share) among ĐBKK students living in the commune.
MINORITY_SHARE: dict[str, tuple[float, float]] = {
    # Hướng Hóa
    "Khe Sanh": (0.22, 0.02),
    "Lao Bảo": (0.30, 0.02),
    "Tân Hợp": (0.35, 0.0),
    "Tân Thành": (0.45, 0.0),
    "Tân Long": (0.55, 0.0),
    "Tân Lập": (0.45, 0.0),
    "Tân Liên": (0.40, 0.0),
    "Hướng Tân": (0.85, 0.0),
    "Hướng Lập": (0.97, 0.0),
    "Hướng Việt": (0.97, 0.0),
    "Hướng Phùng": (0.80, 0.0),
    "Hướng Sơn": (0.96, 0.0),
    "Hướng Linh": (0.95, 0.0),
    "Húc": (0.92, 0.02),
    "Thuận": (0.90, 0.03),
    "Hướng Lộc": (0.92, 0.0),
    "Ba Tầng": (0.75, 0.20),
    "Thanh": (0.80, 0.15),
    "A Dơi": (0.45, 0.50),
    "Lìa": (0.60, 0.35),
    "Xy": (0.70, 0.25),
    # Đakrông
    "Krông Klang": (0.30, 0.25),
    "Mò Ó": (0.35, 0.05),
    "Triệu Nguyên": (0.15, 0.0),
    "Ba Lòng": (0.35, 0.0),
    "Hướng Hiệp": (0.80, 0.05),
    "Đakrông": (0.85, 0.08),
    "Đa Krông": (0.85, 0.08),
    "Ba Nang": (0.95, 0.02),
    "Tà Long": (0.92, 0.05),
    "Húc Nghì": (0.15, 0.82),
    "A Vao": (0.10, 0.88),
    "Tà Rụt": (0.08, 0.90),
    "A Bung": (0.04, 0.95),
    "A Ngo": (0.05, 0.93),
    # Highland communes of the lowland districts
    "Vĩnh Ô": (0.96, 0.0),
    "Vĩnh Khê": (0.35, 0.0),
    "Linh Trường": (0.25, 0.0),
    "Cam Tuyền": (0.06, 0.0),
    "Cam Thành": (0.04, 0.0),
}
# Multi-level ethnic semi-boarding schools (PTDTBT TH&THCS) replace the THCS there.
BOARDING_COMMUNES = {
    "Hướng Lập",
    "Hướng Việt",
    "Hướng Sơn",
    "Xy",
    "A Bung",
    "A Ngo",
    "Tà Rụt",
    "A Vao",
    "Húc Nghì",
    "Ba Nang",
    "Vĩnh Ô",
}
COASTAL_COMMUNES = {
    "Cửa Tùng",
    "Vĩnh Thái",
    "Vĩnh Thạch",
    "Kim Thạch",
    "Trung Giang",
    "Gio Hải",
    "Cửa Việt",
    "Gio Mỹ",
    "Triệu An",
    "Triệu Vân",
    "Triệu Lăng",
    "Triệu Độ",
    "Hải An",
    "Hải Khê",
}


@dataclass
class Commune:
    id: int
    code: str
    name: str
    short_name: str
    urban: bool
    district: District
    van_kieu: float = 0.0
    pa_co: float = 0.0
    coastal: bool = False
    boarding: bool = False
    villages: list[str] = field(default_factory=list)

    @property
    def mountain(self) -> bool:
        return self.van_kieu + self.pa_co >= 0.5

    @property
    def in_words(self) -> str:
        """The name as it reads inside a sentence or an address: "xã Gio Mỹ"."""
        return self.name[:1].lower() + self.name[1:]


@dataclass
class District:
    id: int
    code: str
    name: str
    short_name: str
    weight: float
    poor_rate: float
    communes: list[Commune] = field(default_factory=list)

    @property
    def in_words(self) -> str:
        return self.name[:1].lower() + self.name[1:]


def short(area: Area) -> str:
    name = area.short_name or area.name
    for prefix in ("Thành phố ", "Thị xã ", "Huyện ", "Thị trấn ", "Xã "):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def old_province() -> Area | None:
    """The pre-2025 Quảng Trị (code 45); the 2025 province has its own code."""
    found = Area.objects.filter(kind=Area.Kind.PROVINCE, code=PROVINCE_CODE)
    return (
        found.filter(valid_to=OLD_UNITS_END).first()
        or found.filter(valid_to__isnull=False).first()
        or found.first()
    )


def ensure_areas(*, log=print) -> Area:
    province = old_province()
    if province is None:
        from khuyenhoc.areas_loader import areas_load

        log("Nạp địa bàn Quảng Trị (trước 2025)...")
        areas_load(provinces=[PROVINCE_NAME])
        province = old_province()
    if province is None:
        raise CommandError("Không tìm thấy tỉnh Quảng Trị (mã 45) sau khi nạp địa bàn.")
    return province


def _villages(commune: Commune) -> list[str]:
    rnd = random_module.Random(f"villages-{commune.code}")
    if commune.urban:
        kind = "Khu phố" if commune.district.code == "461" else "Khối phố"
        count = rnd.randint(4, 9)
        return [f"{kind} {n}" for n in range(1, count + 1)]
    if commune.mountain:
        names = rnd.sample(MOUNTAIN_VILLAGES, 7)
        return [f"{'Bản' if rnd.random() < 0.4 else 'Thôn'} {n}" for n in names]
    named = [f"Thôn {n}" for n in rnd.sample(LOWLAND_VILLAGES, 5)]
    return named + [f"Thôn {n}" for n in range(1, rnd.randint(4, 8))]


MOUNTAIN_VILLAGES = [
    "Ra Ty",
    "A Xing",
    "Xa Re",
    "Tà Rùng",
    "Cợp",
    "A Pun",
    "Pa Tầng",
    "Ra Man",
    "Kỳ Nơi",
    "Pa Ling",
    "A Đeng",
    "Ka Lu",
    "Chùn",
    "Làng Cát",
    "Xa Bai",
    "A Sóc",
    "Ruộng",
    "Cù Bai",
    "Ba Lầy",
    "Pa Nho",
    "A Ho",
    "Tà Lang",
    "Ka Tiêng",
    "Vầng Kho",
    "Trỉa",
    "A Máy",
    "Pi Rao",
    "Húc Thượng",
    "Ta Nua",
]
LOWLAND_VILLAGES = [
    "An Xuân",
    "Tân Mỹ",
    "Đại Độ",
    "Tân Định",
    "Phước Thị",
    "An Hưng",
    "Hà Thanh",
    "Lâm Xuân",
    "Nhĩ Trung",
    "Mai Xá",
    "Bích La",
    "Phước Môn",
    "Thượng Phước",
    "Cát Sơn",
    "Tiên Mỹ",
    "Phú Hậu",
    "Long Hưng",
    "An Thái",
    "Hà Lộc",
    "Kim Long",
    "Xuân Mỹ",
    "Hội Yên",
    "Trà Lộc",
    "Thạch Hãn",
    "Lương Điền",
    "Ngô Xá",
    "Phú Kinh",
    "Văn Quỹ",
    "Câu Nhi",
    "Đơn Quế",
]


def quang_tri(*, province: Area) -> list[District]:
    """Districts of the old province with their communes, in code order."""
    districts: list[District] = []
    by_path: dict[str, District] = {}
    for area in Area.objects.filter(
        path__startswith=province.path, kind=Area.Kind.DISTRICT
    ).order_by("code"):
        weight, poor = DISTRICT_PROFILE.get(area.code, (5.0, 0.3))
        district = District(area.id, area.code, area.name, short(area), weight, poor)
        districts.append(district)
        by_path[area.path] = district
    communes = Area.objects.filter(path__startswith=province.path, kind=Area.Kind.COMMUNE)
    for area in communes.order_by("code"):
        district = next((d for p, d in by_path.items() if area.path.startswith(p)), None)
        if district is None:
            continue
        name = short(area)
        label = (area.unit_type or area.name).lower()
        van_kieu, pa_co = MINORITY_SHARE.get(name, (0.0, 0.0))
        commune = Commune(
            id=area.id,
            code=area.code,
            name=area.name,
            short_name=name,
            urban=label.startswith(("phường", "thị trấn")),
            district=district,
            van_kieu=van_kieu,
            pa_co=pa_co,
            coastal=name in COASTAL_COMMUNES,
            boarding=name in BOARDING_COMMUNES,
        )
        commune.villages = _villages(commune)
        district.communes.append(commune)
    return [d for d in districts if d.communes]
