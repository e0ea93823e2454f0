import pytest

from khuyenhoc.access import scope_for
from khuyenhoc.models import Area, School
from students.models import Circumstance, Student
from tests.factories import CircumstanceFactory

pytestmark = pytest.mark.django_db


def test_it_limits_district_staff_to_their_district(world, district_staff_dh):
    assert list(Student.objects.for_user(district_staff_dh)) == [world.student_dh]
    assert list(School.objects.for_user(district_staff_dh)) == [world.school_dh]
    areas = set(Area.objects.for_user(district_staff_dh))
    assert areas == {world.dong_ha, world.phuong_1}


def test_it_gives_school_staff_only_their_school(world, school_staff_gl):
    assert list(Student.objects.for_user(school_staff_gl)) == [world.student_gl]
    assert list(Student.objects.for_user(school_staff_gl, "change")) == [world.student_gl]
    assert list(School.objects.for_user(school_staff_gl)) == [world.school_gl]


def test_it_lets_the_leader_see_everything_and_change_nothing(world, leader):
    assert set(Student.objects.for_user(leader)) == {world.student_dh, world.student_gl}
    assert not Student.objects.for_user(leader, "change").exists()
    assert not School.objects.for_user(leader, "change").exists()


def test_it_gives_nothing_to_someone_without_a_grant(world, outsider):
    assert not Student.objects.for_user(outsider).exists()
    assert scope_for(outsider).is_empty


def test_it_scopes_rows_that_belong_to_a_student(world, district_staff_dh):
    CircumstanceFactory(student=world.student_dh)
    CircumstanceFactory(student=world.student_gl)
    assert [c.student for c in Circumstance.objects.for_user(district_staff_dh)] == [
        world.student_dh
    ]
