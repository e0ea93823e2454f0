"""Export of the student list's selection: start the job, then fetch its file (owner
only; every download goes into the personal data access log)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from khuyenhoc.audit import Action, personal_data_access_log, students_what
from khuyenhoc.models import Job
from students.export import export_path, student_export_start


@login_required
@require_POST
def student_export(request):
    job = student_export_start(user=request.user, query=request.POST.get("query", ""))
    return redirect("job-detail", pk=job.pk)


@login_required
def student_export_download(request, job_id: int):
    job = Job.objects.filter(
        pk=job_id, owner=request.user, kind="student_export", state=Job.State.DONE
    ).first()
    path = export_path(job_id)
    if job is None or not path.exists():
        raise Http404
    rows = job.result.get("rows")
    personal_data_access_log(
        user=request.user,
        action=Action.LIST_EXPORTED,
        what=students_what(job.result.get("title") or "Danh sách học sinh theo bộ lọc", rows),
        rows=rows,
        request=request,
    )
    return FileResponse(path.open("rb"), as_attachment=True, filename="danh-sach-hoc-sinh.xlsx")
