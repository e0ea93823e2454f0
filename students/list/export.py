"""The student list's selection written to the canonical .xlsx (the job is in
students/list/tasks.py): where the file goes, its title in words, the writing."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from students.collection.template import students_export_write

PROGRESS_EVERY = 2000  # rows between two progress updates


def export_path(job_id: int) -> Path:
    return Path(settings.MEDIA_ROOT) / "exports" / f"hoc-sinh-{job_id}.xlsx"


def filter_title(filterset) -> str:
    """The selection in words, for the file's heading and the access log: "Huyện Gio
    Linh; Hoàn cảnh: Hộ nghèo; tìm “nguyen”"."""
    if not filterset.is_bound or not filterset.form.is_valid():
        return "Danh sách học sinh"
    parts = []
    data = filterset.form.cleaned_data
    for name, field in filterset.form.fields.items():
        value = data.get(name)
        if name in ("o", "q") or value in (None, ""):
            continue
        label = value.name if hasattr(value, "name") else dict(field.choices).get(value, value)
        parts.append(str(label) if name in ("area", "school") else f"{field.label}: {label}")
    if data.get("q"):
        parts.append(f"tìm “{data['q']}”")
    return "; ".join(parts) or "Danh sách học sinh"


def students_export_write_progress(*, queryset, path, title: str, progress) -> int:
    """students/collection/template.py's students_export_write (the canonical writer of
    workbook.py: one sheet per school, schools by name, students by class and name,
    communes with their unit, formula-like text inert), reporting `progress(rows
    written)` every PROGRESS_EVERY rows."""
    return students_export_write(
        queryset=queryset,
        path=path,
        title=title,
        progress=progress,
        progress_every=PROGRESS_EVERY,
    )
