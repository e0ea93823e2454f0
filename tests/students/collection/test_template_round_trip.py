"""The school's template downloaded and uploaded back unchanged, through the pages:
nothing to change, nothing refused, nothing written."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from khuyenhoc.models import AreaSuccession
from students.models import Ethnicity, Guardian, Student, Submission, SubmissionRow
from students.record.services import student_create
from tests.factories import CircumstanceFactory, GuardianFactory, StudentFactory, area_add
from tests.students.collection.test_view_upload import round_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def collection_round(world):
    return round_make(world)


@pytest.fixture
def students(world, school_staff_gl):
    """Gio Mỹ's students as the registry holds them after a year of use: addresses as
    the schools first wrote them (with the district), every kind of wish, and a student
    added through "Thêm học sinh" whose circumstances are still to record."""
    school, year = world.school_gl, timezone.localdate().year
    # world.student_gl has no circumstance (as a student added in the pages).
    dao = world.student_gl
    dao.village, dao.commune = "Thôn 2", world.gio_my
    dao.address_text = "Thôn 2, xã Gio Mỹ, huyện Gio Linh"
    dao.save()

    hoa = StudentFactory(
        full_name="Lê Thị Hoa",
        school=school,
        gender="female",
        personal_id="045312000123",
        village="Thôn Tân Minh",
        commune=world.gio_my,
        address_text="Thôn Tân Minh, xã Gio Mỹ, huyện Gio Linh, tỉnh Quảng Trị",
        wishes=["bicycle", "books", "other"],
        wishes_note="Áo ấm mùa đông",
        # Text a spreadsheet would take for a formula comes back as it was.
        note="-50.000 đồng còn nợ học phí",
        specific_situation="+ mẹ ốm nặng, = cha đi làm xa",
    )
    CircumstanceFactory(student=hoa, kind="poor", household_year=year)
    GuardianFactory(student=hoa, full_name="Lê Văn Tư", relation="father", phone="0912000111")

    kan = StudentFactory(
        full_name="Hồ Văn Kăn",
        school=school,
        birth_date=None,
        birth_year=2013,
        ethnicity=Ethnicity.objects.get(name="Bru - Vân Kiều"),
        village="Bản Cù Bai",
        commune=None,
        address_text="Bản Cù Bai, xã Hướng Lập, huyện Hướng Hóa",
        wishes=["clothes", "scholarship", "other"],
    )
    CircumstanceFactory(student=kan, kind="orphan", household_year=None, orphan_label="both")
    CircumstanceFactory(
        student=kan,
        kind="disability",
        household_year=None,
        disability_type="hearing_speech",
        disability_level="mild",
    )

    # Added through "Thêm học sinh": no circumstance yet.
    added = student_create(
        user=school_staff_gl,
        data={
            "full_name": "Phan Thị Mai",
            "birth_date": timezone.datetime(2012, 3, 4).date(),
            "gender": "female",
            "ethnicity": Ethnicity.objects.get(code="01"),
            "school": school,
            "grade": 7,
            "class_name": "",  # the form asks for the grade; the class may wait
            "village": "Thôn 5",  # and no commune yet
            "wishes": ["other"],
            "wishes_note": "Hỗ trợ sửa chữa nhà ở",
        },
    )
    return [dao, hoa, kan, added]


@pytest.fixture
def download(client, tmp_path, world, school_staff_gl, collection_round):
    """Gio Mỹ's staff downloads the school's template: returns its path."""

    def download():
        client.force_login(school_staff_gl)
        url = reverse("collection:template", args=[collection_round.pk, world.school_gl.pk])
        response = client.get(url)
        assert response.status_code == 200
        path = tmp_path / "mau.xlsx"
        path.write_bytes(b"".join(response.streaming_content))
        return path

    return download


@pytest.fixture
def upload(client, world, collection_round, django_capture_on_commit_callbacks):
    """Uploads a file as the school's list (the job runs at once): returns the list."""

    def upload(path):
        url = reverse("collection:upload", args=[collection_round.pk, world.school_gl.pk])
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, {"file": SimpleUploadedFile(path.name, path.read_bytes())})
        assert response.status_code == 302
        return Submission.objects.latest("pk")

    return upload


def _snapshot():
    return (
        list(Student.objects.order_by("pk").values()),
        list(Guardian.objects.order_by("pk").values()),
    )


def test_it_stages_the_unchanged_template_as_unchanged(students, download, upload):
    submission = upload(download())
    assert submission.file_errors == []
    rows = list(submission.rows.order_by("row_number"))
    assert {r.action for r in rows} == {SubmissionRow.Action.UNCHANGED}, [
        (r.data["values"]["full_name"], r.changes, r.errors) for r in rows
    ]
    assert (submission.rows_total, submission.rows_error) == (4, 0)
    assert (submission.new_count, submission.changed_count, submission.unchanged_count) == (
        0,
        0,
        4,
    )
    assert submission.state == Submission.State.READY


def test_it_warns_but_does_not_refuse_a_student_on_record_without_circumstance(
    client, students, download, upload
):
    submission = upload(download())
    warned = {
        r.data["values"]["full_name"]: [w["message"] for w in r.warnings]
        for r in submission.rows.all()
    }
    assert "Dòng này chưa đánh dấu diện nào." in warned["Phan Thị Mai"]
    assert "Dòng này chưa đánh dấu diện nào." in warned["Trần Thị Đào"]
    assert warned["Lê Thị Hoa"] == []
    page = client.get(reverse("collection:submission", args=[submission.pk])).content.decode()
    assert "chưa đánh dấu diện nào" in page


def test_it_writes_nothing_when_the_unchanged_template_is_confirmed(
    client, students, download, upload, django_capture_on_commit_callbacks
):
    submission = upload(download())
    before = _snapshot()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("collection:confirm", args=[submission.pk]))
    assert response.status_code == 302
    submission.refresh_from_db()
    assert (submission.created_count, submission.updated_count) == (0, 0)
    assert _snapshot() == before
    assert Student.objects.get(pk=students[0].pk).address_text == (
        "Thôn 2, xã Gio Mỹ, huyện Gio Linh"
    )


def test_it_still_refuses_a_new_student_without_circumstance(world, download, upload):
    """Only a student on record may come back without circumstance: a new row must say
    why the student is on the list."""
    path = download()
    Student.objects.filter(pk=world.student_gl.pk).delete()
    submission = upload(path)
    (row,) = submission.rows.all()
    assert row.action == SubmissionRow.Action.INVALID
    assert [e["message"] for e in row.errors] == ["Học sinh chưa thuộc diện nào."]


def test_it_tells_the_2025_commune_from_the_old_town_of_the_same_name(world, download, upload):
    """Since 2025 "Xã Gio Linh" is a commune of its own, and "Thị trấn Gio Linh" an
    old town: each comes back as itself, not as whichever "Gio Linh" is found first."""
    world.gio_linh.refresh_from_db()
    town = area_add(
        parent=world.gio_linh,
        code="19501",
        name="Thị trấn Gio Linh",
        short_name="Gio Linh",
        kind="commune",
    )
    province_2025 = area_add(
        parent=None, code="44", name="Tỉnh Quảng Trị", short_name="Quảng Trị", kind="province"
    )
    commune_2025 = area_add(
        parent=province_2025, code="19498", name="Xã Gio Linh", short_name="Gio Linh",
        kind="commune",
    )  # fmt: skip
    AreaSuccession.objects.create(
        old_area=town, new_area=commune_2025, effective_on=dt.date(2025, 7, 1)
    )
    year = timezone.localdate().year
    for name, commune in (("Lê Văn Cũ", town), ("Lê Văn Mới", commune_2025)):
        student = StudentFactory(
            full_name=name, school=world.school_gl, village="Thôn 1", commune=commune
        )
        CircumstanceFactory(student=student, household_year=year)
    CircumstanceFactory(student=world.student_gl, household_year=year)
    submission = upload(download())
    assert (submission.changed_count, submission.rows_error) == (0, 0), [
        (r.data["values"]["full_name"], r.changes) for r in submission.rows.all()
    ]
    assert submission.unchanged_count == 3
