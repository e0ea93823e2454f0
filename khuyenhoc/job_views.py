from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from khuyenhoc.access import get_for_user_or_404
from khuyenhoc.models import Job


@login_required
def job_detail(request, pk: int):
    """The job's progress bar; HTMX polls it until the job ends, then follows the
    job's result link. Only the job's owner may see it."""
    job = get_for_user_or_404(Job, request.user, pk=pk)
    # A failed job's result names the page that explains the failure (jobs.job_run's
    # on_fail), if it has one.
    done_url = job.result.get("url") if job.state in (Job.State.DONE, Job.State.FAILED) else None
    if done_url and not request.htmx:
        # Finished before the page opened (always so when jobs run in-process).
        return redirect(done_url)
    template = "jobs/_progress.html" if request.htmx else "jobs/job_detail.html"
    response = render(request, template, {"job": job})
    if done_url:
        response["HX-Redirect"] = done_url
    return response
