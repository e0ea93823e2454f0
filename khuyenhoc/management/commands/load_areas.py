from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from khuyenhoc.areas_loader import AreasLoadError, AreasLoadResult, areas_load

KIND_LABELS = {
    "province": "Tỉnh/thành phố",
    "district": "Quận/huyện/thị xã",
    "commune": "Xã/phường/thị trấn/đặc khu",
}


class Command(BaseCommand):
    help = (
        "Nạp danh mục đơn vị hành chính (63 tỉnh cũ với quận/huyện, xã/phường; 34 tỉnh "
        "từ 01/07/2025 với xã/phường) và bảng sáp nhập xã cũ → xã mới. Chạy lại không "
        "thay đổi gì."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--province",
            action="append",
            dest="provinces",
            metavar="TÊN_HOẶC_MÃ",
            help="Tỉnh/thành phố (tên hoặc mã, cũ hoặc mới); lặp lại được. Mặc định: cả nước.",
        )

    def handle(self, *args, provinces: list[str] | None = None, **options):
        started = time.perf_counter()
        try:
            result = areas_load(provinces=provinces)
        except AreasLoadError as error:
            raise CommandError(str(error)) from error
        self._report(result=result, seconds=time.perf_counter() - started)

    def _report(self, *, result: AreasLoadResult, seconds: float) -> None:
        write = self.stdout.write
        if len(result.provinces) <= 3:
            write(
                f"Đã nạp: {', '.join(result.provinces)} "
                f"(gồm các tỉnh cũ: {', '.join(result.old_provinces)})."
            )
        else:
            write(
                f"Đã nạp {len(result.provinces)} tỉnh/thành phố mới "
                f"và {len(result.old_provinces)} tỉnh/thành phố cũ."
            )
        write(f"{'':28}{'thêm mới':>10}{'cập nhật':>10}{'không đổi':>11}")
        rows = [(KIND_LABELS[kind], counts) for kind, counts in result.areas.items()]
        rows.append(("Sáp nhập (xã cũ → xã mới)", result.successions))
        for label, counts in rows:
            write(f"{label:28}{counts.created:>10}{counts.updated:>10}{counts.unchanged:>11}")
        if result.misplaced:
            write(
                self.style.WARNING(
                    f"{len(result.misplaced)} địa bàn đã có sẵn ở chỗ khác trong cây, "
                    "giữ nguyên vị trí: " + "; ".join(result.misplaced[:10])
                )
            )
        status = "Đã cập nhật" if result.changed else "Không có gì thay đổi"
        write(self.style.SUCCESS(f"{status}. Thời gian: {seconds:.1f} giây."))
