"""`make bench`: every benchmark, each printing measured figures and ratios against
its named anchor, measured in the same run."""

from __future__ import annotations

import sys

from bench import import_students


def main() -> int:
    which = sys.argv[1:] or ["import"]
    if "import" in which:
        import_students.main()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
