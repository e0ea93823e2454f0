import pytest

from students.history import history_source
from students.models import Student

pytestmark = pytest.mark.django_db


def test_it_records_every_change_with_its_source_and_user(world, district_staff_dh):
    student = world.student_dh
    with history_source(source="import", user=district_staff_dh, submission=12):
        Student.objects.filter(pk=student.pk).update(class_name="7B")
    event = student.events.order_by("-pgh_id").first()
    assert event.class_name == "7B"
    assert event.pgh_context.metadata["source"] == "import"
    assert event.pgh_context.metadata["submission"] == 12
    assert event.pgh_context.metadata["username"] == "hoi_dongha"


def test_it_leaves_derived_columns_out_of_the_history(world):
    student = world.student_dh
    before = student.events.count()
    Student.objects.filter(pk=student.pk).update(need_score=9)
    assert student.events.count() == before


def test_academic_results_are_in_the_history_of_the_record(world, district_staff_dh):
    from students.models import AcademicResult
    from students.record.selectors import student_history

    with history_source(source="import", user=district_staff_dh, submission=7):
        result = AcademicResult.objects.create(
            student=world.student_dh, school_year=2025, academic_result="Khá"
        )
    with history_source(source="form", user=district_staff_dh):
        result.academic_result = "Giỏi"
        result.save()
    assert result.events.count() == 2
    entries, _more = student_history(student=world.student_dh)
    subjects = [item.subject for entry in entries for item in entry.items]
    assert "Kết quả học tập 2025-2026" in [str(s) for s in subjects]
