import json
import time

from django.core.management.base import BaseCommand

from students.history_baseline import history_baseline


class Command(BaseCommand):
    help = (
        "Ghi ảnh chụp hiện tại (mốc lịch sử) của các hồ sơ, hoàn cảnh, phụ huynh chưa có lịch sử "
        "(nạp bằng seed_demo hoặc từ trước khi bắt đầu ghi lịch sử), để lần sửa đầu tiên cũng "
        "hiện được giá trị cũ → mới. Chạy lại không ghi thêm gì. Dòng cuối là bản tóm tắt JSON."
    )

    def handle(self, *args, **options):
        started = time.perf_counter()
        counts = history_baseline()
        counts["seconds"] = round(time.perf_counter() - started, 2)
        self.stdout.write(json.dumps(counts))
