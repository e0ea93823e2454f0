"""`make bench`: every benchmark, each printing measured figures and ratios against
its named anchor, measured in the same run."""

from __future__ import annotations

import sys

from bench import duplicates, import_students, student_list


def main() -> int:
    which = sys.argv[1:] or ["import", "duplicates", "list"]
    if "import" in which:
        import_students.main()
    if "duplicates" in which:
        duplicates.main()
    if "list" in which:
        student_list.main()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
