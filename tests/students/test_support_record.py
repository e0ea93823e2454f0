"""support_record, support_update, support_delete: the writes and who may make them."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from students.models import Student, Support
from students.status.rollover import current_school_year
from students.support.services import support_delete, support_record, support_update
from tests.factories import SupportFactory, this_school_year_day

pytestmark = pytest.mark.django_db


def record(user, student, **values) -> Support:
    data = {
        "received_on": this_school_year_day(),
        "giver": "Công ty Điện lực Quảng Trị",
        "kind": "scholarship",
        "amount_vnd": 1_500_000,
    } | values
    return support_record(user=user, student=student, **data)


def test_it_records_a_support_with_who_recorded_it(world, district_staff_dh):
    support = record(
        district_staff_dh,
        world.student_dh,
        giver="  Công ty  Điện lực Quảng Trị ",
        description="Học bổng “Tiếp bước đến trường”",
    )
    support.refresh_from_db()
    assert support.student == world.student_dh
    assert support.giver == "Công ty Điện lực Quảng Trị"
    assert support.recorded_by == district_staff_dh
    assert support.recorded_at is not None
    assert support.amount_vnd == 1_500_000


def test_it_takes_the_school_year_from_the_date_unless_given(world, district_staff_dh):
    year = current_school_year()
    day = this_school_year_day()
    assert record(district_staff_dh, world.student_dh, received_on=day).school_year == year
    # A scholarship of last year paid late, in this school year's autumn.
    late = record(district_staff_dh, world.student_dh, received_on=day, school_year=year - 1)
    assert late.school_year == year - 1
    # From June on, a date belongs to the school year starting that calendar year.
    june = record(district_staff_dh, world.student_dh, received_on=dt.date(year, 6, 1))
    assert june.school_year == year
    may = record(district_staff_dh, world.student_dh, received_on=dt.date(year, 5, 31))
    assert may.school_year == year - 1


def test_it_refuses_an_incomplete_support_with_messages_on_the_fields(world, district_staff_dh):
    with pytest.raises(ValidationError) as error:
        record(district_staff_dh, world.student_dh, kind="cash", amount_vnd=None)
    assert "Nhập số tiền của tiền mặt" in error.value.message_dict["amount_vnd"][0]
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        record(district_staff_dh, world.student_dh, received_on=tomorrow)
    assert "tương lai" in error.value.message_dict["received_on"][0]
    assert not Support.objects.exists()


def test_a_district_cannot_record_support_for_another_district(world, district_staff_dh):
    with pytest.raises(Http404):
        record(district_staff_dh, world.student_gl)
    assert not Support.objects.exists()


def test_the_leader_and_an_outsider_cannot_record_support(world, leader, outsider):
    for user in (leader, outsider):
        with pytest.raises(Http404):
            record(user, world.student_dh)
    assert not Support.objects.exists()


def test_a_school_records_support_for_its_own_students_only(world, school_staff_gl):
    assert record(school_staff_gl, world.student_gl).student == world.student_gl
    with pytest.raises(Http404):
        record(school_staff_gl, world.student_dh)


def test_a_merged_record_takes_no_more_support(world, district_staff_dh):
    Student.objects.filter(pk=world.student_dh.pk).update(merged_into=world.student_gl)
    with pytest.raises(Http404):
        record(district_staff_dh, world.student_dh)


def test_it_corrects_a_support_in_scope_only(world, district_staff_dh, district_staff_gl, leader):
    support = SupportFactory(student=world.student_dh, amount_vnd=1_000_000)
    updated = support_update(user=district_staff_dh, support=support, amount_vnd=2_000_000)
    assert Support.objects.get(pk=support.pk).amount_vnd == updated.amount_vnd == 2_000_000
    for user in (district_staff_gl, leader):
        with pytest.raises(Http404):
            support_update(user=user, support=support, amount_vnd=1)
    assert Support.objects.get(pk=support.pk).amount_vnd == 2_000_000
    with pytest.raises(ValidationError):
        support_update(user=district_staff_dh, support=support, kind="other", description="")


def test_only_provincial_staff_delete_a_support(world, district_staff_dh, provincial_staff):
    support = SupportFactory(student=world.student_dh)
    with pytest.raises(Http404):
        support_delete(user=district_staff_dh, support=support)
    assert Support.objects.filter(pk=support.pk).exists()
    support_delete(user=provincial_staff, support=support)
    assert not Support.objects.filter(pk=support.pk).exists()
