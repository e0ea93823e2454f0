"""Export of the student list's filtered selection: a job with progress, scoped to the
person who asked, whose file only they can fetch (and every fetch is logged)."""

import io

import openpyxl
import pytest
from django.urls import reverse

from khuyenhoc.models import Job, PersonalDataAccess
from tests.factories import CircumstanceFactory, StudentFactory

pytestmark = pytest.mark.django_db


def _export(client, user, query, django_capture_on_commit_callbacks) -> Job:
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("students:export"), {"query": query})
    job = Job.objects.filter(owner=user, kind="student_export").latest("pk")
    assert response.status_code == 302
    assert response.url == reverse("job-detail", args=[job.pk])
    return job


def _names(client, job) -> list[str]:
    response = client.get(job.result["url"])
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return [
        row[1]
        for ws in workbook
        for row in ws.iter_rows(min_row=6, values_only=True)
        if row[0] is not None
    ]


def test_it_exports_only_the_district_of_a_dong_ha_officer(
    client, world, district_staff_dh, django_capture_on_commit_callbacks
):
    StudentFactory(school=world.school_gl, full_name="Nguyễn Văn Gio")
    job = _export(client, district_staff_dh, "", django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.state == Job.State.DONE, job.error
    assert (job.progress_done, job.progress_total, job.percent) == (1, 1, 100)
    assert _names(client, job) == ["Nguyễn Văn An"]  # no Gio Linh student


def test_it_exports_the_filtered_selection_with_its_title(
    client, world, provincial_staff, django_capture_on_commit_callbacks
):
    CircumstanceFactory(student=world.student_gl, kind="orphan", orphan_label="father")
    job = _export(
        client,
        provincial_staff,
        f"kind=orphan&area={world.gio_linh.pk}",
        django_capture_on_commit_callbacks,
    )
    job.refresh_from_db()
    assert job.result["rows"] == 1
    assert job.result["title"] == "Huyện Gio Linh; Hoàn cảnh: Mồ côi"
    assert _names(client, job) == ["Trần Thị Đào"]
    log = PersonalDataAccess.objects.get(user=provincial_staff, action="list_exported")
    assert log.rows == 1
    assert "Huyện Gio Linh" in log.what


def test_it_ignores_an_area_outside_the_scope_in_the_query(
    client, world, district_staff_dh, django_capture_on_commit_callbacks
):
    job = _export(
        client, district_staff_dh, f"area={world.gio_linh.pk}", django_capture_on_commit_callbacks
    )
    job.refresh_from_db()
    assert "Trần Thị Đào" not in _names(client, job)


def test_it_sends_the_job_page_to_the_file_when_done(
    client, world, district_staff_dh, django_capture_on_commit_callbacks
):
    job = _export(client, district_staff_dh, "", django_capture_on_commit_callbacks)
    job.refresh_from_db()
    response = client.get(reverse("job-detail", args=[job.pk]))
    assert response.status_code == 302
    assert response.url == job.result["url"]


def test_it_lets_only_the_owner_fetch_the_file(
    client,
    world,
    district_staff_dh,
    district_staff_gl,
    provincial_staff,
    django_capture_on_commit_callbacks,
):
    job = _export(client, district_staff_dh, "", django_capture_on_commit_callbacks)
    url = Job.objects.get(pk=job.pk).result["url"]
    for other in (district_staff_gl, provincial_staff):
        client.force_login(other)
        assert client.get(url).status_code == 404
        assert client.get(reverse("job-detail", args=[job.pk])).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the login page
    assert not PersonalDataAccess.objects.exclude(user=district_staff_dh).exists()


def test_it_refuses_a_get_to_start_an_export(client, world, district_staff_dh):
    client.force_login(district_staff_dh)
    assert client.get(reverse("students:export")).status_code == 405
