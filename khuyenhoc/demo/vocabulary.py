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

# Support handed out: who gives (the province's sponsors; "{district}" and "{school}"
# stand for the student's own), and what, with the amounts usually given (đồng).
SUPPORT_GIVERS = Picker(
    [
        ("Hội Khuyến học {district}", 24),
        ("Hội Khuyến học tỉnh Quảng Trị", 14),
        ("Ban đại diện cha mẹ học sinh {school}", 8),
        ("Công ty Điện lực Quảng Trị", 6),
        ("Viettel Quảng Trị", 5),
        ("Agribank Chi nhánh tỉnh Quảng Trị", 5),
        ("Vietcombank Chi nhánh Quảng Trị", 4),
        ("Quỹ Bảo trợ trẻ em tỉnh Quảng Trị", 6),
        ("Hội Chữ thập đỏ tỉnh Quảng Trị", 5),
        ("Tỉnh Đoàn Quảng Trị", 4),
        ("Báo Tuổi Trẻ (Tiếp sức đến trường)", 3),
        ("Hội đồng hương Quảng Trị tại TP Hồ Chí Minh", 3),
        ("Công ty CP Cao su Quảng Trị", 2),
        ("Mạnh thường quân", 4),
    ]
)
# kind -> (description, amount, quantity) choices; amount None = a gift in kind
# recorded without its value.
SUPPORT_ITEMS = {
    "scholarship": Picker(
        [
            (("Học bổng Khuyến học", 500_000, None), 5),
            (("Học bổng Khuyến học", 1_000_000, None), 6),
            (("Học bổng “Tiếp bước đến trường”", 1_500_000, None), 4),
            (("Học bổng vượt khó học giỏi", 2_000_000, None), 3),
            (("Học bổng “Vì em hiếu học”", 3_000_000, None), 1.5),
            (("Học bổng Vừ A Dính", 5_000_000, None), 0.5),
        ]
    ),
    "bicycle": Picker(
        [
            (("Xe đạp (chương trình “Tiếp bước đến trường”)", 1_800_000, 1), 5),
            (("Xe đạp", 2_200_000, 1), 3),
            (("Xe đạp", None, 1), 2),
        ]
    ),
    "books": Picker(
        [
            (("Bộ sách giáo khoa", 350_000, 1), 4),
            (("Vở viết", 150_000, 20), 4),
            (("Vở viết", None, 10), 2),
        ]
    ),
    "school_supplies": Picker(
        [
            (("Bút, thước, hộp màu", 120_000, None), 3),
            (("Bộ đồ dùng học tập (bút, thước, compa)", 200_000, None), 3),
            (("Máy tính cầm tay", 350_000, 1), 1),
        ]
    ),
    "clothes": Picker(
        [
            (("Cặp sách", 250_000, 1), 4),
            (("Áo ấm mùa đông", 300_000, 1), 3),
            (("Quần áo đồng phục", None, 2), 2),
        ]
    ),
    "tuition": Picker(
        [
            (("Hỗ trợ học phí học kỳ I", 1_000_000, None), 3),
            (("Hỗ trợ học phí cả năm", 2_400_000, None), 2),
        ]
    ),
    "health_insurance": Picker([(("Thẻ bảo hiểm y tế học sinh", 884_520, 1), 1)]),
    "cash": Picker(
        [
            (("Quà Tết", 500_000, None), 5),
            (("Quà Trung thu", 300_000, None), 3),
            (("Quà Tết", 1_000_000, None), 2),
        ]
    ),
    "other": Picker(
        [
            (("Hỗ trợ sửa chữa nhà ở sau bão lũ", 3_000_000, None), 1),
            (("Gạo 20 kg", None, None), 2),
            (("Suất ăn bán trú", 600_000, None), 1),
        ]
    ),
}
# kind by school level ("primary", "lower", "upper"), as the programmes give them.
SUPPORT_KINDS = {
    "primary": Picker(
        [
            ("scholarship", 25),
            ("books", 22),
            ("school_supplies", 15),
            ("clothes", 14),
            ("cash", 14),
            ("health_insurance", 5),
            ("other", 5),
        ]
    ),
    "lower": Picker(
        [
            ("scholarship", 34),
            ("bicycle", 18),
            ("books", 12),
            ("school_supplies", 8),
            ("clothes", 8),
            ("cash", 12),
            ("health_insurance", 5),
            ("other", 3),
        ]
    ),
    "upper": Picker(
        [
            ("scholarship", 40),
            ("bicycle", 12),
            ("tuition", 15),
            ("books", 5),
            ("cash", 15),
            ("health_insurance", 8),
            ("other", 5),
        ]
    ),
}
SUPPORT_NOTES = ["Nhận tại trường", "Trao tại lễ khai giảng", "Trao tại hội nghị tổng kết"]
