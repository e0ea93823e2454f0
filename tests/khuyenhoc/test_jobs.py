import pytest

from khuyenhoc.jobs import JobError, job_create, job_run
from khuyenhoc.models import Job
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_it_shows_the_progress_to_the_owner(client):
    owner = UserFactory()
    job = job_create(owner=owner, kind="import_students", total=200)
    Job.objects.filter(pk=job.pk).update(state=Job.State.RUNNING, progress_done=50)
    client.force_login(owner)
    response = client.get(f"/tac-vu/{job.pk}/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'value="25"' in body and "50/200" in body
    assert 'hx-trigger="every 1s"' in body


def test_it_hides_a_job_from_anyone_else(client):
    job = job_create(owner=UserFactory(), kind="import_students")
    client.force_login(UserFactory())
    assert client.get(f"/tac-vu/{job.pk}/").status_code == 404


def test_it_sends_the_browser_to_the_result_when_done(client):
    owner = UserFactory()
    job = job_create(owner=owner, kind="export")
    job_run(job_id=job.pk, work=lambda job: {"url": "/hoc-sinh/", "message": "Xong"})
    client.force_login(owner)
    response = client.get(f"/tac-vu/{job.pk}/", HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"] == "/hoc-sinh/"
    assert "every 1s" not in response.content.decode()


def test_it_records_a_failure_in_words_and_never_runs_a_finished_job_twice():
    job = job_create(owner=UserFactory(), kind="import_students")

    def broken(job):
        raise JobError("Tệp không đọc được.")

    assert job_run(job_id=job.pk, work=broken) is None
    job.refresh_from_db()
    assert job.state == Job.State.FAILED and job.error == "Tệp không đọc được."
    calls = []
    job_run(job_id=job.pk, work=lambda j: calls.append(j) or {})
    assert calls == []


def test_it_hides_internal_errors_behind_a_plain_message():
    job = job_create(owner=UserFactory(), kind="import_students")
    job_run(job_id=job.pk, work=lambda j: 1 / 0)
    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    assert "ZeroDivision" not in job.error and "thử lại" in job.error


def test_it_goes_straight_to_the_result_when_the_job_finished_already(client):
    owner = UserFactory()
    job = job_create(owner=owner, kind="export")
    job_run(job_id=job.pk, work=lambda job: {"url": "/hoc-sinh/"})
    client.force_login(owner)
    response = client.get(f"/tac-vu/{job.pk}/")
    assert response.status_code == 302 and response["Location"] == "/hoc-sinh/"


def test_it_runs_the_failure_callback_with_the_users_message_and_keeps_its_result():
    job = job_create(owner=UserFactory(), kind="import_students")
    calls = []

    def on_fail(message, unexpected):
        calls.append((message, unexpected))
        return {"url": "/thu-thap/danh-sach/7/"}

    job_run(job_id=job.pk, work=lambda j: 1 / 0, on_fail=on_fail)
    job.refresh_from_db()
    assert len(calls) == 1 and calls[0][1] is True
    assert calls[0][0] == job.error and "ZeroDivision" not in calls[0][0]
    assert job.result == {"url": "/thu-thap/danh-sach/7/"}

    expected = job_create(owner=job.owner, kind="import_students")

    def refused(job):
        raise JobError("Tệp không đọc được.")

    job_run(job_id=expected.pk, work=refused, on_fail=on_fail)
    assert calls[1] == ("Tệp không đọc được.", False)


def test_it_does_not_run_the_failure_callback_when_the_work_succeeds():
    job = job_create(owner=UserFactory(), kind="export")
    calls = []
    job_run(job_id=job.pk, work=lambda j: {"url": "/"}, on_fail=lambda *a: calls.append(a))
    assert calls == []


def test_it_still_records_the_failure_when_the_callback_fails(caplog):
    job = job_create(owner=UserFactory(), kind="import_students")

    def on_fail(message, unexpected):
        raise RuntimeError("callback broke")

    job_run(job_id=job.pk, work=lambda j: 1 / 0, on_fail=on_fail)
    job.refresh_from_db()
    assert job.state == Job.State.FAILED and "thử lại" in job.error
    assert "failure callback failed" in caplog.text


def test_it_sends_the_owner_to_the_page_a_failed_job_names(client):
    owner = UserFactory()
    job = job_create(owner=owner, kind="submission_stage")
    job_run(job_id=job.pk, work=lambda j: 1 / 0, on_fail=lambda m, u: {"url": "/thu-thap/"})
    client.force_login(owner)
    assert client.get(f"/tac-vu/{job.pk}/").url == "/thu-thap/"
    assert client.get(f"/tac-vu/{job.pk}/", HTTP_HX_REQUEST="true")["HX-Redirect"] == "/thu-thap/"
