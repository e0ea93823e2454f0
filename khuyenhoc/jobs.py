"""Running long work as Celery jobs that report progress to the browser.

A job row is created in the request, the task is enqueued when the transaction
commits, and the worker reports progress by updating the row outside any long
transaction, so the polling page sees it move. Without a broker (the demo) the task
runs in-process and the page shows the finished result.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from khuyenhoc.models import Job

logger = logging.getLogger(__name__)


def job_create(*, owner, kind: str, total: int = 0, message: str = "") -> Job:
    return Job.objects.create(owner=owner, kind=kind, progress_total=total, message=message)


def job_enqueue(*, job: Job, task, args: tuple = ()) -> None:
    """Send the task once the surrounding transaction commits (the job row exists)."""
    transaction.on_commit(lambda: task.delay(job.pk, *args))


def job_start(*, job_id: int) -> Job | None:
    """Mark a job running. Returns None when it already finished (a redelivered task
    after acks_late must not run twice)."""
    updated = Job.objects.filter(pk=job_id, state__in=[Job.State.QUEUED, Job.State.RUNNING]).update(
        state=Job.State.RUNNING, started_at=timezone.now()
    )
    return Job.objects.get(pk=job_id) if updated else None


def job_progress(
    *, job_id: int, done: int, total: int | None = None, message: str | None = None
) -> None:
    fields: dict = {"progress_done": done}
    if total is not None:
        fields["progress_total"] = total
    if message is not None:
        fields["message"] = message[:255]
    Job.objects.filter(pk=job_id).update(**fields)


def job_finish(*, job_id: int, result: dict, message: str = "") -> None:
    Job.objects.filter(pk=job_id).update(
        state=Job.State.DONE, result=result, message=message[:255], finished_at=timezone.now()
    )


def job_fail(*, job_id: int, error: str, result: dict | None = None) -> None:
    fields: dict = {"state": Job.State.FAILED, "error": error, "finished_at": timezone.now()}
    if result is not None:
        fields["result"] = result
    Job.objects.filter(pk=job_id).update(**fields)


UNEXPECTED = (
    "Có lỗi ngoài dự kiến khi xử lý. Lỗi đã được ghi lại cho quản trị viên; hãy thử lại sau."
)


def job_run(
    *,
    job_id: int,
    work: Callable[[Job], dict],
    on_fail: Callable[[str, bool], dict | None] | None = None,
) -> dict | None:
    """Run `work(job)` for a job: start, finish with its result, or record the failure
    in words the user can read. Expected failures raise JobError with that message.

    `on_fail(message, unexpected)` runs after any failure, so that the object the job
    worked on does not stay "in progress": it gets the user's message and whether the
    failure was a surprise (a bug, a lost connection) rather than a JobError. What it
    returns (e.g. {"url": ...}, the page that explains the failure) becomes the job's
    result. A failure of the callback itself is logged and does not hide the job's."""
    job = job_start(job_id=job_id)
    if job is None:
        return None
    try:
        result = work(job)
    except JobError as exc:
        _job_failed(job=job, error=str(exc), unexpected=False, on_fail=on_fail)
        return None
    except Exception:
        # Logged for the administrators; the user reads a plain message, and the
        # worker (or the request, when the job runs in-process) carries on.
        logger.exception("job %s (%s) failed", job_id, job.kind)
        _job_failed(job=job, error=UNEXPECTED, unexpected=True, on_fail=on_fail)
        return None
    job_finish(job_id=job_id, result=result, message=result.get("message", ""))
    return result


def _job_failed(*, job: Job, error: str, unexpected: bool, on_fail) -> None:
    result = None
    if on_fail is not None:
        try:
            result = on_fail(error, unexpected)
        except Exception:
            logger.exception("job %s (%s): its failure callback failed", job.pk, job.kind)
    job_fail(job_id=job.pk, error=error, result=result)


class JobError(Exception):
    """A failure whose message is meant for the user (in Vietnamese)."""
