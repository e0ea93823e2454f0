"""The import from file to registry: staging, matching, applying, idempotence,
history and scope, through the same services the pages and the command use."""

import datetime as dt
import json
from io import StringIO
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command
from django.http import Http404

from students.collection.apply import submission_apply
from students.collection.services import submission_create, submission_review
from students.collection.staging import submission_stage
from students.models import Student, Submission, SubmissionRow
from tests.factories import StudentFactory

pytestmark = pytest.mark.django_db

HEADER = [
    "STT",
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Dân tộc",
    "Số định danh cá nhân",
    "Lớp",
    "Thôn/Khối phố",
    "Xã/Phường",
    "Khuyết tật",
    "Mức độ khuyết tật",
    "Hộ nghèo",
    "Năm xác nhận hộ nghèo/cận nghèo",
    "Họ tên cha/mẹ/người giám hộ",
    "Quan hệ",
    "Số điện thoại",
]


def _xlsx(tmp_path: Path, rows: list[list], name: str = "ds.xlsx") -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["DANH SÁCH HỌC SINH CÓ HOÀN CẢNH ĐẶC BIỆT KHÓ KHĂN"])
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    path = tmp_path / name
    wb.save(path)
    return path


ROWS = [
    [
        1,
        "Lê Văn Tám",
        "05/09/2012",
        "Nam",
        "Kinh",
        "045212000001",
        "7A",
        "Thôn 2",
        "Gio Mỹ",
        "",
        "",
        "x",
        2026,
        "Lê Văn Tư",
        "Cha",
        "0912345678",
    ],
    [
        2,
        "Hồ Thị Hoa",
        "2013",
        "Nữ",
        "Vân Kiều",
        "",
        "6B",
        "Thôn 1",
        "Gio Mỹ",
        "vận động",
        "nặng",
        "",
        "",
        "",
        "",
        "",
    ],
    [
        3,
        "Trần Thị Đào",
        "05/09/2012",
        "Nữ",
        "Kinh",
        "123",
        "8A",
        "",
        "",
        "",
        "",
        "x",
        2026,
        "",
        "",
        "",
    ],
]


def _stage(tmp_path, world, user, rows=ROWS, name="ds.xlsx") -> Submission:
    submission = submission_create(
        user=user, school=world.school_gl, upload=_xlsx(tmp_path, rows, name)
    )
    return submission_stage(submission=submission)


def test_it_stages_valid_rows_errors_and_differences(tmp_path, world, school_staff_gl):
    submission = _stage(tmp_path, world, school_staff_gl)
    assert (submission.rows_total, submission.rows_valid, submission.rows_error) == (3, 2, 1)
    assert submission.state == Submission.State.HAS_ERRORS
    bad = submission.rows.get(action=SubmissionRow.Action.INVALID)
    assert bad.row_number == 5 and "12 chữ số" in bad.errors[0]["message"]
    assert bad.errors[0]["column"].startswith("F")
    # The fixture's Trần Thị Đào is in the school but not in the valid rows: missing.
    assert submission.missing_count == 1
    assert Student.objects.filter(school=world.school_gl).count() == 1  # nothing written yet


def test_it_applies_the_valid_rows_and_records_the_submission_in_history(
    tmp_path, world, school_staff_gl
):
    submission = _stage(tmp_path, world, school_staff_gl)
    result = submission_apply(submission=submission, user=school_staff_gl)
    assert (result.created, result.updated, result.skipped_errors) == (2, 0, 1)
    tam = Student.objects.get(personal_id="045212000001")
    assert tam.school == world.school_gl and tam.grade == 7 and tam.commune == world.gio_my
    assert tam.circumstances.get().household_year == 2026
    assert tam.guardians.get().phone == "0912345678"
    assert tam.need_score == 6
    hoa = Student.objects.get(full_name="Hồ Thị Hoa")
    assert hoa.birth_date is None and hoa.birth_year == 2013
    assert hoa.circumstances.get().disability_level == "severe"
    event = tam.events.get()
    assert event.pgh_context.metadata["source"] == "import"
    assert event.pgh_context.metadata["submission"] == submission.pk
    submission.refresh_from_db()
    assert submission.state == Submission.State.SUBMITTED
    assert [r.row_number for r in submission.rows.order_by("row_number") if not r.applied] == [5]


def test_uploading_the_same_file_again_changes_nothing(tmp_path, world, school_staff_gl):
    submission_apply(submission=_stage(tmp_path, world, school_staff_gl), user=school_staff_gl)
    events = sum(s.events.count() for s in Student.objects.all())
    again = _stage(tmp_path, world, school_staff_gl, name="ds2.xlsx")
    assert (again.new_count, again.changed_count, again.unchanged_count) == (0, 0, 2)
    result = submission_apply(submission=again, user=school_staff_gl)
    assert (result.created, result.updated) == (0, 0)
    assert sum(s.events.count() for s in Student.objects.all()) == events


def test_it_updates_matched_students_without_erasing_what_the_file_leaves_blank(
    tmp_path, world, school_staff_gl
):
    submission_apply(submission=_stage(tmp_path, world, school_staff_gl), user=school_staff_gl)
    changed = [list(ROWS[0]), list(ROWS[1])]
    changed[0][6] = "8A"  # promoted
    changed[0][7] = ""  # village left blank: kept
    changed[0][15] = "0987654321"
    submission = _stage(tmp_path, world, school_staff_gl, rows=changed, name="ds3.xlsx")
    row = submission.rows.get(row_number=3)
    assert row.action == SubmissionRow.Action.CHANGED
    assert row.changes["grade"] == [7, 8] and "village" not in row.changes
    assert row.changes["guardian:phone"] == ["0912345678", "0987654321"]
    submission_apply(submission=submission, user=school_staff_gl)
    tam = Student.objects.get(personal_id="045212000001")
    assert (tam.grade, tam.class_name, tam.village) == (8, "8A", "Thôn 2")
    assert tam.guardians.get().phone == "0987654321"


def test_a_school_cannot_upload_for_another_school(tmp_path, world, school_staff_gl):
    with pytest.raises(Http404):
        submission_create(
            user=school_staff_gl, school=world.school_dh, upload=_xlsx(tmp_path, ROWS)
        )


def test_approval_marks_the_students_verified(tmp_path, world, school_staff_gl, district_staff_gl):
    submission = _stage(tmp_path, world, school_staff_gl)
    submission_apply(submission=submission, user=school_staff_gl)
    submission_review(submission=submission, user=district_staff_gl, approve=True)
    assert Student.objects.filter(school=world.school_gl, verified_at__isnull=False).count() == 2


def test_the_command_prints_a_json_summary(tmp_path, world):
    path = _xlsx(tmp_path, ROWS)
    out = StringIO()
    call_command(
        "import_students",
        str(path),
        "--school",
        world.school_gl.moet_code,
        stdout=out,
        stderr=StringIO(),
    )
    assert json.loads(out.getvalue().strip().splitlines()[-1]) == {
        "rows": 3,
        "valid": 2,
        "errors": 1,
        "created": 0,
        "updated": 0,
        "unchanged": 0,
    }
    out = StringIO()
    call_command(
        "import_students",
        str(path),
        "--school",
        world.school_gl.moet_code,
        "--commit",
        stdout=out,
        stderr=StringIO(),
    )
    summary = json.loads(out.getvalue().strip().splitlines()[-1])
    assert (summary["created"], summary["updated"]) == (2, 0)
    assert Student.objects.filter(school=world.school_gl).count() == 3


def test_a_birth_date_in_the_future_is_an_error(tmp_path, world, school_staff_gl):
    future = (dt.date.today() + dt.timedelta(days=30)).strftime("%d/%m/%Y")
    row = list(ROWS[0])
    row[2] = future
    submission = _stage(tmp_path, world, school_staff_gl, rows=[row])
    assert submission.rows_error == 1
    assert "tương lai" in submission.rows.get().errors[0]["message"]


def test_only_the_district_may_approve_or_send_back(
    tmp_path, world, school_staff_gl, district_staff_dh, district_staff_gl
):
    submission = _stage(tmp_path, world, school_staff_gl)
    submission_apply(submission=submission, user=school_staff_gl)
    with pytest.raises(Http404):
        submission_review(submission=submission, user=school_staff_gl, approve=True)
    with pytest.raises(Http404):
        submission_review(submission=submission, user=district_staff_dh, approve=True)
    returned = submission_review(
        submission=submission, user=district_staff_gl, approve=False, comment="Thiếu 2 em lớp 6"
    )
    assert (
        returned.state == Submission.State.RETURNED
        and returned.review_comment == "Thiếu 2 em lớp 6"
    )


def test_it_hands_the_file_back_with_the_error_cells_marked(tmp_path, world, school_staff_gl):
    from students.collection.errors_workbook import ERROR_FILL, errors_workbook_write

    submission = _stage(tmp_path, world, school_staff_gl)
    out = errors_workbook_write(submission=submission, path=tmp_path / "loi.xlsx")
    ws = openpyxl.load_workbook(out).active
    bad = ws["F5"]  # row 5, column F: the 3-digit personal ID
    assert bad.fill.fgColor.rgb.endswith(ERROR_FILL.fgColor.rgb[-6:])
    assert "12 chữ số" in bad.comment.text
    assert "12 chữ số" in ws.cell(row=5, column=len(HEADER) + 1).value
    assert ws["B3"].value == "Lê Văn Tám" and ws["B3"].comment is None


def test_it_scores_new_students_and_rescores_changed_ones(tmp_path, world, school_staff_gl):
    submission_apply(submission=_stage(tmp_path, world, school_staff_gl), user=school_staff_gl)
    assert Student.objects.get(full_name="Hồ Thị Hoa").need_score == 8  # severe disability
    row = list(ROWS[1])
    row[11], row[12] = "x", 2026  # now also a poor household
    submission_apply(
        submission=_stage(tmp_path, world, school_staff_gl, rows=[row], name="ds4.xlsx"),
        user=school_staff_gl,
    )
    assert Student.objects.get(full_name="Hồ Thị Hoa").need_score == 8 + 6


def test_it_warns_of_a_possible_duplicate_studying_at_another_school(
    tmp_path, world, school_staff_gl
):
    StudentFactory(
        school=world.school_dh,
        full_name="Le Van Tam",
        birth_date=dt.date(2012, 9, 5),
        birth_year=2012,
    )
    # Same name without the date: not enough to suspect a duplicate.
    StudentFactory(school=world.school_dh, full_name="Hồ Thị Hoa", birth_date=dt.date(2013, 1, 2))
    submission = _stage(tmp_path, world, school_staff_gl)
    row = submission.rows.get(row_number=3)
    assert row.action == SubmissionRow.Action.NEW
    assert [w["message"] for w in row.warnings] == [
        "Có thể trùng với học sinh Le Van Tam (sinh 05/09/2012) đang học ở Trường THCS Nguyễn Trãi."
    ]
    assert submission.rows.get(row_number=4).warnings == []
    assert submission.rows_warning == 1
    submission_apply(submission=submission, user=school_staff_gl)
    # A warning does not stop the row: the district decides whether to merge.
    assert Student.objects.filter(full_name="Lê Văn Tám", school=world.school_gl).exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_long_file_is_staged_by_the_writer_thread(tmp_path, world, school_staff_gl, monkeypatch):
    from students.collection import staging

    monkeypatch.setattr(staging, "_CHUNK", 1)
    monkeypatch.setattr(staging, "_THREADED_ROWS", 1)
    opened = []
    real_open = staging._RowWriter.open
    monkeypatch.setattr(
        staging._RowWriter,
        "open",
        classmethod(lambda cls, **kw: opened.append(w := real_open(**kw)) or w),
    )
    submission = _stage(tmp_path, world, school_staff_gl)
    assert opened and opened[0] is not None
    assert (submission.rows_total, submission.rows_valid, submission.rows_error) == (3, 2, 1)
    assert sorted(submission.rows.values_list("row_number", "action")) == [
        (3, "new"),
        (4, "new"),
        (5, "invalid"),
    ]
    result = submission_apply(submission=submission, user=school_staff_gl)
    assert result.created == 2


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_file_rejected_half_way_leaves_no_staged_rows(
    tmp_path, world, school_staff_gl, monkeypatch, settings
):
    from students.collection import staging

    monkeypatch.setattr(staging, "_CHUNK", 1)
    monkeypatch.setattr(staging, "_THREADED_ROWS", 1)
    settings.IMPORT_MAX_ROWS = 2
    submission = _stage(tmp_path, world, school_staff_gl)
    assert submission.state == Submission.State.FAILED
    assert "vượt giới hạn" in submission.file_errors[0]["message"]
    assert not SubmissionRow.objects.filter(submission=submission).exists()


def test_backslashes_and_quotes_survive_staging(tmp_path, world, school_staff_gl):
    rows = [list(ROWS[0])]
    rows[0][7] = 'Thôn 2\\3 "Cồn"'
    submission = _stage(tmp_path, world, school_staff_gl, rows=rows)
    row = submission.rows.get(row_number=3)
    assert row.data["values"]["village"] == 'Thôn 2\\3 "Cồn"'


def test_a_record_merged_into_another_is_not_matched(tmp_path, world, school_staff_gl):
    hoa = {
        "school": world.school_gl,
        "full_name": "Hồ Thị Hoa",
        "birth_date": None,
        "gender": "female",
    }
    kept = StudentFactory(**hoa, birth_year=2013)
    StudentFactory(**hoa, birth_year=2013, merged_into=kept)
    submission = _stage(tmp_path, world, school_staff_gl)
    row = submission.rows.get(row_number=4)
    assert (row.action, row.student_id) in (("changed", kept.pk), ("unchanged", kept.pk))
    assert submission.missing_count == 1  # world.student_gl, not the merged record


def test_two_namesakes_born_the_same_day_stay_two_students(tmp_path, world, school_staff_gl):
    # No personal ID, no MOET code: matched by name and birth, each to its own record.
    twin = [list(ROWS[1]), list(ROWS[1])]
    twin[1][0], twin[1][7] = 2, "Thôn 5"
    submission_apply(
        submission=_stage(tmp_path, world, school_staff_gl, rows=twin), user=school_staff_gl
    )
    assert Student.objects.filter(full_name="Hồ Thị Hoa").count() == 2
    # The same list again, in the other order: nothing changes.
    again = _stage(tmp_path, world, school_staff_gl, rows=twin[::-1], name="ds2.xlsx")
    assert (again.new_count, again.changed_count, again.unchanged_count) == (0, 0, 2)
    assert len(set(again.rows.values_list("student_id", flat=True))) == 2


def test_a_namesake_with_another_personal_id_or_gender_is_another_child(
    tmp_path, world, school_staff_gl
):
    # Lê Văn Tám, born 05/09/2012, is on record with his ID. A row of the same name and
    # birth with another ID, or marked as a girl, is a new student, not a change to him.
    submission_apply(
        submission=_stage(tmp_path, world, school_staff_gl, rows=[ROWS[0]]), user=school_staff_gl
    )
    other_id, girl = list(ROWS[0]), list(ROWS[0])
    other_id[5] = "045212000099"
    girl[0], girl[3], girl[5] = 2, "Nữ", ""
    again = _stage(tmp_path, world, school_staff_gl, rows=[other_id, girl], name="ds2.xlsx")
    assert (again.new_count, again.changed_count) == (2, 0)
