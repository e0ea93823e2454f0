"""Staging and applying a file in one transaction (`import_students --commit`): each
chunk's new students are written by the writer thread as soon as the chunk is staged.
The result must be what staging then confirming gives, and a failure writes nothing."""

import datetime as dt

import pytest

from students.collection import staging
from students.collection.apply import submission_import
from students.collection.services import submission_create
from students.models import Student, Submission, SubmissionRow
from tests.factories import StudentFactory
from tests.students.collection.test_import_pipeline import ROWS, _xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def one_row_chunks(monkeypatch):
    # Every row its own chunk: the writer thread writes students between chunks.
    monkeypatch.setattr(staging, "_CHUNK", 1)


def _import(tmp_path, world, user, rows=ROWS, name="ds.xlsx"):
    submission = submission_create(
        user=user, school=world.school_gl, upload=_xlsx(tmp_path, rows, name)
    )
    return submission, submission_import(submission=submission, user=user)


def test_it_writes_what_staging_then_confirming_writes(
    tmp_path, world, school_staff_gl, one_row_chunks
):
    submission, result = _import(tmp_path, world, school_staff_gl)
    assert (result.created, result.updated, result.skipped_errors) == (2, 0, 1)
    tam = Student.objects.get(personal_id="045212000001")
    assert tam.school == world.school_gl and tam.grade == 7 and tam.commune == world.gio_my
    assert tam.circumstances.get().household_year == 2026
    assert tam.guardians.get().phone == "0912345678"
    assert tam.need_score == 6
    hoa = Student.objects.get(full_name="Hồ Thị Hoa")
    assert hoa.circumstances.get().disability_level == "severe"
    assert not hoa.guardians.exists()
    event = tam.events.get()
    assert event.pgh_context.metadata["source"] == "import"
    assert event.pgh_context.metadata["submission"] == submission.pk
    assert event.pgh_context.metadata["username"] == school_staff_gl.username
    submission.refresh_from_db()
    assert submission.state == Submission.State.SUBMITTED
    assert (submission.new_count, submission.rows_error, submission.created_count) == (2, 1, 2)
    # The students just written are the file's own: only the fixture's Trần Thị Đào,
    # who is not in the file's valid rows, is missing; kept as at the confirmation.
    assert submission.missing_count == 1
    assert submission.missing_student_ids == [world.student_gl.pk]
    assert sorted(submission.rows.values_list("row_number", "action")) == [
        (3, "new"),
        (4, "new"),
        (5, "invalid"),
    ]


def test_importing_the_same_file_again_changes_nothing(
    tmp_path, world, school_staff_gl, one_row_chunks
):
    _import(tmp_path, world, school_staff_gl)
    students = Student.objects.filter(school=world.school_gl).count()
    events = sum(s.events.count() for s in Student.objects.all())
    again, result = _import(tmp_path, world, school_staff_gl, name="ds2.xlsx")
    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)
    assert (again.new_count, again.unchanged_count) == (0, 2)
    assert Student.objects.filter(school=world.school_gl).count() == students
    assert sum(s.events.count() for s in Student.objects.all()) == events


def test_a_file_rejected_half_way_writes_no_student(
    tmp_path, world, school_staff_gl, one_row_chunks, settings
):
    # The first two rows' students are written before the third row is refused.
    settings.IMPORT_MAX_ROWS = 2
    before = Student.objects.count()
    submission, result = _import(tmp_path, world, school_staff_gl)
    assert result is None
    submission.refresh_from_db()
    assert submission.state == Submission.State.FAILED
    assert "vượt giới hạn" in submission.file_errors[0]["message"]
    assert Student.objects.count() == before
    assert not SubmissionRow.objects.filter(submission=submission).exists()


def test_a_failing_chunk_writes_nothing(tmp_path, world, school_staff_gl, monkeypatch):
    from students.collection import apply

    monkeypatch.setattr(staging, "_CHUNK", 1)
    # The second chunk fails in the database (division by zero), after the first
    # chunk's student, circumstance and guardian are written.
    real = apply._NewStudents.__call__
    calls = []

    def failing(self, cursor, rows):
        real(self, cursor, rows)
        calls.append(rows)
        if len(calls) == 2:
            cursor.execute("SELECT 1 / 0")

    monkeypatch.setattr(apply._NewStudents, "__call__", failing)
    before = (Student.objects.count(), SubmissionRow.objects.count())
    with pytest.raises(Exception, match="division by zero"):
        _import(tmp_path, world, school_staff_gl)
    assert len(calls) == 2
    assert (Student.objects.count(), SubmissionRow.objects.count()) == before
    assert not Student.objects.filter(personal_id="045212000001").exists()


def test_a_list_with_no_valid_row_applies_nothing(tmp_path, world, school_staff_gl):
    submission, result = _import(tmp_path, world, school_staff_gl, rows=[ROWS[2]])
    assert result is None
    submission.refresh_from_db()
    assert submission.state == Submission.State.HAS_ERRORS
    assert submission.rows.get().action == SubmissionRow.Action.INVALID


# As in production: the submission is committed, so the staged rows and the look-ups
# get connections of their own.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_with_committed_data_the_staged_rows_and_look_ups_use_their_own_connections(
    tmp_path, world, school_staff_gl, one_row_chunks, monkeypatch
):
    opened = []
    real = staging.side_connection
    monkeypatch.setattr(
        staging, "side_connection", lambda **kw: opened.append(c := real(**kw)) or c
    )
    # Read on the look-up connection while the last chunk is written: the warnings
    # and the count of the school's students missing from the file.
    StudentFactory(
        school=world.school_dh,
        full_name="Le Van Tam",
        birth_date=dt.date(2012, 9, 5),
        birth_year=2012,
    )
    submission, result = _import(tmp_path, world, school_staff_gl)
    assert len(opened) == 2 and all(c is not None for c in opened)
    assert (result.created, result.skipped_errors) == (2, 1)
    submission.refresh_from_db()
    assert submission.state == Submission.State.SUBMITTED
    assert submission.missing_count == 1
    assert submission.missing_student_ids == [world.student_gl.pk]
    assert submission.rows.count() == 3
    assert submission.rows_warning == 1
    assert [w["message"] for w in submission.rows.get(row_number=3).warnings] == [
        "Có thể trùng với học sinh Le Van Tam (sinh 05/09/2012) đang học ở Trường THCS Nguyễn Trãi."
    ]
    tam = Student.objects.get(personal_id="045212000001")
    assert tam.events.get().pgh_context.metadata["submission"] == submission.pk


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_with_committed_data_a_duplicates_look_up_over_time_does_not_hold_the_import(
    tmp_path, world, school_staff_gl, monkeypatch, settings, caplog
):
    # The look-up connection's statement timeout (IMPORT_DUPLICATES_TIMEOUT_MS) cancels
    # the look-up: the students are written, without the advice.
    settings.IMPORT_DUPLICATES_TIMEOUT_MS = 1

    def slow(self, cursor):
        cursor.execute("SELECT pg_sleep(1)")

    monkeypatch.setattr(staging._Stager, "duplicates_find", slow)
    submission, result = _import(tmp_path, world, school_staff_gl)
    assert result.created == 2
    submission.refresh_from_db()
    assert submission.state == Submission.State.SUBMITTED
    assert submission.missing_count == 1
    assert "possible duplicates not looked up" in caplog.text


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_with_committed_data_a_failing_chunk_writes_nothing(
    tmp_path, world, school_staff_gl, one_row_chunks, monkeypatch
):
    from students.collection import apply

    real = apply._NewStudents.__call__

    def failing(self, cursor, rows):
        real(self, cursor, rows)
        cursor.execute("SELECT 1 / 0")

    monkeypatch.setattr(apply._NewStudents, "__call__", failing)
    before = Student.objects.count()
    with pytest.raises(Exception, match="division by zero"):
        submission, _ = _import(tmp_path, world, school_staff_gl)
    assert Student.objects.count() == before
    submission = Submission.objects.latest("pk")
    assert not submission.rows.exists()
    assert submission.state == Submission.State.PROCESSING


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_conflict_while_writing_says_so_and_writes_nothing(
    tmp_path, world, school_staff_gl, one_row_chunks, monkeypatch
):
    from khuyenhoc.jobs import JobError
    from students.collection import apply

    real = apply._NewStudents.__call__

    def twice(self, cursor, rows):
        # The same students twice: as if another import had written them meanwhile.
        real(self, cursor, rows)
        real(self, cursor, rows)

    monkeypatch.setattr(apply._NewStudents, "__call__", twice)
    before = Student.objects.count()
    with pytest.raises(JobError, match="Không có gì được ghi"):
        _import(tmp_path, world, school_staff_gl)
    assert Student.objects.count() == before
    submission = Submission.objects.latest("pk")
    assert submission.state == Submission.State.FAILED
    assert "Không ghi được danh sách" in submission.file_errors[0]["message"]
