from celery import shared_task

from students.services import need_scores_recompute


@shared_task(acks_late=True)
def need_scores_recompute_task(school_ids: list[int] | None = None) -> int:
    return need_scores_recompute(school_ids=school_ids)
