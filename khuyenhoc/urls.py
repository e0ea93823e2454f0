from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path

from khuyenhoc import job_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "dang-nhap/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"
    ),
    # Open to anyone, as the sign-in page is (LoginView is login_not_required already).
    path("dang-xuat/", login_not_required(auth_views.LogoutView.as_view()), name="logout"),
    path("hoc-sinh/trung/", include("students.duplicates.urls")),
    path("hoc-sinh/", include("students.urls")),
    path("thu-thap/", include("students.collection.urls")),
    path("ket-qua-hoc-tap/", include("students.results.urls")),
    path("dia-chi/", include("students.addresses.urls")),
    path("tac-vu/<int:pk>/", job_views.job_detail, name="job-detail"),
    path("quan-tri/", admin.site.urls),
]

admin.site.site_header = "Hội Khuyến học - Quản trị"
admin.site.site_title = "Khuyến học"
admin.site.index_title = "Quản trị hệ thống"
