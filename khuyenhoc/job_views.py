from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from khuyenhoc.access import get_for_user_or_404
from khuyenhoc.models import Job


@login_required
def job_detail(request, pk: int):
    """The job's progress bar; HTMX polls it until the job ends, then follows the
    job's result link. Only the job's owner may see it."""
    job = get_for_user_or_404(Job, request.user, pk=pk)
    template = "jobs/_progress.html" if request.htmx else "jobs/job_detail.html"
    response = render(request, template, {"job": job})
    if request.htmx and job.state == Job.State.DONE and job.result.get("url"):
        response["HX-Redirect"] = job.result["url"]
    return response
