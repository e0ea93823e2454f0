"""Vietnamese, Bru - Vân Kiều and Pa Cô (Tà Ôi) names as Quảng Trị schools write them."""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

T = TypeVar("T")


class Picker(Generic[T]):
    """Weighted choice from one uniform draw: faster than `Random.choices` in the hot
    loop, and the draw sequence stays the same from one Python version to the next."""

    __slots__ = ("_cum", "_items", "_total")

    def __init__(self, weighted: Sequence[tuple[T, float]]):
        self._items = [item for item, _w in weighted]
        self._cum = list(itertools.accumulate(w for _i, w in weighted))
        self._total = self._cum[-1]

    def __call__(self, random: Callable[[], float]) -> T:
        return self._items[bisect.bisect_right(self._cum, random() * self._total)]


def uniform(items: Sequence[T]) -> Picker[T]:
    return Picker([(item, 1.0) for item in items])


# Family names by their share in Vietnam (Quảng Trị has more Lê, Hồ and Võ than the
# national average).
KINH_FAMILY = Picker(
    [
        ("Nguyễn", 31),
        ("Lê", 14),
        ("Trần", 11),
        ("Hoàng", 5),
        ("Phan", 5),
        ("Võ", 5),
        ("Hồ", 4),
        ("Đặng", 2.2),
        ("Bùi", 2),
        ("Đỗ", 1.5),
        ("Ngô", 1.5),
        ("Dương", 1.2),
        ("Lý", 0.6),
        ("Huỳnh", 1),
        ("Phạm", 3),
        ("Trương", 1.2),
        ("Đoàn", 0.8),
        ("Mai", 0.7),
        ("Đinh", 0.7),
        ("Hà", 0.6),
        ("Cao", 0.6),
        ("Lương", 0.5),
        ("Văn", 0.5),
        ("Thái", 0.4),
        ("Tôn", 0.3),
        ("Châu", 0.3),
        ("Từ", 0.2),
    ]
)

KINH_MIDDLE = {
    "male": Picker(
        [
            ("Văn", 22),
            ("Đức", 8),
            ("Minh", 9),
            ("Quang", 7),
            ("Hữu", 6),
            ("Công", 5),
            ("Thanh", 4),
            ("Ngọc", 3),
            ("Anh", 3),
            ("Gia", 5),
            ("Bảo", 5),
            ("Đình", 4),
            ("Xuân", 3),
            ("Tuấn", 2),
            ("Hoàng", 3),
            ("Trọng", 3),
            ("Nhật", 3),
            ("Thành", 2),
            ("Duy", 2),
            ("Khánh", 2),
        ]
    ),
    "female": Picker(
        [
            ("Thị", 30),
            ("Ngọc", 8),
            ("Thu", 5),
            ("Thanh", 5),
            ("Minh", 4),
            ("Bảo", 4),
            ("Khánh", 4),
            ("Phương", 3),
            ("Hoài", 3),
            ("Mỹ", 3),
            ("Kim", 3),
            ("Diệu", 2),
            ("Quỳnh", 2),
            ("Gia", 3),
            ("Thảo", 2),
            ("Hải", 2),
            ("Như", 3),
            ("Tường", 2),
            ("Lê Thị", 1),
        ]
    ),
}

KINH_GIVEN = {
    "male": uniform(
        [
            "An",
            "Anh",
            "Bảo",
            "Bình",
            "Cường",
            "Công",
            "Chiến",
            "Dũng",
            "Duy",
            "Đạt",
            "Đức",
            "Định",
            "Giang",
            "Hải",
            "Hào",
            "Hậu",
            "Hiếu",
            "Hiển",
            "Hoàng",
            "Huy",
            "Hùng",
            "Hưng",
            "Khang",
            "Khánh",
            "Khoa",
            "Khôi",
            "Kiên",
            "Lâm",
            "Long",
            "Lộc",
            "Lợi",
            "Luân",
            "Mạnh",
            "Minh",
            "Nam",
            "Nghĩa",
            "Nguyên",
            "Nhân",
            "Nhật",
            "Phát",
            "Phong",
            "Phúc",
            "Phước",
            "Quân",
            "Quang",
            "Quốc",
            "Quý",
            "Sang",
            "Sơn",
            "Tài",
            "Tâm",
            "Tân",
            "Thái",
            "Thắng",
            "Thành",
            "Thiện",
            "Thịnh",
            "Thông",
            "Tiến",
            "Toàn",
            "Trí",
            "Trung",
            "Trường",
            "Tuấn",
            "Tùng",
            "Vinh",
            "Việt",
            "Vũ",
            "Vương",
            "Kiệt",
            "Khải",
            "Hiệp",
            "Hòa",
            "Lực",
            "Nhân",
            "Tín",
            "Tú",
            "Sỹ",
        ]
    ),
    "female": uniform(
        [
            "An",
            "Anh",
            "Ánh",
            "Bích",
            "Châu",
            "Chi",
            "Diễm",
            "Diệp",
            "Dung",
            "Duyên",
            "Giang",
            "Hà",
            "Hạnh",
            "Hằng",
            "Hiền",
            "Hoa",
            "Hòa",
            "Hồng",
            "Huệ",
            "Hương",
            "Huyền",
            "Khánh",
            "Lan",
            "Liên",
            "Linh",
            "Loan",
            "Ly",
            "Mai",
            "My",
            "Mỹ",
            "Nga",
            "Ngân",
            "Ngọc",
            "Nguyệt",
            "Nhi",
            "Nhung",
            "Oanh",
            "Phương",
            "Phượng",
            "Quyên",
            "Quỳnh",
            "Tâm",
            "Thanh",
            "Thảo",
            "Thư",
            "Thủy",
            "Trang",
            "Trâm",
            "Trinh",
            "Tú",
            "Tuyết",
            "Uyên",
            "Vân",
            "Vi",
            "Xuân",
            "Yến",
            "Hân",
            "Na",
            "Như",
            "Ngà",
            "Thắm",
            "Sương",
            "Lài",
            "Thương",
        ]
    ),
}

# Bru - Vân Kiều families mostly took "Hồ"; given names mix Bru and Vietnamese words.
VAN_KIEU_FAMILY = Picker(
    [
        ("Hồ", 62),
        ("Lê", 7),
        ("Nguyễn", 5),
        ("Hoàng", 4),
        ("Pả", 3),
        ("Kray", 2),
        ("Ăm", 2),
        ("Rơ", 1),
        ("Quỳnh", 2),
        ("Vi", 1),
        ("Y", 1),
    ]
)
VAN_KIEU_GIVEN = {
    "male": uniform(
        [
            "Lăng",
            "Pỏi",
            "Xôm",
            "Chuôl",
            "Bốn",
            "Ta",
            "Lin",
            "Cu",
            "Rông",
            "Ka",
            "Vin",
            "A",
            "Chon",
            "Sa",
            "Nin",
            "Loan",
            "Thiết",
            "Prông",
            "Hiên",
            "Ra",
            "Pát",
            "Ba",
            "Lây",
            "Kiêng",
            "Vàng",
            "Xinh",
            "Cường",
            "Dũng",
            "Tâm",
            "Nhất",
            "Thắng",
            "Hùng",
            "Phước",
            "Tuân",
            "Kiên",
            "Bun",
            "Pha",
            "Ly",
            "Ngọc",
            "Tùng",
            "Xi",
            "Nâu",
        ]
    ),
    "female": uniform(
        [
            "Mây",
            "Pín",
            "Xiêng",
            "Lây",
            "Y",
            "Phương",
            "A",
            "Chon",
            "Nguyệt",
            "Tuyết",
            "Kiều",
            "Hoa",
            "Bông",
            "Xuyến",
            "Ngọc",
            "Lan",
            "Thuý",
            "Chăm",
            "Liên",
            "Xin",
            "Ka",
            "Na",
            "Pi",
            "Nây",
            "Mai",
            "Hằng",
            "Nga",
            "Yến",
            "Mơ",
            "Pía",
            "Ra",
            "Chưi",
            "Lanh",
            "Ly",
        ]
    ),
}
PA_CO_FAMILY = Picker(
    [
        ("Hồ", 40),
        ("Kăn", 12),
        ("Căn", 8),
        ("Pả", 7),
        ("Ăm", 5),
        ("Pi", 4),
        ("Vỗ", 4),
        ("Quỳnh", 3),
        ("Nguyễn", 4),
        ("Lê", 4),
        ("A Viết", 3),
        ("Hôih", 2),
        ("Coonh", 1),
    ]
)
PA_CO_GIVEN = {
    "male": uniform(
        [
            "A",
            "Lăng",
            "Tiêm",
            "Bôn",
            "Vân",
            "Bấp",
            "Đủ",
            "Chiến",
            "Thơ",
            "Pai",
            "Xứ",
            "Crao",
            "Đớt",
            "Lanh",
            "Hiên",
            "Sung",
            "Cu",
            "Tâm",
            "Ra",
            "Dũng",
            "Kon",
            "Hòa",
            "Pất",
            "Tuấn",
            "Hoàng",
            "Ây",
            "Đại",
            "Nhiên",
        ]
    ),
    "female": uniform(
        [
            "Thị",
            "Lý",
            "Hiên",
            "Xuyến",
            "Lai",
            "Mơ",
            "Bích",
            "Duyên",
            "Nai",
            "Pía",
            "Ti",
            "Ánh",
            "Hạnh",
            "Thơm",
            "Viên",
            "Chanh",
            "Nhân",
            "Cha",
            "Rao",
            "Hồng",
            "Nghe",
            "Thủy",
            "Lanh",
            "Quý",
            "Phên",
        ]
    ),
}
# Given names written with "Thị"/"Văn" after the family name, or bare (Hồ Xi Ma).
MINORITY_MIDDLE = {
    "male": Picker([("Văn", 75), ("", 20), ("A", 5)]),
    "female": Picker([("Thị", 80), ("", 15), ("Y", 5)]),
}

VAN_KIEU = "23"
PA_CO = "31"


def person_name(
    *, ethnicity: str, gender: str, random: Callable[[], float], family: str = ""
) -> tuple[str, str]:
    """(family name, the rest). A given `family` (the father's) is kept."""
    if ethnicity == VAN_KIEU:
        family = family or VAN_KIEU_FAMILY(random)
        given = VAN_KIEU_GIVEN[gender](random)
    elif ethnicity == PA_CO:
        family = family or PA_CO_FAMILY(random)
        given = PA_CO_GIVEN[gender](random)
    else:
        family = family or KINH_FAMILY(random)
        middle = KINH_MIDDLE[gender](random)
        if random() < 0.12:  # "Nguyễn Thị Thu Hà": two middle names
            middle = f"{middle} {KINH_MIDDLE[gender](random)}"
        given = KINH_GIVEN[gender](random)
        if middle.endswith(given):
            middle = "Văn" if gender == "male" else "Thị"
        return family, f"{middle} {given}"
    middle = MINORITY_MIDDLE[gender](random)
    return family, f"{middle} {given}" if middle else given
