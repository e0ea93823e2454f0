"""Support rows: the database's own checks, and the Vietnamese messages of full_clean."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from students.models import Support
from students.status.rollover import current_school_year
from tests.factories import SupportFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("values", "constraint"),
    [
        ({"amount_vnd": -1}, "support_amount_not_negative"),
        ({"quantity": 0}, "support_quantity_positive"),
        ({"school_year": 1999}, "support_school_year"),
        ({"kind": "scholarship", "amount_vnd": None}, "support_money_has_amount"),
        ({"kind": "cash", "amount_vnd": None}, "support_money_has_amount"),
        ({"kind": "other", "description": ""}, "support_other_described"),
        ({"giver": ""}, "support_giver_not_empty"),
    ],
)
def test_it_refuses_impossible_rows_in_the_database(world, values, constraint):
    support = SupportFactory(student=world.student_dh)
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        Support.objects.filter(pk=support.pk).update(**values)


def test_it_keeps_gifts_in_kind_without_an_amount(world):
    support = SupportFactory(
        student=world.student_dh, kind="bicycle", description="Xe đạp", amount_vnd=None, quantity=1
    )
    support.full_clean()
    assert Support.objects.get(pk=support.pk).amount_vnd is None


def test_it_keeps_amounts_beyond_two_billion(world):
    # A bigint: a fund's yearly total for one student never overflows.
    support = SupportFactory(student=world.student_dh, amount_vnd=3_000_000_000)
    assert Support.objects.get(pk=support.pk).amount_vnd == 3_000_000_000


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"amount_vnd": -5}, "amount_vnd", "Số tiền không được âm."),
        ({"kind": "scholarship", "amount_vnd": None}, "amount_vnd", "Nhập số tiền của học bổng"),
        ({"quantity": 0}, "quantity", "Số lượng phải từ 1 trở lên"),
        ({"kind": "other", "description": ""}, "description", "Ghi rõ đã hỗ trợ gì"),
        ({"received_on": "tomorrow"}, "received_on", "không được ở trong tương lai"),
        (
            {"received_on": dt.date(2020, 9, 5), "school_year": current_school_year()},
            "received_on",
            "không thuộc năm học",
        ),
    ],
)
def test_it_explains_what_is_wrong_in_vietnamese(world, values, field, message):
    if values.get("received_on") == "tomorrow":
        values = {**values, "received_on": timezone.localdate() + dt.timedelta(days=1)}
    support = SupportFactory.build(student=world.student_dh, **values)
    with pytest.raises(ValidationError) as error:
        support.full_clean()
    assert any(message in m for m in error.value.message_dict[field])
    # One message on the field, not the constraint's generic one as well.
    assert "__all__" not in error.value.message_dict


def test_it_shows_the_school_year_as_two_years(world):
    year = current_school_year()
    support = SupportFactory(student=world.student_dh)
    assert support.school_year_display == f"{year}-{year + 1}"
    assert str(support) == f"Học bổng — Công ty Điện lực Quảng Trị ({year}-{year + 1})"


def test_it_goes_with_its_student(world):
    SupportFactory(student=world.student_dh)
    world.student_dh.delete()
    assert not Support.objects.exists()
