import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from khuyenhoc.models import Job, School
from students.models import LevelLeaver, Rollover, Status, StatusChange, Student
from students.status.rollover import RolloverError, current_school_year, rollover_run
from tests.factories import SchoolFactory, StudentFactory

pytestmark = pytest.mark.django_db

YEAR = current_school_year()


@pytest.fixture
def schools(world):
    primary = SchoolFactory(
        name="Trường Tiểu học Gio Mỹ",
        commune=world.gio_my,
        level=School.Level.PRIMARY,
        grade_min=1,
        grade_max=5,
    )
    high = SchoolFactory(
        name="Trường THPT Gio Linh",
        commune=world.gio_my,
        level=School.Level.UPPER_SECONDARY,
        grade_min=10,
        grade_max=12,
    )
    multi = SchoolFactory(
        name="Trường Liên cấp Đông Hà",
        commune=world.phuong_1,
        level=School.Level.MULTI_LEVEL,
        grade_min=1,
        grade_max=12,
    )
    return primary, high, multi


@pytest.fixture
def pupils(world, schools):
    primary, high, multi = schools
    return {
        "g5": StudentFactory(full_name="Lê Văn Năm", school=primary, grade=5, class_name="5A"),
        "g3": StudentFactory(full_name="Lê Thị Ba", school=primary, grade=3, class_name="3B"),
        "g9": StudentFactory(
            full_name="Hồ Văn Chín", school=world.school_gl, grade=9, class_name="9A"
        ),
        "g11": StudentFactory(
            full_name="Phan Thị Mười Một", school=high, grade=11, class_name="11A2"
        ),
        "g12": StudentFactory(
            full_name="Võ Văn Mười Hai", school=high, grade=12, class_name="12A1"
        ),
        "g12_dropped": StudentFactory(
            full_name="Đỗ Văn Nghỉ", school=high, grade=12, status=Status.DROPPED_OUT
        ),
        "multi5": StudentFactory(
            full_name="Trương Thị Liên Cấp", school=multi, grade=5, class_name="Lớp Mầm"
        ),
    }


def grades(pupils) -> dict:
    return {
        key: Student.objects.values_list("grade", "class_name", "status").get(pk=s.pk)
        for key, s in pupils.items()
    }


def test_it_promotes_graduates_and_flags_leavers(world, pupils, provincial_staff):
    run = rollover_run(school_year=YEAR, user=provincial_staff)
    after = grades(pupils)
    assert after["g3"] == (4, "4B", Status.STUDYING)
    assert after["g5"] == (6, "6A", Status.STUDYING)
    assert after["g9"] == (10, "10A", Status.STUDYING)
    assert after["g11"] == (12, "12A2", Status.STUDYING)
    assert after["g12"] == (12, "12A1", Status.GRADUATED)
    # Not studying: left alone.
    assert after["g12_dropped"][2] == Status.DROPPED_OUT
    # A class not named after its grade keeps its name.
    assert after["multi5"] == (6, "Lớp Mầm", Status.STUDYING)
    # world.student_dh (7) and world.student_gl (8) move up too.
    assert Student.objects.get(pk=world.student_dh.pk).grade == 8
    graduation = StatusChange.objects.get(student=pupils["g12"])
    assert graduation.status == Status.GRADUATED
    assert "Hoàn thành lớp 12" in graduation.reason
    leavers = {row.student_id: row for row in LevelLeaver.objects.all()}
    assert set(leavers) == {pupils["g5"].pk, pupils["g9"].pk, pupils["multi5"].pk}
    assert leavers[pupils["g5"].pk].reason == LevelLeaver.Reason.PRIMARY_DONE
    assert leavers[pupils["g5"].pk].may_stay is False
    assert leavers[pupils["g9"].pk].reason == LevelLeaver.Reason.LOWER_SECONDARY_DONE
    assert leavers[pupils["multi5"].pk].may_stay is True
    assert (run.promoted, run.graduated, run.leavers) == (7, 1, 3)


def test_it_promotes_only_once_per_school_year(world, pupils, provincial_staff):
    rollover_run(school_year=YEAR, user=provincial_staff)
    with pytest.raises(RolloverError, match="đã được lên lớp"):
        rollover_run(school_year=YEAR, user=provincial_staff)
    with pytest.raises(RolloverError, match="không thể lên lớp cho năm học"):
        rollover_run(school_year=YEAR - 1, user=provincial_staff)
    assert grades(pupils)["g3"][0] == 4
    assert Rollover.objects.count() == 1
    assert StatusChange.objects.filter(status=Status.GRADUATED).count() == 1


def test_it_records_the_source_in_the_history(world, pupils, provincial_staff):
    rollover_run(school_year=YEAR, user=provincial_staff)
    event = world.student_dh.events.order_by("-pgh_id").first()
    assert event.grade == 8
    metadata = event.pgh_context.metadata
    assert metadata["source"] == "rollover"
    assert metadata["school_year"] == YEAR
    assert metadata["user"] == provincial_staff.pk


def test_the_command_runs_once_and_says_so(world, pupils, capsys):
    call_command("rollover_school_year", "--year", str(YEAR))
    out = capsys.readouterr().out
    assert '"promoted": 7' in out
    assert '"graduated": 1' in out
    event = world.student_gl.events.order_by("-pgh_id").first()
    assert event.pgh_context.metadata["source"] == "command"
    assert event.pgh_context.metadata["command"] == "rollover_school_year"
    with pytest.raises(CommandError, match="đã được lên lớp"):
        call_command("rollover_school_year", "--year", str(YEAR))
    assert grades(pupils)["g3"][0] == 4


def test_it_refuses_a_year_too_far_ahead(world):
    with pytest.raises(RolloverError, match="không hợp lệ"):
        rollover_run(school_year=timezone.localdate().year + 2)


def test_it_is_one_statement_per_step(
    world, pupils, provincial_staff, django_assert_max_num_queries
):
    more = [StudentFactory(school=world.school_dh, grade=6) for _ in range(20)]
    with django_assert_max_num_queries(16):
        run = rollover_run(school_year=YEAR, user=provincial_staff)
    assert run.promoted == 7 + len(more)


def test_district_staff_roll_over_only_their_district_from_the_command(
    world, pupils, district_staff_dh
):
    call_command("rollover_school_year", "--year", str(YEAR), "--user", "hoi_dongha")
    after = grades(pupils)
    assert after["g3"][0] == 3  # Gio Linh: untouched
    assert after["multi5"][0] == 6  # Đông Hà
    assert Student.objects.get(pk=world.student_dh.pk).grade == 8


# --- pages --------------------------------------------------------------------------


def test_provincial_staff_start_the_job_from_the_page(
    client, world, pupils, provincial_staff, django_capture_on_commit_callbacks
):
    client.force_login(provincial_staff)
    page = client.get(reverse("students:rollover"))
    assert page.status_code == 200
    assert "Lớp 12 sẽ tốt nghiệp" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("students:rollover"), {"school_year": YEAR, "confirm": "on"})
    job = Job.objects.get(owner=provincial_staff, kind="rollover")
    assert response.status_code == 302
    assert response["Location"] == reverse("job-detail", args=[job.pk])
    job.refresh_from_db()
    assert job.state == Job.State.DONE
    assert "Lên lớp 7" in job.message
    assert grades(pupils)["g3"][0] == 4
    again = client.post(reverse("students:rollover"), {"school_year": YEAR, "confirm": "on"})
    assert again.status_code == 200
    assert "đã được lên lớp" in again.content.decode()
    assert grades(pupils)["g3"][0] == 4


def test_the_page_asks_for_confirmation(client, world, provincial_staff):
    client.force_login(provincial_staff)
    response = client.post(reverse("students:rollover"), {"school_year": YEAR})
    assert response.status_code == 200
    assert "Đánh dấu ô xác nhận" in response.content.decode()
    assert not Rollover.objects.exists()


def test_only_provincial_staff_may_start_it(
    client, world, district_staff_dh, leader, school_staff_gl
):
    for person in (district_staff_dh, leader, school_staff_gl):
        client.force_login(person)
        assert client.get(reverse("students:rollover")).status_code == 404
        response = client.post(reverse("students:rollover"), {"school_year": YEAR, "confirm": "on"})
        assert response.status_code == 404
    assert not Rollover.objects.exists()


def test_the_leavers_page_lists_flagged_students_in_scope(
    client, world, pupils, provincial_staff, district_staff_dh, district_staff_gl
):
    rollover_run(school_year=YEAR, user=provincial_staff)
    client.force_login(district_staff_gl)
    body = client.get(reverse("students:leavers")).content.decode()
    assert pupils["g5"].full_name in body
    assert pupils["g9"].full_name in body
    assert pupils["multi5"].full_name not in body  # Đông Hà
    transfer = reverse("students:status_change", args=[pupils["g5"].pk]) + "?loai=transfer"
    assert transfer in body
    client.force_login(district_staff_dh)
    body = client.get(reverse("students:leavers")).content.decode()
    assert pupils["multi5"].full_name in body
    assert pupils["g5"].full_name not in body


def test_a_transfer_resolves_the_flag(client, world, pupils, provincial_staff, district_staff_gl):
    rollover_run(school_year=YEAR, user=provincial_staff)
    client.force_login(district_staff_gl)
    response = client.post(
        reverse("students:status_change", args=[pupils["g5"].pk]),
        {
            "action": "transfer",
            "to_school": world.school_gl.pk,
            "grade": 6,
            "changed_on": timezone.localdate().strftime("%d/%m/%Y"),
            "reason": "Lên lớp 6",
        },
    )
    assert response.status_code == 302
    leaver = LevelLeaver.objects.get(student=pupils["g5"])
    assert leaver.resolved_at is not None and leaver.resolved_by == district_staff_gl
    body = client.get(reverse("students:leavers")).content.decode()
    assert reverse("students:detail", args=[pupils["g5"].pk]) not in body
    assert reverse("students:detail", args=[pupils["g9"].pk]) in body


def test_a_student_of_a_multi_level_school_may_stay(
    client, world, pupils, provincial_staff, district_staff_dh, district_staff_gl
):
    rollover_run(school_year=YEAR, user=provincial_staff)
    stays = LevelLeaver.objects.get(student=pupils["multi5"])
    must_move = LevelLeaver.objects.get(student=pupils["g5"])
    client.force_login(district_staff_gl)
    # Another district's flag: 404, nothing changes.
    assert client.post(reverse("students:leaver_keep", args=[stays.pk])).status_code == 404
    # A primary school has no grade 6: the student must move.
    client.post(reverse("students:leaver_keep", args=[must_move.pk]))
    must_move.refresh_from_db()
    assert must_move.resolved_at is None
    client.force_login(district_staff_dh)
    assert client.post(reverse("students:leaver_keep", args=[stays.pk])).status_code == 302
    stays.refresh_from_db()
    assert stays.resolved_at is not None


def test_the_leader_sees_leavers_without_actions(client, world, pupils, provincial_staff, leader):
    rollover_run(school_year=YEAR, user=provincial_staff)
    client.force_login(leader)
    body = client.get(reverse("students:leavers")).content.decode()
    assert pupils["g5"].full_name in body
    assert "?loai=transfer" not in body
    keep = reverse(
        "students:leaver_keep", args=[LevelLeaver.objects.get(student=pupils["multi5"]).pk]
    )
    assert keep not in body


def test_graduation_date_is_the_end_of_the_last_school_year(world, pupils, provincial_staff):
    rollover_run(school_year=YEAR, user=provincial_staff)
    change = StatusChange.objects.get(student=pupils["g12"])
    assert change.changed_on == min(timezone.localdate(), dt.date(YEAR, 5, 31))
