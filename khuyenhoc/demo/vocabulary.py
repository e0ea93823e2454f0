"""What the generated students draw from: shares of ethnic groups, occupations,
difficulties, wishes, statuses and the words schools use for them."""

from __future__ import annotations

from khuyenhoc.demo.names import Picker

# ĐBKK students per grade fall a little as pupils drop out.
GRADE_WEIGHT = {g: 1.0 if g <= 5 else 0.95 if g <= 9 else 0.75 for g in range(1, 13)}
OTHER_ETHNICITIES = Picker(
    [("06", 3), ("04", 2), ("03", 2), ("02", 1.5), ("07", 1), ("26", 1.5), ("44", 1), ("05", 0.5)]
)
PERSONAL_ID_PREFIX = Picker(
    [("045", 88), ("044", 4), ("046", 3), ("048", 1.5), ("079", 1.5), ("001", 1), ("038", 1)]
)
PHONE_PREFIX = Picker(
    [
        ("091", 10),
        ("094", 8),
        ("096", 8),
        ("097", 10),
        ("098", 9),
        ("090", 5),
        ("093", 4),
        ("032", 6),
        ("033", 5),
        ("034", 4),
        ("035", 4),
        ("036", 3),
        ("037", 4),
        ("038", 3),
        ("039", 4),
        ("081", 3),
        ("084", 3),
        ("086", 3),
        ("077", 2),
        ("070", 2),
    ]
)
OCCUPATION = {
    "urban": Picker(
        [
            ("Buôn bán nhỏ", 25),
            ("Lao động tự do", 25),
            ("Làm thuê", 20),
            ("Công nhân", 14),
            ("Bốc vác", 5),
            ("Chạy xe ôm", 5),
            ("Thợ xây", 6),
            ("Nội trợ", 4),
            ("Không có việc làm ổn định", 4),
        ]
    ),
    "rural": Picker(
        [
            ("Làm nông", 42),
            ("Làm thuê", 25),
            ("Buôn bán nhỏ", 7),
            ("Lao động tự do", 8),
            ("Công nhân", 6),
            ("Thợ xây", 5),
            ("Nội trợ", 4),
            ("Trồng rừng", 3),
        ]
    ),
    "coastal": Picker(
        [
            ("Ngư dân", 35),
            ("Làm thuê", 20),
            ("Buôn bán nhỏ", 15),
            ("Làm nông", 15),
            ("Chế biến hải sản", 8),
            ("Lao động tự do", 7),
        ]
    ),
    "mountain": Picker(
        [
            ("Làm rẫy", 45),
            ("Làm nông", 25),
            ("Làm thuê", 22),
            ("Trồng rừng", 5),
            ("Không có việc làm ổn định", 3),
        ]
    ),
    "old": Picker(
        [("Già yếu, không có việc làm", 40), ("Làm nông", 35), ("Làm thuê", 15), ("Nội trợ", 10)]
    ),
}
OTHER_DIFFICULTIES = [
    "Bố bị bệnh hiểm nghèo (ung thư), mất khả năng lao động",
    "Mẹ bị tai biến, nằm một chỗ, cần người chăm sóc",
    "Bố mẹ ly hôn, em ở với mẹ, kinh tế rất khó khăn",
    "Nhà bị hư hỏng nặng trong đợt lũ lụt lịch sử năm 2020",
    "Nhà ở tạm bợ, xuống cấp, mùa mưa bị dột",
    "Gia đình đông con, bố mẹ làm thuê, thu nhập thấp",
    "Bố đang chấp hành án phạt tù",
    "Bố bị tai nạn lao động, không đi làm được",
    "Mẹ bị bệnh tâm thần, không có khả năng lao động",
    "Bố mẹ đi làm ăn xa, em ở với ông bà già yếu",
    "Anh trai bị suy thận, phải chạy thận định kỳ",
    "Gia đình bị thiệt hại nặng do bão số 6 năm 2024",
    "Bố nghiện rượu, không lo cho gia đình",
    "Mẹ đơn thân nuôi ba con nhỏ",
]
COASTAL_DIFFICULTIES = [
    "Bố là ngư dân, tàu cá bị chìm, gia đình mất phương tiện sinh kế",
    "Bố mất tích khi đi biển năm 2022",
]
MOUNTAIN_DIFFICULTIES = [
    "Gia đình thiếu đất sản xuất, thường xuyên thiếu ăn lúc giáp hạt",
    "Nhà xa trường hơn 5 km, phải lội suối đi học",
    "Nhà chưa có điện lưới, em học bài dưới đèn dầu",
]
DISABILITY_TYPE = Picker(
    [
        ("mobility", 30),
        ("intellectual", 25),
        ("hearing_speech", 15),
        ("vision", 10),
        ("mental", 12),
        ("other", 8),
    ]
)
DISABILITY_TEXT = {
    "mobility": "khuyết tật vận động",
    "intellectual": "khuyết tật trí tuệ",
    "hearing_speech": "khuyết tật nghe, nói",
    "vision": "khuyết tật nhìn",
    "mental": "khuyết tật thần kinh, tâm thần",
    "other": "khuyết tật",
}
DISABILITY_LEVEL = Picker([("mild", 50), ("severe", 35), ("extremely_severe", 15)])
LEVEL_TEXT = {"mild": "nhẹ", "severe": "nặng", "extremely_severe": "đặc biệt nặng"}
ORPHAN_LABEL = Picker([("father", 55), ("mother", 30), ("both", 15)])
CARER = Picker(
    [
        (("grandparent", "ông bà nội"), 35),
        (("grandparent", "ông bà ngoại"), 25),
        (("relative", "bác"), 8),
        (("relative", "chú"), 6),
        (("relative", "cô"), 6),
        (("relative", "dì"), 5),
        (("sibling", "anh chị"), 10),
        (("guardian", "người giám hộ"), 5),
    ]
)
STATUS = Picker(
    [
        ("studying", 955),
        ("transferred", 12),
        ("dropped_out", 15),
        ("not_eligible", 10),
        ("graduated", 7),
        ("deceased", 0.3),
    ]
)
STATUS_REASONS = {
    "transferred": ["Chuyển trường theo gia đình", "Gia đình chuyển nơi ở"],
    "dropped_out": [
        "Nghỉ học đi làm thuê phụ giúp gia đình",
        "Gia đình chuyển vào Nam làm ăn, em nghỉ học",
        "Học lực yếu, em tự ý bỏ học",
    ],
    "not_eligible": ["Gia đình đã thoát nghèo", "Hoàn cảnh gia đình đã ổn định"],
    "graduated": ["Hoàn thành chương trình cấp học"],
    "deceased": ["Tai nạn đuối nước"],
}
WISH_RATES = {
    "primary": [
        ("scholarship", 0.3),
        ("bicycle", 0.15),
        ("books", 0.7),
        ("health_insurance", 0.1),
        ("clothes", 0.5),
    ],
    "lower": [
        ("scholarship", 0.5),
        ("bicycle", 0.55),
        ("books", 0.45),
        ("health_insurance", 0.1),
        ("clothes", 0.2),
    ],
    "upper": [
        ("scholarship", 0.7),
        ("bicycle", 0.35),
        ("books", 0.2),
        ("tuition", 0.35),
        ("health_insurance", 0.15),
    ],
}
WISH_NOTES = [
    "Hỗ trợ sửa chữa nhà ở",
    "Máy tính để học trực tuyến",
    "Hỗ trợ chi phí khám chữa bệnh",
    "Áo ấm mùa đông",
    "Hỗ trợ tiền ăn bán trú",
]
LETTERS = Picker([("A", 30), ("B", 27), ("C", 20), ("D", 13), ("E", 6), ("G", 4)])
