"""Jobs of the record: the need scores recomputed (nightly by Celery beat, and after a
school year starts)."""

from __future__ import annotations

from celery import shared_task

from students.record.services import need_scores_recompute


@shared_task(acks_late=True)
def need_scores_recompute_task(school_ids: list[int] | None = None) -> int:
    return need_scores_recompute(school_ids=school_ids)
