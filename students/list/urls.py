from django.urls import path

from students.list import views

urlpatterns = [
    path("", views.student_list, name="list"),
    path("xuat-excel/", views.student_export, name="export"),
    path("xuat-excel/<int:job_id>/", views.student_export_download, name="export_download"),
]
