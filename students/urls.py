from django.urls import path

from students import views, views_export, views_status, views_support

app_name = "students"
urlpatterns = [
    path("", views.student_list, name="list"),
    path("them/", views.student_create, name="create"),
    path("<int:pk>/", views.student_detail, name="detail"),
    path("<int:pk>/sua/", views.student_edit, name="edit"),
    path("<int:pk>/hoan-canh/them/", views.circumstance_edit, name="circumstance_add"),
    path(
        "<int:pk>/hoan-canh/<int:circumstance_pk>/sua/",
        views.circumstance_edit,
        name="circumstance_edit",
    ),
    path("<int:pk>/phu-huynh/them/", views.guardian_edit, name="guardian_add"),
    path("<int:pk>/phu-huynh/<int:guardian_pk>/sua/", views.guardian_edit, name="guardian_edit"),
    path("<int:pk>/ho-tro/them/", views_support.support_edit, name="support_add"),
    path("<int:pk>/ho-tro/<int:support_pk>/sua/", views_support.support_edit, name="support_edit"),
    path(
        "<int:pk>/ho-tro/<int:support_pk>/xoa/", views_support.support_delete, name="support_delete"
    ),
    path("xuat-excel/", views_export.student_export, name="export"),
    path("xuat-excel/<int:job_id>/", views_export.student_export_download, name="export_download"),
    path("<int:pk>/tinh-trang/", views_status.status_change, name="status_change"),
    path("len-lop/", views_status.rollover, name="rollover"),
    path("het-cap/", views_status.leavers, name="leavers"),
    path("het-cap/<int:leaver_pk>/hoc-tiep/", views_status.leaver_keep, name="leaver_keep"),
]
