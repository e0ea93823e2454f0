from django.urls import path

from students.collection import views

app_name = "collection"
urlpatterns = [
    path("", views.round_list, name="rounds"),
    path("dot/them/", views.round_create, name="round_create"),
    path("dot/<int:pk>/", views.round_progress, name="round"),
    path("dot/<int:pk>/dong/", views.round_close, name="round_close"),
    path("dot/<int:pk>/gia-han/", views.round_extend, name="round_extend"),
    path("dot/<int:pk>/duyet/", views.round_approve, name="round_approve"),
    path(
        "dot/<int:pk>/truong-chua-gui.xlsx",
        views.round_not_submitted_export,
        name="round_not_submitted",
    ),
    path("dot/<int:pk>/truong/<int:school_pk>/", views.school_page, name="school"),
    path("dot/<int:pk>/truong/<int:school_pk>/mau.xlsx", views.school_template, name="template"),
    path("dot/<int:pk>/truong/<int:school_pk>/tai-len/", views.submission_upload, name="upload"),
    path("danh-sach/<int:pk>/", views.submission_detail, name="submission"),
    path("danh-sach/<int:pk>/xac-nhan/", views.submission_confirm, name="confirm"),
    path("danh-sach/<int:pk>/duyet/", views.submission_decide, name="decide"),
    path("danh-sach/<int:pk>/loi.xlsx", views.submission_errors_file, name="errors_file"),
]
