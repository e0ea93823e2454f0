"""Duplicate students across the province: detection, the review queue's reads, and
the merge."""

from students.duplicates.detect import THRESHOLD, DetectResult, duplicates_detect

__all__ = ["THRESHOLD", "DetectResult", "duplicates_detect"]
