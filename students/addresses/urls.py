from django.urls import path

from students.addresses import views

app_name = "addresses"
urlpatterns = [
    path("", views.unresolved_list, name="unresolved"),
    path("doi-chieu/", views.match_start, name="match"),
    path("<int:pk>/", views.commune_set, name="set"),
]
