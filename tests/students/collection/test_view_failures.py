"""A job that fails, expectedly or not, never leaves its list "being processed": the
list ends as failed with a reason in Vietnamese and a way to upload again. A file that
could not be read never takes the place of a valid list waiting for its confirmation."""

import openpyxl
import pytest
from django.urls import reverse

from khuyenhoc.jobs import JobError
from khuyenhoc.models import Job
from students.collection import services, tasks
from students.models import Student, Submission
from tests.students.collection.test_import_pipeline import ROWS, _xlsx
from tests.students.collection.test_view_upload import round_make, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def collection_round(world):
    return round_make(world)


def no_header(tmp_path):
    """A workbook whose header the reader cannot find."""
    wb = openpyxl.Workbook()
    wb.active.append(["Ghi chú của trường"])
    wb.active.append(["xin gửi hội huyện", 12, "abc"])
    path = tmp_path / "no_header.xlsx"
    wb.save(path)
    return path


def upload_rows(client, tmp_path, world, collection_round, capture, name="ds.xlsx"):
    """Upload the pipeline's rows (two valid, one with an error) for Gio Mỹ."""
    path = _xlsx(tmp_path, ROWS, name=name)
    return upload(client, collection_round, world.school_gl, path, capture)


def good_then(client, tmp_path, world, collection_round, capture, second):
    """Upload a good list, then `second`; returns both submissions."""
    upload_rows(client, tmp_path, world, collection_round, capture)
    upload(client, collection_round, world.school_gl, second, capture)
    return list(Submission.objects.order_by("created_at", "pk"))


def school_page(client, collection_round, school) -> str:
    url = reverse("collection:school", args=[collection_round.pk, school.pk])
    return client.get(url).content.decode()


def test_it_fails_the_list_when_staging_raises_unexpectedly(
    client,
    tmp_path,
    world,
    school_staff_gl,
    collection_round,
    django_capture_on_commit_callbacks,
    monkeypatch,
):
    def broken(**kwargs):
        raise RuntimeError("connection lost")

    monkeypatch.setattr(tasks, "submission_stage", broken)
    client.force_login(school_staff_gl)
    response = upload_rows(
        client, tmp_path, world, collection_round, django_capture_on_commit_callbacks
    )
    submission = Submission.objects.get()
    assert submission.state == Submission.State.FAILED
    assert "lỗi ngoài dự kiến" in submission.file_errors[0]["message"]
    assert "connection lost" not in str(submission.file_errors)
    assert not submission.rows.exists()
    # The job page sends the uploader to the list's page, which says why and what next.
    job_page = client.get(response.url)
    assert job_page.status_code == 302
    assert job_page.url == reverse("collection:submission", args=[submission.pk])
    html = client.get(job_page.url).content.decode()
    assert "Không đọc được tệp này." in html and "lỗi ngoài dự kiến" in html
    assert "Tải lên lại" in html
    assert reverse("collection:school", args=[collection_round.pk, world.school_gl.pk]) in html


def test_it_fails_the_list_with_the_reason_of_an_expected_error(
    client,
    tmp_path,
    world,
    school_staff_gl,
    collection_round,
    django_capture_on_commit_callbacks,
    monkeypatch,
):
    def refused(**kwargs):
        raise JobError("Máy chủ đang bận, chưa đọc được tệp.")

    monkeypatch.setattr(tasks, "submission_stage", refused)
    client.force_login(school_staff_gl)
    upload_rows(client, tmp_path, world, collection_round, django_capture_on_commit_callbacks)
    submission = Submission.objects.get()
    assert submission.state == Submission.State.FAILED
    assert submission.file_errors[0]["message"] == "Máy chủ đang bận, chưa đọc được tệp."
    assert "tải tệp lên lại" in submission.file_errors[0]["fix"]


def test_it_fails_the_list_and_writes_nothing_when_the_confirmation_raises(
    client,
    tmp_path,
    world,
    school_staff_gl,
    collection_round,
    django_capture_on_commit_callbacks,
    monkeypatch,
):
    client.force_login(school_staff_gl)
    upload_rows(client, tmp_path, world, collection_round, django_capture_on_commit_callbacks)
    submission = Submission.objects.get()
    real_apply = services.submission_apply

    def apply_then_break(**kwargs):
        real_apply(**kwargs)  # the students are written, then something breaks
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "submission_apply", apply_then_break)
    before = Student.objects.filter(school=world.school_gl).count()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("collection:confirm", args=[submission.pk]))
    submission.refresh_from_db()
    assert submission.state == Submission.State.FAILED
    assert submission.confirmed_at is None
    assert Student.objects.filter(school=world.school_gl).count() == before
    message = submission.file_errors[0]["message"]
    assert "lỗi ngoài dự kiến" in message and "Không có dòng nào được ghi" in message
    assert Job.objects.get(pk=submission.job_id).state == Job.State.FAILED
    html = client.get(client.get(response.url).url).content.decode()
    assert "Không ghi được danh sách này vào hồ sơ." in html
    assert "Không có dòng nào được ghi" in html and "Tải lên lại" in html


def test_it_leaves_a_confirmed_list_alone_when_a_second_confirmation_fails(
    client,
    tmp_path,
    world,
    school_staff_gl,
    collection_round,
    django_capture_on_commit_callbacks,
):
    client.force_login(school_staff_gl)
    upload_rows(client, tmp_path, world, collection_round, django_capture_on_commit_callbacks)
    submission = Submission.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("collection:confirm", args=[submission.pk]))
    # A redelivered job: the confirmation refuses, the list stays sent.
    assert not services.submission_fail(submission_id=submission.pk, confirming=True)
    job = tasks.job_create(owner=school_staff_gl, kind="submission_apply")
    tasks.submission_apply_task(job.pk, submission.pk, school_staff_gl.pk)
    submission.refresh_from_db()
    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    assert submission.state == Submission.State.SUBMITTED


def test_a_file_without_header_does_not_replace_the_pending_list(
    client, tmp_path, world, school_staff_gl, collection_round, django_capture_on_commit_callbacks
):
    client.force_login(school_staff_gl)
    good, bad = good_then(
        client,
        tmp_path,
        world,
        collection_round,
        django_capture_on_commit_callbacks,
        no_header(tmp_path),
    )
    assert bad.rows_valid == 0 and bad.file_errors
    html = school_page(client, collection_round, world.school_gl)
    # The earlier list is still the one to confirm, and the failed upload says why.
    assert "Danh sách đang chờ trường xác nhận" in html
    assert reverse("collection:submission", args=[good.pk]) + "#next-steps" in html
    assert bad.file_errors[0]["message"] in html
    assert "vẫn chờ xác nhận" in html
    review = client.get(reverse("collection:submission", args=[good.pk])).content.decode()
    assert "Xác nhận 2 dòng hợp lệ" in review and "một danh sách mới hơn" not in review
    failed = client.get(reverse("collection:submission", args=[bad.pk])).content.decode()
    assert "Danh sách tải lên trước đó (ds.xlsx) vẫn chờ xác nhận" in failed
    assert reverse("collection:submission", args=[good.pk]) + "#next-steps" in failed
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("collection:confirm", args=[good.pk]))
    good.refresh_from_db()
    assert good.state == Submission.State.SUBMITTED


def test_a_list_that_failed_to_stage_does_not_replace_the_pending_list(
    client,
    tmp_path,
    world,
    school_staff_gl,
    collection_round,
    django_capture_on_commit_callbacks,
    monkeypatch,
):
    client.force_login(school_staff_gl)
    upload_rows(client, tmp_path, world, collection_round, django_capture_on_commit_callbacks)

    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(tasks, "submission_stage", broken)
    upload_rows(
        client,
        tmp_path,
        world,
        collection_round,
        django_capture_on_commit_callbacks,
        name="lan2.xlsx",
    )
    good, bad = Submission.objects.order_by("created_at", "pk")
    assert bad.state == Submission.State.FAILED
    html = school_page(client, collection_round, world.school_gl)
    assert reverse("collection:submission", args=[good.pk]) + "#next-steps" in html
    assert "lỗi ngoài dự kiến" in html


def test_a_readable_newer_list_replaces_the_pending_one(
    client, tmp_path, world, school_staff_gl, collection_round, django_capture_on_commit_callbacks
):
    client.force_login(school_staff_gl)
    older, newer = good_then(
        client,
        tmp_path,
        world,
        collection_round,
        django_capture_on_commit_callbacks,
        _xlsx(tmp_path, ROWS, name="moi.xlsx"),
    )
    html = school_page(client, collection_round, world.school_gl)
    assert reverse("collection:submission", args=[newer.pk]) + "#next-steps" in html
    assert reverse("collection:submission", args=[older.pk]) + "#next-steps" not in html
