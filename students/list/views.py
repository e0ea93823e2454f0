"""The student list: filters, search, sorting, paging and the export of its selection
(start the job, then fetch its file: owner only; every download goes into the personal
data access log). Thin: parse the request, call a selector or a service, render."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_POST

from khuyenhoc.audit import Action, personal_data_access_log, students_what
from khuyenhoc.models import Job
from students.list import selectors
from students.list.export import export_path
from students.list.filters import DESCENDING_FIRST, ORDERINGS, StudentFilter
from students.list.tasks import student_export_start
from students.record import selectors as record_selectors

RESULTS_TARGET = "ket-qua"


@login_required
def student_list(request):
    students = selectors.student_list_queryset(user=request.user)
    filterset = StudentFilter(request.GET, queryset=students, user=request.user)
    if request.htmx and request.GET.get("dem") == "1":
        # The exact count of a selection larger than the page's capped count, on demand.
        count = selectors.student_list_count(filterset.qs)
        return render(request, "students/list/_student_count.html", {"count": count})
    scope, students = students, filterset.qs
    # A broad search (known once the filters have run) is tested row by row: counted
    # only where the scope is small (a district of 3,000), never over a province.
    count = not filterset.search_is_broad or selectors.list_scope_is_small(scope)
    page = selectors.student_list_page(
        students,
        number=request.GET.get("page"),
        size=settings.STUDENT_PAGE_SIZE,
        count=count,
        count_with_rows=filterset.search is not None and filterset.search.by_ids,
    )
    selectors.search_guardian_hints(rows=page.rows, search=filterset.search)
    ordering = filterset.ordering
    context = {
        "filter": filterset,
        "page": page,
        "students": page.rows,
        "ordering": ordering,
        "sort_links": _sort_links(ordering),
        "results_target": RESULTS_TARGET,
        "can_change": record_selectors.user_can_change_students(user=request.user),
        "filters_used": any(
            v for k, v in request.GET.items() if k not in ("q", "o", "page", "result_year")
        ),
        "query": request.GET.urlencode(),
    }
    partial = (
        request.htmx
        and not request.htmx.history_restore_request
        and request.htmx.target == RESULTS_TARGET
    )
    template = (
        "students/list/_student_results.html" if partial else "students/list/student_list.html"
    )
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response


def _sort_links(ordering: str) -> dict[str, dict]:
    """For each sortable column: the value its header link sets and how it is sorted now."""
    links = {}
    for key in ORDERINGS:
        if ordering == key:
            links[key] = {"value": f"-{key}", "state": "ascending"}
        elif ordering == f"-{key}":
            links[key] = {"value": key, "state": "descending"}
        else:
            first = f"-{key}" if key in DESCENDING_FIRST else key
            links[key] = {"value": first, "state": ""}
    if not ordering:
        links["ten"]["state"] = "ascending"
        links["ten"]["value"] = "-ten"
    return links


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
