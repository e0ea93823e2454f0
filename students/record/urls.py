from django.urls import path

from students.record import views

urlpatterns = [
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
]
