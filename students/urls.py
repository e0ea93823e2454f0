"""The registry's pages under /hoc-sinh/, one block per feature (namespace "students")."""

from students.list.urls import urlpatterns as list_urls
from students.record.urls import urlpatterns as record_urls
from students.status.urls import urlpatterns as status_urls
from students.support.urls import urlpatterns as support_urls

app_name = "students"
urlpatterns = [*list_urls, *record_urls, *support_urls, *status_urls]
