from django.urls import path

from students.duplicates import views

app_name = "duplicates"
urlpatterns = [
    path("", views.duplicate_list, name="list"),
    path("tim/", views.duplicate_detect_start, name="detect"),
    path("<int:pk>/", views.duplicate_detail, name="detail"),
    path("<int:pk>/gop/", views.duplicate_merge, name="merge"),
    path("<int:pk>/hoan-tac-gop/", views.duplicate_merge_undo, name="merge-undo"),
    path("<int:pk>/khong-trung/", views.duplicate_distinct, name="distinct"),
]
