"""Uploading a list from the school page: the file is stored, read in a job, and the
uploader lands on the job's progress bar, then on the review."""

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from students.models import CollectionRound, Submission
from tests.students.collection.test_import_pipeline import ROWS, _xlsx

pytestmark = pytest.mark.django_db


def round_make(world) -> CollectionRound:
    """The province's round for 2026-2027 (the other view tests use it too)."""
    return CollectionRound.objects.create(
        name="Đợt 2026",
        school_year=2026,
        area=world.province,
        opens_on=dt.date(2026, 9, 1),
        deadline=dt.date(2026, 10, 15),
    )


@pytest.fixture
def collection_round(world):
    return round_make(world)


def upload(client, collection_round, school, path, capture):
    url = reverse("collection:upload", args=[collection_round.pk, school.pk])
    with path.open("rb") as fh, capture(execute=True):
        return client.post(url, {"file": fh})


def test_it_stores_the_file_and_sends_the_uploader_to_the_job_page(
    client, tmp_path, world, school_staff_gl, collection_round, django_capture_on_commit_callbacks
):
    client.force_login(school_staff_gl)
    response = upload(
        client,
        collection_round,
        world.school_gl,
        _xlsx(tmp_path, ROWS),
        django_capture_on_commit_callbacks,
    )
    submission = Submission.objects.get()
    assert response.status_code == 302
    assert response.url == f"/tac-vu/{submission.job_id}/"
    assert submission.round == collection_round and submission.school == world.school_gl
    assert submission.state == Submission.State.HAS_ERRORS  # staged by the (eager) job
    job = client.get(response.url, headers={"HX-Request": "true"})
    assert job["HX-Redirect"] == f"/thu-thap/danh-sach/{submission.pk}/"


def test_it_shows_the_errors_with_row_and_column_on_the_review(
    client, tmp_path, world, school_staff_gl, collection_round, django_capture_on_commit_callbacks
):
    client.force_login(school_staff_gl)
    upload(
        client,
        collection_round,
        world.school_gl,
        _xlsx(tmp_path, ROWS),
        django_capture_on_commit_callbacks,
    )
    submission = Submission.objects.get()
    page = client.get(reverse("collection:submission", args=[submission.pk])).content.decode()
    assert "Dòng 5" in page
    # The column by its letter and its header, as the school sees it in Excel.
    assert re.search(r"F \([^)]*Số định danh cá nhân\)", page)
    assert "12 chữ số" in page
    assert "Xác nhận 2 dòng hợp lệ" in page


def test_it_refuses_a_file_that_is_not_a_spreadsheet_in_vietnamese(
    client, world, school_staff_gl, collection_round
):
    client.force_login(school_staff_gl)
    fake = SimpleUploadedFile("ds.xlsx", b"hello, this is not a workbook")
    response = client.post(
        reverse("collection:upload", args=[collection_round.pk, world.school_gl.pk]),
        {"file": fake},
    )
    assert response.status_code == 400
    assert not Submission.objects.exists()
    errors = response.context["form"].errors["file"]
    assert errors and all(e for e in errors)
    assert "errorlist" in response.content.decode()


def test_it_asks_for_a_file(client, world, school_staff_gl, collection_round):
    client.force_login(school_staff_gl)
    response = client.post(
        reverse("collection:upload", args=[collection_round.pk, world.school_gl.pk])
    )
    assert response.status_code == 400
    assert "Hãy chọn tệp danh sách" in response.content.decode()


@pytest.mark.parametrize(
    "who, school, expected",
    [
        ("school_staff_gl", "school_gl", 302),
        ("school_staff_gl", "school_dh", 404),  # another district's school
        ("district_staff_gl", "school_gl", 302),  # any school of the district
        ("district_staff_dh", "school_gl", 404),
        ("leader", "school_gl", 404),  # sees, cannot upload
        ("outsider", "school_gl", 404),
    ],
)
def test_it_lets_only_the_school_and_its_district_upload(
    request,
    client,
    tmp_path,
    world,
    collection_round,
    django_capture_on_commit_callbacks,
    who,
    school,
    expected,
):
    client.force_login(request.getfixturevalue(who))
    response = upload(
        client,
        collection_round,
        getattr(world, school),
        _xlsx(tmp_path, ROWS),
        django_capture_on_commit_callbacks,
    )
    assert response.status_code == expected
    assert Submission.objects.exists() == (expected == 302)


def test_it_refuses_get(client, world, school_staff_gl, collection_round):
    client.force_login(school_staff_gl)
    url = reverse("collection:upload", args=[collection_round.pk, world.school_gl.pk])
    assert client.get(url).status_code == 405
