from django.urls import path

from students.support import views

urlpatterns = [
    path("<int:pk>/ho-tro/them/", views.support_edit, name="support_add"),
    path("<int:pk>/ho-tro/<int:support_pk>/sua/", views.support_edit, name="support_edit"),
    path("<int:pk>/ho-tro/<int:support_pk>/xoa/", views.support_delete, name="support_delete"),
]
