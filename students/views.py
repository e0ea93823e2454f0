from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from khuyenhoc.access import get_for_user_or_404
from students.models import Student


@login_required
def student_list(request):
    students = Student.objects.for_user(request.user).select_related("school")[:50]
    return render(request, "students/student_list.html", {"students": students})


@login_required
def student_detail(request, pk: int):
    student = get_for_user_or_404(Student, request.user, pk=pk)
    return render(request, "students/student_detail.html", {"student": student})
