from django.urls import path

from students.results import views

app_name = "results"
urlpatterns = [
    path("", views.results_upload, name="upload"),
    path("<int:pk>/", views.results_preview, name="preview"),
    path("<int:pk>/xac-nhan/", views.results_confirm, name="confirm"),
]
