"""Merging a pair: every child row moves to the kept record, blanks are filled, both
histories stay (source "merge"), the record merged away leaves every list."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from students.duplicates.services import (
    duplicate_mark_distinct,
    duplicate_merge,
    duplicate_merge_undo,
)
from students.models import (
    AcademicResult,
    Circumstance,
    DuplicatePair,
    Guardian,
    StatusChange,
    Student,
)
from students.record.selectors import student_history
from students.scoring import need_score
from tests.factories import CircumstanceFactory, GuardianFactory, StudentFactory, user_with_role

pytestmark = pytest.mark.django_db


def pair_between(a, b, **kw):
    return DuplicatePair.objects.create(
        student_a_id=min(a.pk, b.pk), student_b_id=max(a.pk, b.pk), **kw
    )


def provincial(world):
    return user_with_role("provincial_staff", area=world.province, username="tinh_undo")


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


def test_the_other_open_pairs_of_the_record_merged_away_follow_the_kept_record(
    world, twins_on_record, district_staff_gl
):
    kept, other, pair = twins_on_record
    third = StudentFactory(school=world.school_gl)
    fourth = StudentFactory(school=world.school_gl)
    open_pair = pair_between(other, third, score=80)
    # The kept record already has a pair with the fourth student: the other's is the
    # same question, asked once.
    same_question = pair_between(other, fourth, score=70)
    kept_question = pair_between(kept, fourth, score=75)
    duplicate_merge(user=district_staff_gl, pair=pair, keep=kept)
    open_pair.refresh_from_db()
    assert open_pair.state == DuplicatePair.State.PENDING
    assert {open_pair.student_a_id, open_pair.student_b_id} == {kept.pk, third.pk}
    assert not DuplicatePair.objects.filter(pk=same_question.pk).exists()
    assert DuplicatePair.objects.get(pk=kept_question.pk).state == DuplicatePair.State.PENDING
    # Undone: both come back as they were.
    duplicate_merge_undo(user=provincial(world), pair=pair)
    open_pair.refresh_from_db()
    assert {open_pair.student_a_id, open_pair.student_b_id} == {other.pk, third.pk}
    back = DuplicatePair.objects.get(pk=same_question.pk)
    assert back.state == DuplicatePair.State.PENDING and back.score == 70


def test_an_undo_puts_everything_back_and_keeps_both_histories(
    world, twins_on_record, district_staff_gl
):
    kept, other, pair = twins_on_record
    before = {
        s.pk: (s.personal_id, s.moet_code, s.birth_date, s.village, s.wishes)
        for s in Student.objects.filter(pk__in=[kept.pk, other.pk])
    }
    children = {
        model: sorted(model.objects.values_list("pk", "student_id"))
        for model in (Guardian, Circumstance, AcademicResult, StatusChange)
    }
    duplicate_merge(user=district_staff_gl, pair=pair, keep=kept)
    staff = provincial(world)
    duplicate_merge_undo(user=staff, pair=pair)
    after = {
        s.pk: (s.personal_id, s.moet_code, s.birth_date, s.village, s.wishes)
        for s in Student.objects.filter(pk__in=[kept.pk, other.pk])
    }
    assert after == before
    assert {
        model: sorted(model.objects.values_list("pk", "student_id"))
        for model in (Guardian, Circumstance, AcademicResult, StatusChange)
    } == children
    other.refresh_from_db()
    assert other.merged_into is None
    # The need scores are recomputed from each record's own circumstances again.
    facts = list(Circumstance.objects.filter(student=other))
    assert other.need_score == need_score(facts, timezone.localdate()) > 0
    assert other in Student.objects.for_user(staff, "view")
    pair.refresh_from_db()
    assert pair.state == DuplicatePair.State.PENDING and pair.kept is None
    (entry,) = pair.merges
    assert entry["by_name"] == "hoi_giolinh" and entry["undone_by"] == staff.pk
    # Nothing is removed from either history; the undo has its own source.
    for student in (kept, other):
        sources = [
            e.pgh_context.metadata["source"]
            for e in student.events.order_by("pgh_id")
            if e.pgh_context is not None
        ]
        assert sources[-2:] == ["merge", "merge_undo"]
    # The kept record's history says what the undo took back, and from where.
    entries, _more = student_history(student=kept)
    undo = next(e for e in entries if e.source == "Hoàn tác gộp hồ sơ trùng")
    actions = {(i.subject, i.action) for i in undo.items}
    assert (f"Hồ sơ Tran Thi Thu Ha (số {other.pk})", "Tách khỏi hồ sơ này") in actions
    assert ("Phụ huynh: Lê Thị Hoa (Mẹ)", f"Chuyển sang hồ sơ số {other.pk}") in actions
    # The pair can be decided again.
    duplicate_merge(user=district_staff_gl, pair=pair, keep=other)
    pair.refresh_from_db()
    assert pair.state == DuplicatePair.State.MERGED and len(pair.merges) == 2


def test_an_undo_leaves_a_field_changed_since_the_merge(world, twins_on_record, district_staff_gl):
    kept, other, pair = twins_on_record
    duplicate_merge(user=district_staff_gl, pair=pair, keep=kept)
    Student.objects.filter(pk=kept.pk).update(village="Thôn 3")
    duplicate_merge_undo(user=provincial(world), pair=pair)
    kept.refresh_from_db()
    assert kept.village == "Thôn 3"
    assert kept.personal_id is None  # given back to the other record
    assert Student.objects.get(pk=other.pk).personal_id == "045312000777"


def test_only_provincial_staff_undo_a_merge(world, twins_on_record, district_staff_gl, leader):
    kept, other, pair = twins_on_record
    duplicate_merge(user=district_staff_gl, pair=pair, keep=kept)
    for user in (district_staff_gl, leader):
        with pytest.raises(PermissionDenied):
            duplicate_merge_undo(user=user, pair=pair)
    assert Student.objects.get(pk=other.pk).merged_into_id == kept.pk


def test_it_refuses_to_undo_a_pair_that_was_not_merged(world, twins_on_record):
    kept, other, pair = twins_on_record
    with pytest.raises(ValidationError):
        duplicate_merge_undo(user=provincial(world), pair=pair)


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
