"""Pages of the academic-results upload: the form, the preview of a read file and
its confirmation. Thin: parse the request, call a service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from khuyenhoc.models import Job, School
from students.collection.files import FileRejected
from students.models import Student
from students.results.forms import ResultsUploadForm
from students.results.services import (
    MATCHED_FIELDS,
    PREVIEW_KIND,
    preview_job_get,
    schools_for_results,
)
from students.results.tasks import results_confirm_start, results_upload_start

# Rows shown on the preview; the counts always cover the whole file.
MATCHED_SHOWN = 200
ISSUES_SHOWN = 1000


@login_required
def results_upload(request):
    form = ResultsUploadForm(request.POST or None, request.FILES or None, user=request.user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                job = results_upload_start(
                    user=request.user,
                    school=form.cleaned_data["school"],
                    school_year=form.cleaned_data["school_year"],
                    upload=form.cleaned_data["file"],
                )
            except FileRejected as error:
                form.add_error("file", str(error))
            else:
                return redirect("job-detail", pk=job.pk)
        status = 400
    recent = list(
        Job.objects.for_user(request.user)
        .filter(kind=PREVIEW_KIND)
        .only("pk", "state", "created_at", "result", "error")[:10]
    )
    names = dict(
        schools_for_results(user=request.user)
        .filter(pk__in={j.result.get("school_id") for j in recent})
        .values_list("pk", "name")
    )
    for job in recent:
        job.school_name = names.get(job.result.get("school_id"), "")
    context = {
        "form": form,
        "recent": recent,
        "can_upload": form.fields["school"].queryset.exists(),
    }
    return render(request, "students/results/upload.html", context, status=status)


@login_required
def results_preview(request, pk: int):
    job = preview_job_get(user=request.user, pk=pk)
    data = job.result
    matched = [dict(zip(MATCHED_FIELDS, r, strict=True)) for r in data["matched"]]
    checks = dict(data.get("checks", []))
    for r in matched:
        r["check"] = checks.get(r["row"], "")
    # Rows to check first, then changes: they are what the person confirms.
    order = {"changed": 0, "new": 1, "same": 2}
    shown = sorted(matched, key=lambda r: (not r["check"], order[r["change"]], r["row"]))[
        :MATCHED_SHOWN
    ]
    students = {
        s["pk"]: s
        for s in Student.objects.for_user(request.user)
        .filter(pk__in=[r["student"] for r in shown])
        .values("pk", "full_name", "class_name", "birth_date", "birth_year")
    }
    for r in shown:
        r["record"] = students.get(r["student"])
    apply_job = data.get("apply_job")
    context = {
        "job": job,
        "data": data,
        "school": School.objects.select_related("commune").get(pk=data["school_id"]),
        "year_display": f"{data['school_year']}-{data['school_year'] + 1}",
        "matched_shown": shown,
        "matched_more": len(matched) - len(shown),
        "checks_count": len(checks),
        "unmatched": data["unmatched"][:ISSUES_SHOWN],
        "errors": [
            {"row": e[0], "column": e[1], "message": e[2], "fix": e[3]}
            for e in data["errors"][:ISSUES_SHOWN]
        ],
        "issues_more": max(0, len(data["unmatched"]) - ISSUES_SHOWN)
        + max(0, len(data["errors"]) - ISSUES_SHOWN),
        "applied": data.get("applied"),
        "applying": bool(apply_job) and not data.get("applied"),
        "apply_job": apply_job,
        "can_confirm": not apply_job and bool(matched),
    }
    return render(request, "students/results/preview.html", context)


@login_required
@require_POST
def results_confirm(request, pk: int):
    job = preview_job_get(user=request.user, pk=pk)
    try:
        apply_job = results_confirm_start(user=request.user, preview=job)
    except FileRejected as error:
        messages.error(request, str(error))
        return redirect("results:preview", pk=job.pk)
    return redirect("job-detail", pk=apply_job.pk)
