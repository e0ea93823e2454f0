"""Invariants of the student record, both in the database and in model validation."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from students.models import Circumstance, Student
from tests.factories import CircumstanceFactory, StudentFactory

pytestmark = pytest.mark.django_db


def _integrity_error(**kwargs) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        StudentFactory(**kwargs)


def test_it_keeps_personal_ids_unique_and_twelve_digits(world):
    StudentFactory(school=world.school_dh, personal_id="045212000001")
    _integrity_error(school=world.school_dh, personal_id="045212000001")
    _integrity_error(school=world.school_dh, personal_id="04521200001")
    # Many children have no ID yet: several empty ones are fine.
    StudentFactory(school=world.school_dh, personal_id=None)
    StudentFactory(school=world.school_dh, personal_id=None)


def test_it_keeps_moet_codes_unique(world):
    StudentFactory(school=world.school_dh, moet_code="4512345678")
    _integrity_error(school=world.school_dh, moet_code="4512345678")


def test_it_keeps_grades_between_1_and_12(world):
    _integrity_error(school=world.school_dh, grade=13)
    _integrity_error(school=world.school_dh, grade=0)


def test_it_keeps_birth_date_and_year_consistent(world):
    _integrity_error(school=world.school_dh, birth_date=dt.date(2012, 1, 1), birth_year=2013)
    only_year = StudentFactory(school=world.school_dh, birth_date=None, birth_year=2013)
    assert only_year.birth_display == "2013"


def test_it_needs_type_and_level_for_a_disability_in_the_database(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        CircumstanceFactory(
            student=world.student_dh,
            kind="disability",
            disability_type="vision",
            disability_level="",
        )


def test_it_needs_a_plausible_year_or_none_for_a_poor_household_in_the_database(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        CircumstanceFactory(student=world.student_dh, kind="poor", household_year=1999)
    # No year: a list marked the household with x and said none ("chưa rõ năm").
    unknown = CircumstanceFactory(student=world.student_dh, kind="poor", household_year=None)
    assert unknown.summary == "Hộ nghèo chưa rõ năm"


def test_it_explains_each_bad_field_in_vietnamese(world):
    student = Student(
        full_name="Lê Văn Tám",
        birth_date=dt.date.today() + dt.timedelta(days=3),
        birth_year=(dt.date.today() + dt.timedelta(days=3)).year,
        gender="male",
        ethnicity_id=world.student_dh.ethnicity_id,
        personal_id="12345",
        school=world.school_dh,
        grade=3,
    )
    with pytest.raises(ValidationError) as exc:
        student.full_clean()
    errors = exc.value.message_dict
    assert "12 chữ số" in errors["personal_id"][0]
    assert "tương lai" in errors["birth_date"][0]
    assert "lớp 3" in errors["grade"][0] and "6-9" in errors["grade"][0]


def test_it_explains_a_disability_without_a_level(world):
    c = Circumstance(student=world.student_dh, kind="disability", disability_type="mobility")
    with pytest.raises(ValidationError) as exc:
        c.full_clean()
    assert "mức độ" in exc.value.message_dict["disability_level"][0]


def test_it_shows_circumstances_in_words(world):
    c = Circumstance(kind="disability", disability_type="vision", disability_level="severe")
    assert c.summary == "Khuyết tật nhìn (nặng)"
    assert Circumstance(kind="poor", household_year=2026).summary == "Hộ nghèo 2026"
