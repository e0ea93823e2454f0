"""Academic results: reading the department's export, matching rows to the registry,
the preview, confirming it, and who may do it."""

from __future__ import annotations

import csv
import datetime as dt
import json

import openpyxl
import pytest
from django.urls import reverse

from khuyenhoc.models import Job
from students.models import AcademicResult
from students.results.match import results_match
from students.results.parse import results_file_parse
from tests.factories import StudentFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 15)
TITLE = [
    ["SỞ GIÁO DỤC VÀ ĐÀO TẠO QUẢNG TRỊ"],
    ["TRƯỜNG THCS GIO MỸ"],
    ["BẢNG TỔNG HỢP KẾT QUẢ XẾP LOẠI CẢ NĂM - NĂM HỌC 2025-2026"],
    [],
]
HEADER = [
    "STT",
    "Mã học sinh",
    "Họ và tên",
    "Ngày sinh",
    "Lớp",
    "Kết quả học tập",
    "Kết quả rèn luyện",
    "Danh hiệu",
]


def xlsx(tmp_path, rows, name="ketqua.xlsx", merges=()):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "KQ"
    for row in rows:
        ws.append(row)
    for merge in merges:
        ws.merge_cells(merge)
    path = tmp_path / name
    wb.save(path)
    return path


def csv_file(tmp_path, rows, name="ketqua.csv"):
    path = tmp_path / name
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


@pytest.fixture
def gl_students(world):
    """Students of the Gio Mỹ school: one with a MOET code, namesakes told apart by
    their dates of birth, and twins nobody can tell apart without a code."""
    school = world.school_gl
    return {
        "code": StudentFactory(
            school=school, full_name="Lê Văn Bình", moet_code="4600012345", grade=8
        ),
        "hoa": StudentFactory(
            school=school, full_name="Nguyễn Thị Hoa", birth_date=dt.date(2012, 3, 4), grade=8
        ),
        "hoa2": StudentFactory(
            school=school, full_name="Nguyễn Thị Hoa", birth_date=dt.date(2013, 5, 6), grade=7
        ),
        "twin1": StudentFactory(
            school=school, full_name="Hồ Văn Nam", birth_date=dt.date(2012, 1, 1), grade=8
        ),
        "twin2": StudentFactory(
            school=school, full_name="Hồ Văn Nam", birth_date=dt.date(2012, 1, 1), grade=8
        ),
    }


def good_rows():
    return [
        *TITLE,
        HEADER,
        [1, "4600012345", "LÊ VĂN BÌNH", "05/09/2012", "8A", "Tốt", "T", "Học sinh Xuất sắc"],
        [2, "", "Nguyen Thi Hoa", dt.datetime(2012, 3, 4), "8B", "Khá", "Tốt", ""],
        [3, "", "Nguyễn Thị Hoa", "06/05/2013", "7A", "k", "Đ", "hsg"],
        [4, "", "Hồ Văn Nam", "01/01/2012", "8A", "Đạt", "Tốt", ""],
        [5, "", "Trần Văn Không Có", "02/02/2012", "8C", "Đạt", "Đạt", ""],
        [6, "", "Nguyễn Thị Hoa", "09/09/2012", "8B", "Khá", "Tốt", ""],
        [7, "", "Phạm Lỗi", "31/02/2012", "8C", "Siêu", "Tốt", ""],
        [],
        ["", "", "Gio Mỹ, ngày 30 tháng 5 năm 2026"],
        ["", "", "HIỆU TRƯỞNG"],
    ]


def test_it_reads_the_header_below_a_title_block_and_the_year_it_names(tmp_path, world):
    parsed = results_file_parse(path=xlsx(tmp_path, good_rows()), name="kq.xlsx", today=TODAY)
    assert parsed.file_errors == []
    assert parsed.school_year_in_file == 2025
    assert [r.row for r in parsed.rows] == [6, 7, 8, 9, 10, 11, 12]
    first = parsed.rows[0]
    assert (first.moet_code, first.full_name, first.name_key) == (
        "4600012345",
        "Lê Văn Bình",
        "le van binh",
    )
    assert (first.grade, first.academic_result, first.conduct, first.title) == (
        8,
        "Tốt",
        "Tốt",
        "Học sinh Xuất sắc",
    )
    third = parsed.rows[2]
    assert (third.academic_result, third.conduct, third.title) == ("Khá", "Đạt", "Học sinh Giỏi")


def test_it_reports_bad_cells_with_row_column_and_a_vietnamese_message(tmp_path, world):
    parsed = results_file_parse(path=xlsx(tmp_path, good_rows()), name="kq.xlsx", today=TODAY)
    bad = parsed.rows[-1]
    assert bad.row == 12
    by_column = {i.column: i for i in bad.errors}
    assert set(by_column) == {"D (Ngày sinh)", "F (Kết quả học tập)"}
    assert "không có thật" in by_column["D (Ngày sinh)"].message
    assert "“Siêu” không phải mức xếp loại" in by_column["F (Kết quả học tập)"].message
    assert "Giỏi, Khá" in by_column["F (Kết quả học tập)"].fix


def test_it_reads_the_year_columns_of_a_two_row_header_with_semesters(tmp_path, world):
    rows = [
        ["KẾT QUẢ XẾP LOẠI NĂM HỌC 2025 - 2026"],
        [
            "STT",
            "Họ tên học sinh",
            "Ngày sinh",
            "Lớp",
            "Học kỳ I",
            "",
            "Học kỳ II",
            "",
            "Cả năm",
            "",
            "Danh hiệu",
        ],
        ["", "", "", "", "HL", "HK", "HL", "HK", "HL", "HK", ""],
        ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)", "(8)", "(9)", "(10)", "(11)"],
        [1, "Nguyễn Thị Hoa", "04/03/2012", "8B", "TB", "K", "K", "T", "Giỏi", "Tốt", "HSG"],
    ]
    path = xlsx(tmp_path, rows, merges=("E2:F2", "G2:H2", "I2:J2"))
    parsed = results_file_parse(path=path, name="kq.xlsx", today=TODAY)
    assert parsed.file_errors == []
    (row,) = parsed.rows
    assert (row.row, row.academic_result, row.conduct, row.title) == (
        5,
        "Giỏi",
        "Tốt",
        "Học sinh Giỏi",
    )


def test_it_refuses_a_file_without_result_columns(tmp_path, world):
    rows = [["Họ và tên", "Ngày sinh", "Lớp"], ["Nguyễn Thị Hoa", "04/03/2012", "8B"]]
    parsed = results_file_parse(path=xlsx(tmp_path, rows), name="kq.xlsx", today=TODAY)
    assert parsed.rows == []
    assert "không có cột kết quả" in parsed.file_errors[0].message


def test_it_matches_on_the_code_then_on_name_and_birth_date_in_one_query(
    tmp_path, world, gl_students, django_assert_num_queries
):
    parsed = results_file_parse(path=xlsx(tmp_path, good_rows()), name="kq.xlsx", today=TODAY)
    good = [r for r in parsed.rows if not r.errors]
    with django_assert_num_queries(1):
        found = results_match(school_id=world.school_gl.pk, rows=good)
    assert {r.row: sid for r, sid in found.matched} == {
        6: gl_students["code"].pk,
        7: gl_students["hoa"].pk,  # no diacritics in the file, found anyway
        8: gl_students["hoa2"].pk,
    }
    reasons = {r.row: reason for r, reason in found.unmatched}
    assert set(reasons) == {9, 10, 11}
    assert "2 học sinh cùng họ tên và ngày sinh" in reasons[9]
    assert "Không có học sinh có họ tên và ngày sinh này" in reasons[10]
    assert "ngày sinh trong hồ sơ là 04/03/2012, 06/05/2013" in reasons[11]


def test_it_never_matches_a_student_of_another_school(tmp_path, world, gl_students):
    parsed = results_file_parse(path=xlsx(tmp_path, good_rows()), name="kq.xlsx", today=TODAY)
    found = results_match(
        school_id=world.school_dh.pk, rows=[r for r in parsed.rows if not r.errors]
    )
    assert found.matched == []


def test_it_lists_a_student_twice_in_the_file_once(tmp_path, world, gl_students):
    rows = [HEADER, [1, "4600012345", "Lê Văn Bình", "", "8A", "Tốt", "Tốt", ""]] * 1
    rows.append([2, "4600012345", "Lê Văn Bình", "", "8A", "Khá", "Tốt", ""])
    parsed = results_file_parse(path=xlsx(tmp_path, rows), name="kq.xlsx", today=TODAY)
    found = results_match(school_id=world.school_gl.pk, rows=parsed.rows)
    assert len(found.matched) == 1
    assert "Cùng một học sinh với dòng 2" in found.unmatched[0][1]


# A MOET code is one mistyped digit away from another child's: a row found by its code
# is checked against the record's name and birth.


@pytest.fixture
def coded(world):
    """Students of the Gio Mỹ school with MOET codes, one known only by year of birth."""
    school = world.school_gl
    return {
        "binh": StudentFactory(
            school=school,
            full_name="Lê Văn Bình",
            moet_code="4600012345",
            birth_date=dt.date(2012, 9, 5),
        ),
        "cuc": StudentFactory(
            school=school,
            full_name="Trần Thị Cúc",
            moet_code="4600012346",
            birth_date=dt.date(2013, 1, 2),
        ),
        "mai": StudentFactory(
            school=school,
            full_name="Hồ Thị Mai",
            moet_code="4600012347",
            birth_date=None,
            birth_year=2012,
        ),
    }


def match_one(tmp_path, world, code, name, birth):
    """Match a file of one row (code, name, birth) for the Gio Mỹ school."""
    path = csv_file(tmp_path, [HEADER, [1, code, name, birth, "8A", "Khá", "", ""]])
    parsed = results_file_parse(path=path, name="kq.csv", today=TODAY)
    assert [r.errors for r in parsed.rows] == [[]]
    return results_match(school_id=world.school_gl.pk, rows=parsed.rows)


def test_it_refuses_a_code_whose_record_differs_in_both_name_and_birth(tmp_path, world, coded):
    # Lê Văn Bình's row carries Trần Thị Cúc's code: one digit off.
    found = match_one(tmp_path, world, "4600012346", "Lê Văn Bình", "05/09/2012")
    assert found.matched == [] and found.checks == {}
    ((row, reason),) = found.unmatched
    assert row.row == 2
    assert reason == (
        "Mã học sinh 4600012346 trong hồ sơ là của Trần Thị Cúc, sinh 02/01/2013: khác cả họ"
        " tên và ngày sinh trong tệp. Hãy kiểm tra lại mã học sinh rồi tải lên lại."
    )


def test_it_matches_a_code_whose_name_differs_with_a_check(tmp_path, world, coded):
    found = match_one(tmp_path, world, "4600012345", "Lê Bình", "05/09/2012")
    assert [(r.row, sid) for r, sid in found.matched] == [(2, coded["binh"].pk)]
    assert found.checks == {
        2: "Họ tên trong tệp là “Lê Bình”, trong hồ sơ là “Lê Văn Bình”; kiểm tra lại"
        " mã học sinh trước khi xác nhận."
    }


def test_it_matches_a_code_whose_birth_date_differs_with_a_check(tmp_path, world, coded):
    found = match_one(tmp_path, world, "4600012346", "Trần Thị Cúc", "03/01/2013")
    assert [sid for _r, sid in found.matched] == [coded["cuc"].pk]
    assert found.checks == {
        2: "Ngày sinh trong tệp là 03/01/2013, trong hồ sơ là 02/01/2013; kiểm tra lại mã"
        " học sinh trước khi xác nhận."
    }


def test_it_compares_names_without_diacritics_or_case(tmp_path, world, coded):
    found = match_one(tmp_path, world, "4600012346", "TRAN THI CUC", "02/01/2013")
    assert [sid for _r, sid in found.matched] == [coded["cuc"].pk]
    assert found.checks == {} and found.unmatched == []


def outcome(found, student_pk) -> tuple[str, str]:
    """("matched" | "check" | "unmatched", the message) of a one-row match."""
    if not found.matched:
        return "unmatched", found.unmatched[0][1]
    assert [sid for _r, sid in found.matched] == [student_pk] and found.unmatched == []
    return ("check", found.checks[2]) if found.checks else ("matched", "")


@pytest.mark.parametrize(
    ("code", "name", "birth", "expected", "text"),
    [
        # Only the year in the file, a date in the record.
        ("4600012345", "Lê Văn Bình", "2012", "matched", ""),
        ("4600012345", "Lê Văn Bình", "2013", "check", "Năm sinh trong tệp là 2013, trong hồ sơ"),
        ("4600012345", "Trần Thị Cúc", "2013", "unmatched", "của Lê Văn Bình, sinh 05/09/2012"),
        ("4600012345", "Trần Thị Cúc", "2012", "check", "Họ tên trong tệp là “Trần Thị Cúc”"),
        # Only the year in the record, a date in the file.
        ("4600012347", "Hồ Thị Mai", "04/04/2012", "matched", ""),
        ("4600012347", "Hồ Thị Mai", "04/04/2011", "check", "là 04/04/2011, trong hồ sơ là 2012"),
        ("4600012347", "Lê Văn Bình", "04/04/2011", "unmatched", "của Hồ Thị Mai, sinh 2012:"),
    ],
)
def test_it_compares_the_year_when_only_the_year_is_known(
    tmp_path, world, coded, code, name, birth, expected, text
):
    found = match_one(tmp_path, world, code, name, birth)
    student = {s.moet_code: s.pk for s in coded.values()}[code]
    kind, message = outcome(found, student)
    assert kind == expected and text in message
    if kind == "unmatched":
        assert "kiểm tra lại mã học sinh" in message


@pytest.mark.parametrize(
    ("name", "birth", "expected", "text"),
    [
        ("", "", "matched", ""),  # nothing to compare
        ("Lê Văn Bình", "", "matched", ""),
        ("", "05/09/2012", "matched", ""),
        # Only one side to compare, and it differs: a check, not a refusal.
        ("", "06/09/2012", "check", "Ngày sinh trong tệp là 06/09/2012"),
        ("Trần Thị Cúc", "", "check", "Họ tên trong tệp là “Trần Thị Cúc”"),
    ],
)
def test_it_matches_on_the_code_alone_what_it_cannot_compare(
    tmp_path, world, coded, name, birth, expected, text
):
    found = match_one(tmp_path, world, "4600012345", name, birth)
    kind, message = outcome(found, coded["binh"].pk)
    assert kind == expected and text in message


def test_it_checks_every_row_of_a_file_in_one_query(
    tmp_path, world, coded, django_assert_num_queries
):
    rows = [
        HEADER,
        [1, "4600012346", "Lê Văn Bình", "05/09/2012", "8A", "Khá", "", ""],
        [2, "4600012345", "Lê Bình", "05/09/2012", "8A", "Khá", "", ""],
        [3, "4600012347", "Hồ Thị Mai", "2011", "8A", "Khá", "", ""],
        [4, "", "Trần Thị Cúc", "02/01/2013", "7A", "Khá", "", ""],
    ]
    parsed = results_file_parse(path=csv_file(tmp_path, rows), name="kq.csv", today=TODAY)
    with django_assert_num_queries(1):
        found = results_match(school_id=world.school_gl.pk, rows=parsed.rows)
    assert {r.row: sid for r, sid in found.matched} == {
        3: coded["binh"].pk,
        4: coded["mai"].pk,
        5: coded["cuc"].pk,
    }
    assert [r.row for r, _reason in found.unmatched] == [2]
    assert set(found.checks) == {3, 4}


def upload(client, path, school, year=2025, capture=None):
    with path.open("rb") as fh, capture(execute=True):
        return client.post(
            reverse("results:upload"), {"school": school.pk, "school_year": year, "file": fh}
        )


def test_it_previews_then_writes_the_results_once_confirmed(
    client, tmp_path, world, gl_students, school_staff_gl, django_capture_on_commit_callbacks
):
    AcademicResult.objects.create(
        student=gl_students["hoa"],
        school_year=2025,
        grade=8,
        academic_result="Khá",
        conduct="Tốt",
        title="Giữ nguyên",
    )
    client.force_login(school_staff_gl)
    response = upload(
        client,
        xlsx(tmp_path, good_rows()),
        world.school_gl,
        capture=django_capture_on_commit_callbacks,
    )
    job = Job.objects.get(kind="results_preview")
    assert response.status_code == 302 and response.url == f"/tac-vu/{job.pk}/"
    assert job.state == Job.State.DONE, job.error
    assert AcademicResult.objects.count() == 1  # nothing written before the confirmation

    page = client.get(reverse("results:preview", args=[job.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Dòng 9" in html and "2 học sinh cùng họ tên và ngày sinh" in html
    assert "F (Kết quả học tập)" in html and "không phải mức xếp loại" in html
    assert job.result["counts"] == {"new": 2, "changed": 0, "same": 1}

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("results:confirm", args=[job.pk]))
    apply_job = Job.objects.get(kind="results_apply")
    assert response.url == f"/tac-vu/{apply_job.pk}/"
    assert apply_job.state == Job.State.DONE, apply_job.error
    results = {
        r.student_id: (r.school_year, r.grade, r.academic_result, r.conduct, r.title)
        for r in AcademicResult.objects.all()
    }
    assert results == {
        gl_students["code"].pk: (2025, 8, "Tốt", "Tốt", "Học sinh Xuất sắc"),
        gl_students["hoa"].pk: (2025, 8, "Khá", "Tốt", "Giữ nguyên"),  # empty cell keeps
        gl_students["hoa2"].pk: (2025, 7, "Khá", "Đạt", "Học sinh Giỏi"),
    }
    job.refresh_from_db()
    assert job.result["applied"]["created"] == 2 and job.result["applied"]["unchanged"] == 1
    assert (
        "Đã ghi vào hồ sơ" in client.get(reverse("results:preview", args=[job.pk])).content.decode()
    )

    # A preview is written once.
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(reverse("results:confirm", args=[job.pk]), follow=True)
    assert "đã được xác nhận rồi" in again.content.decode()
    assert Job.objects.filter(kind="results_apply").count() == 1


def test_it_shows_the_rows_to_check_and_writes_only_the_matched_ones(
    client, tmp_path, world, coded, school_staff_gl, django_capture_on_commit_callbacks
):
    rows = [
        HEADER,
        [1, "4600012346", "Lê Văn Bình", "05/09/2012", "8A", "Giỏi", "Tốt", ""],  # Cúc's code
        [2, "4600012345", "Lê Bình", "05/09/2012", "8A", "Khá", "Tốt", ""],
        [3, "4600012346", "Trần Thị Cúc", "03/01/2013", "7A", "Đạt", "Tốt", ""],
        [4, "4600012347", "Hồ Thị Mai", "2012", "8B", "Tốt", "Tốt", ""],
    ]
    client.force_login(school_staff_gl)
    upload(
        client,
        xlsx(tmp_path, rows),
        world.school_gl,
        capture=django_capture_on_commit_callbacks,
    )
    job = Job.objects.get(kind="results_preview")
    assert job.state == Job.State.DONE, job.error
    json.dumps(job.result)
    assert [r[0] for r in job.result["matched"]] == [3, 4, 5]
    assert [r[0] for r in job.result["unmatched"]] == [2]
    assert [r[0] for r in job.result["checks"]] == [3, 4]
    assert job.message == "Khớp 3 dòng, không khớp 1, lỗi 0; 2 dòng khớp cần kiểm tra"

    html = client.get(reverse("results:preview", args=[job.pk])).content.decode()
    assert '<span class="stat-value">2</span><span class="stat-label">Cần kiểm tra</span>' in html
    assert "2 dòng khớp theo mã học sinh nhưng họ tên hoặc ngày sinh trong tệp khác hồ sơ" in html
    assert "Mã học sinh 4600012346 trong hồ sơ là của Trần Thị Cúc, sinh 02/01/2013" in html
    assert "Họ tên trong tệp là “Lê Bình”, trong hồ sơ là “Lê Văn Bình”" in html
    assert "Ngày sinh trong tệp là 03/01/2013, trong hồ sơ là 02/01/2013" in html
    # The rows to check come first in the list of matched rows.
    assert html.index("Lê Bình”") < html.index("Dòng 5<") < html.index(">Hồ Thị Mai<")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("results:confirm", args=[job.pk]))
    assert dict(AcademicResult.objects.values_list("student_id", "academic_result")) == {
        coded["binh"].pk: "Khá",
        coded["cuc"].pk: "Đạt",
        coded["mai"].pk: "Tốt",
    }


def test_it_reads_a_csv_and_warns_when_the_file_names_another_year(
    client, tmp_path, world, gl_students, district_staff_gl, django_capture_on_commit_callbacks
):
    client.force_login(district_staff_gl)
    path = csv_file(tmp_path, good_rows())
    upload(client, path, world.school_gl, year=2024, capture=django_capture_on_commit_callbacks)
    job = Job.objects.get(kind="results_preview")
    assert len(job.result["matched"]) == 3
    html = client.get(reverse("results:preview", args=[job.pk])).content.decode()
    assert "Tệp ghi năm học 2025-2026 nhưng bạn đã chọn năm học 2024-2025" in html


def test_it_writes_a_big_file_with_a_fixed_number_of_queries(
    tmp_path, world, district_staff_gl, django_assert_max_num_queries
):
    from students.results.services import results_apply, results_preview

    students = StudentFactory.create_batch(300, school=world.school_gl)
    rows = [HEADER] + [
        [i, "", s.full_name, s.birth_date.strftime("%d/%m/%Y"), "8A", "Tốt", "Tốt", ""]
        for i, s in enumerate(students, 1)
    ]
    path = xlsx(tmp_path, rows)
    from django.core.files.storage import default_storage

    stored = default_storage.save("results/big.xlsx", path.open("rb"))
    job = Job.objects.create(owner=district_staff_gl, kind="results_preview")
    with django_assert_max_num_queries(4):
        result = results_preview(
            job_id=job.pk,
            stored=stored,
            name="big.xlsx",
            school_id=world.school_gl.pk,
            school_year=2025,
            today=TODAY,
        )
    assert len(result["matched"]) == 300 and not default_storage.exists(stored)
    job.result = result
    job.state = Job.State.DONE
    job.save()
    with django_assert_max_num_queries(12):
        applied = results_apply(user=district_staff_gl, preview=job)
    assert applied["created"] == 300
    assert AcademicResult.objects.filter(school_year=2025, conduct="Tốt").count() == 300
    assert results_apply(user=district_staff_gl, preview=job)["unchanged"] == 300


def test_it_refuses_a_renamed_or_broken_file_with_a_message(
    client, tmp_path, world, school_staff_gl, django_capture_on_commit_callbacks
):
    client.force_login(school_staff_gl)
    path = tmp_path / "ketqua.xlsx"
    path.write_bytes(b"this is no spreadsheet at all")
    response = upload(client, path, world.school_gl, capture=django_capture_on_commit_callbacks)
    assert response.status_code == 400
    assert "không khớp với đuôi .xlsx" in response.content.decode()
    assert not Job.objects.exists()


def test_it_lets_staff_upload_only_for_schools_in_their_scope(
    client, tmp_path, world, district_staff_dh, django_capture_on_commit_callbacks
):
    client.force_login(district_staff_dh)
    response = upload(
        client,
        xlsx(tmp_path, good_rows()),
        world.school_gl,
        capture=django_capture_on_commit_callbacks,
    )
    assert response.status_code == 400
    assert "Hãy chọn một trường trong danh sách" in response.content.decode()
    assert world.school_gl.name not in client.get(reverse("results:upload")).content.decode()
    assert not Job.objects.exists()


def test_it_answers_404_for_a_preview_of_someone_else_or_outside_the_scope(
    client,
    tmp_path,
    world,
    gl_students,
    school_staff_gl,
    district_staff_dh,
    leader,
    django_capture_on_commit_callbacks,
):
    client.force_login(school_staff_gl)
    upload(
        client,
        xlsx(tmp_path, good_rows()),
        world.school_gl,
        capture=django_capture_on_commit_callbacks,
    )
    job = Job.objects.get(kind="results_preview")
    for other in (district_staff_dh, leader):
        client.force_login(other)
        assert client.get(reverse("results:preview", args=[job.pk])).status_code == 404
        assert client.post(reverse("results:confirm", args=[job.pk])).status_code == 404
    # The job moved to someone outside the school's scope: still 404.
    Job.objects.filter(pk=job.pk).update(owner=district_staff_dh)
    client.force_login(district_staff_dh)
    assert client.get(reverse("results:preview", args=[job.pk])).status_code == 404
    assert not AcademicResult.objects.exists()


def test_it_shows_a_leader_no_school_to_upload_for(client, world, leader):
    client.force_login(leader)
    html = client.get(reverse("results:upload")).content.decode()
    assert "Bạn không có quyền cập nhật kết quả học tập của trường nào" in html
