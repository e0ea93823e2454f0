from __future__ import annotations

from django.core.management.base import BaseCommand

from students.duplicates import THRESHOLD, duplicates_detect


class Command(BaseCommand):
    help = (
        "Tìm học sinh có thể trùng trong toàn tỉnh (họ tên gần giống, cùng ngày sinh hoặc "
        "đảo ngày/tháng, cùng năm sinh khi chỉ ghi năm, phụ huynh, xã). Các cặp có điểm "
        f"từ {THRESHOLD} trở lên, và mọi cặp cùng họ tên, cùng ngày sinh trong một huyện, vào "
        "hàng chờ xem xét; cặp đã quyết định giữ nguyên; cặp chờ không còn thấy vẫn ở lại."
    )

    def handle(self, *args, **options):
        def progress(done: int, total: int, message: str) -> None:
            if options["verbosity"] >= 2:
                self.stdout.write(f"  [{done}/{total}] {message}")

        result = duplicates_detect(progress=progress)
        self.stdout.write(
            f"Học sinh: {result.students}; cặp được so sánh: {result.candidates}; "
            f"cặp có thể trùng: {result.found} ({result.new} mới, {result.missing} cặp chờ "
            f"không còn thấy, vẫn giữ để xem xét). Thời gian: {result.seconds:.1f} giây."
        )
