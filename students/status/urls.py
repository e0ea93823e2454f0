from django.urls import path

from students.status import views

urlpatterns = [
    path("<int:pk>/tinh-trang/", views.status_change, name="status_change"),
    path("len-lop/", views.rollover, name="rollover"),
    path("het-cap/", views.leavers, name="leavers"),
    path("het-cap/<int:leaver_pk>/hoc-tiep/", views.leaver_keep, name="leaver_keep"),
]
