"""Merging a pair: every child row moves to the kept record, blanks are filled, both
histories stay (source "merge"), the record merged away leaves every list."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from students.duplicates.services import duplicate_mark_distinct, duplicate_merge
from students.models import (
    AcademicResult,
    Circumstance,
    DuplicatePair,
    Guardian,
    StatusChange,
    Student,
)
from students.scoring import need_score
from tests.factories import CircumstanceFactory, GuardianFactory, StudentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def twins_on_record(world):
    """The same girl written by Gio Mỹ (with her ID) and again by the same school."""
    kept = StudentFactory(
        full_name="Trần Thị Thu Hà",
        search_key="tran thi thu ha",
        school=world.school_gl,
        commune=world.gio_my,
        birth_date=None,
        birth_year=2012,
        gender="female",
    )
    other = StudentFactory(
        full_name="Tran Thi Thu Ha",
        search_key="tran thi thu ha",
        school=world.school_gl,
        commune=world.gio_my,
        gender="female",
        personal_id="045312000777",
        moet_code="4512345678",
        village="Thôn 2",
        wishes=["bicycle"],
    )
    GuardianFactory(student=kept, full_name="Trần Văn Hùng")
    GuardianFactory(student=other, full_name="Tran Van Hung")  # the same father
    GuardianFactory(student=other, full_name="Lê Thị Hoa", relation="mother", phone="")
    CircumstanceFactory(student=kept, kind="poor", household_year=2025)
    CircumstanceFactory(student=other, kind="poor", household_year=2025)  # the same fact
    CircumstanceFactory(student=other, kind="orphan", orphan_label="father", household_year=None)
    AcademicResult.objects.create(student=kept, school_year=2024, academic_result="Khá")
    AcademicResult.objects.create(student=other, school_year=2024, academic_result="Giỏi")
    AcademicResult.objects.create(student=other, school_year=2023, academic_result="Tốt")
    StatusChange.objects.create(
        student=other, status="studying", changed_on=dt.date(2024, 9, 5), reason="Nhập học"
    )
    pair = DuplicatePair.objects.create(
        student_a_id=min(kept.pk, other.pk),
        student_b_id=max(kept.pk, other.pk),
        score=90,
        reasons=["same_name"],
    )
    return kept, other, pair


def test_it_moves_every_child_row_and_fills_blanks(twins_on_record, district_staff_gl):
    kept, other, pair = twins_on_record
    result = duplicate_merge(user=district_staff_gl, pair=pair, keep=kept)
    kept.refresh_from_db()
    other.refresh_from_db()
    assert result.kept == kept and result.merged == other
    # Blanks filled, identifiers handed over (they are unique).
    assert kept.personal_id == "045312000777" and kept.moet_code == "4512345678"
    assert other.personal_id is None and other.moet_code is None
    assert kept.birth_date == dt.date(2012, 9, 5)
    assert kept.village == "Thôn 2" and kept.wishes == ["bicycle"]
    assert kept.full_name == "Trần Thị Thu Hà"  # a filled field is never overwritten
    # Children moved; the ones the kept record already had stay behind.
    assert sorted(Guardian.objects.filter(student=kept).values_list("full_name", flat=True)) == [
        "Lê Thị Hoa",
        "Trần Văn Hùng",
    ]
    assert sorted(Circumstance.objects.filter(student=kept).values_list("kind", flat=True)) == [
        "orphan",
        "poor",
    ]
    assert dict(
        AcademicResult.objects.filter(student=kept).values_list("school_year", "academic_result")
    ) == {2024: "Khá", 2023: "Tốt"}
    assert StatusChange.objects.filter(student=kept).count() == 1
    assert result.moved["guardian"] == 1 and result.moved["circumstance"] == 1
    # The need score counts the orphan fact now, and the poor household once.
    facts = list(Circumstance.objects.filter(student=kept))
    assert kept.need_score == need_score(facts, timezone.localdate())
    assert kept.need_score > need_score(facts[:1], timezone.localdate()) > 0
    # The record merged away stays, pointing at the kept one; the pair is decided.
    assert other.merged_into == kept
    pair.refresh_from_db()
    assert pair.state == DuplicatePair.State.MERGED
    assert pair.kept == kept and pair.decided_by == district_staff_gl
    assert pair.decided_at is not None


def test_it_records_both_histories_with_the_merge_source(twins_on_record, district_staff_gl):
    kept, other, pair = twins_on_record
    duplicate_merge(user=district_staff_gl, pair=pair, keep=kept)
    kept_event = kept.events.order_by("-pgh_id").first()
    other_event = other.events.order_by("-pgh_id").first()
    for event in (kept_event, other_event):
        assert event.pgh_context.metadata["source"] == "merge"
        assert event.pgh_context.metadata["username"] == "hoi_giolinh"
        assert event.pgh_context.metadata["pair"] == pair.pk
    assert kept_event.personal_id == "045312000777"
    assert other_event.merged_into_id == kept.pk
    # The insert events of the record merged away are still there.
    assert other.events.filter(pgh_label="insert").exists()
    moved = Guardian.objects.get(student=kept, full_name="Lê Thị Hoa")
    assert moved.events.order_by("-pgh_id").first().pgh_context.metadata["source"] == "merge"


def test_it_takes_the_merged_record_out_of_lists(twins_on_record, district_staff_gl):
    kept, other, pair = twins_on_record
    duplicate_merge(user=district_staff_gl, pair=pair, keep=kept)
    visible = Student.objects.for_user(district_staff_gl, "view")
    assert kept in visible and other not in visible
    assert visible.search("tran thi thu ha").count() == 1
    assert other in Student.objects.for_user(district_staff_gl, "view", include_merged=True)


def test_it_drops_the_other_open_pairs_of_the_record_merged_away(world, twins_on_record):
    kept, other, pair = twins_on_record
    third = StudentFactory(school=world.school_gl)
    open_pair = DuplicatePair.objects.create(
        student_a_id=min(other.pk, third.pk), student_b_id=max(other.pk, third.pk), score=80
    )
    from tests.factories import user_with_role

    staff = user_with_role("district_staff", area=world.gio_linh)
    duplicate_merge(user=staff, pair=pair, keep=kept)
    assert not DuplicatePair.objects.filter(pk=open_pair.pk).exists()


def test_it_refuses_a_decided_pair(twins_on_record, district_staff_gl):
    kept, other, pair = twins_on_record
    duplicate_mark_distinct(user=district_staff_gl, pair=pair)
    with pytest.raises(ValidationError):
        duplicate_merge(user=district_staff_gl, pair=pair, keep=kept)
    assert Student.objects.get(pk=other.pk).merged_into is None


def test_it_refuses_a_record_outside_the_pair(world, twins_on_record, district_staff_gl):
    kept, other, pair = twins_on_record
    with pytest.raises(ValidationError):
        duplicate_merge(user=district_staff_gl, pair=pair, keep=world.student_gl)


def test_it_refuses_staff_without_both_records_in_scope(world, district_staff_dh):
    dh = StudentFactory(full_name="Hồ Văn Nam", school=world.school_dh)
    gl = StudentFactory(full_name="Hồ Văn Nam", school=world.school_gl)
    pair = DuplicatePair.objects.create(
        student_a_id=min(dh.pk, gl.pk), student_b_id=max(dh.pk, gl.pk), score=90
    )
    with pytest.raises(PermissionDenied):
        duplicate_merge(user=district_staff_dh, pair=pair, keep=dh)
    with pytest.raises(PermissionDenied):
        duplicate_mark_distinct(user=district_staff_dh, pair=pair)
    assert Student.objects.get(pk=gl.pk).merged_into is None
    assert DuplicatePair.objects.get(pk=pair.pk).state == DuplicatePair.State.PENDING


def test_it_refuses_a_leader(twins_on_record, leader):
    kept, other, pair = twins_on_record
    with pytest.raises(PermissionDenied):
        duplicate_merge(user=leader, pair=pair, keep=kept)
    assert Student.objects.get(pk=other.pk).merged_into is None


def test_the_same_hand_out_on_both_records_counts_once(twins_on_record, district_staff_gl):
    from students.models import Support
    from tests.factories import SupportFactory

    kept, other, pair = twins_on_record
    SupportFactory(student=kept, giver="Viettel Quảng Trị", amount_vnd=1_000_000)
    SupportFactory(student=other, giver="Viettel Quảng Trị", amount_vnd=1_000_000)  # the same
    SupportFactory(
        student=kept, kind="bicycle", giver="Tỉnh Đoàn", description="Xe đạp", amount_vnd=None
    )
    SupportFactory(  # the same bicycle, recorded again without a value
        student=other, kind="bicycle", giver="Tỉnh Đoàn", description="Xe đạp", amount_vnd=None
    )
    SupportFactory(student=other, giver="Công ty Điện lực Quảng Trị")  # another one
    result = duplicate_merge(user=district_staff_gl, pair=pair, keep=kept)
    assert result.moved["support"] == 1
    assert Support.objects.filter(student=kept).count() == 3
    assert Support.objects.filter(student=other).count() == 2
