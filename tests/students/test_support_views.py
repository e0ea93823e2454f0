"""The record page's "Hỗ trợ đã nhận theo năm học" section and the support form."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from students.models import Support
from students.status.rollover import current_school_year
from tests.factories import SupportFactory, this_school_year_day

pytestmark = pytest.mark.django_db

YEAR = current_school_year()


def detail_url(student) -> str:
    return reverse("students:detail", args=[student.pk])


def add_url(student) -> str:
    return reverse("students:support_add", args=[student.pk])


def edit_url(support) -> str:
    return reverse("students:support_edit", args=[support.student_id, support.pk])


def delete_url(support) -> str:
    return reverse("students:support_delete", args=[support.student_id, support.pk])


def section(body: str) -> str:
    return body.split('id="ho-tro"', 1)[1].split("</section>", 1)[0]


def form_data(**values) -> dict:
    return {
        "kind": "scholarship",
        "giver": "Công ty Điện lực Quảng Trị",
        "received_on": this_school_year_day().strftime("%d/%m/%Y"),
        "school_year": "",
        "amount_vnd": "1.500.000",
        "quantity": "",
        "description": "Học bổng Khuyến học",
        "note": "",
    } | values


def test_it_lists_support_by_school_year_newest_first_with_totals(client, world, district_staff_dh):
    student = world.student_dh
    SupportFactory(
        student=student,
        school_year=YEAR - 1,
        received_on=dt.date(YEAR - 1, 10, 3),
        giver="Hội Khuyến học tỉnh Quảng Trị",
        amount_vnd=500_000,
    )
    SupportFactory(
        student=student,
        received_on=this_school_year_day(),
        giver="Công ty Điện lực Quảng Trị",
        amount_vnd=1_500_000,
    )
    SupportFactory(
        student=student,
        school_year=YEAR,
        received_on=dt.date(YEAR, 6, 1),
        kind="bicycle",
        giver="Viettel Quảng Trị",
        description="Xe đạp mini",
        amount_vnd=None,
        quantity=1,
    )
    SupportFactory(student=world.student_gl, giver="Không phải của em này")
    client.force_login(district_staff_dh)
    body = section(client.get(detail_url(student)).content.decode())
    this_year, last_year = f"Năm học {YEAR}-{YEAR + 1}", f"Năm học {YEAR - 1}-{YEAR}"
    assert body.index(this_year) < body.index(last_year)
    current, previous = body.split(last_year)
    assert "năm học này" in current and "năm học này" not in previous
    assert this_school_year_day().strftime("%d/%m/%Y") in current
    assert "01/06/" + str(YEAR) in current
    assert "Công ty Điện lực Quảng Trị" in current and "Viettel Quảng Trị" in current
    assert "Xe đạp" in current and "Xe đạp mini" in current and "số lượng 1" in current
    assert "1.500.000\u00a0đ" in current and "hiện vật" in current
    assert "Cộng năm học: 2 lần hỗ trợ" in current
    assert "1 hiện vật không ghi giá trị" in current
    assert "03/10/" + str(YEAR - 1) in previous and "500.000\u00a0đ" in previous
    assert "Không phải của em này" not in body
    assert "Ghi bởi" not in body  # rows recorded without a user (imports, factories)


def test_it_offers_the_form_to_staff_who_may_change_only(client, world, district_staff_dh, leader):
    support = SupportFactory(student=world.student_dh)
    client.force_login(district_staff_dh)
    body = section(client.get(detail_url(world.student_dh)).content.decode())
    assert add_url(world.student_dh) in body and edit_url(support) in body
    client.force_login(leader)
    body = section(client.get(detail_url(world.student_dh)).content.decode())
    assert "Công ty Điện lực Quảng Trị" in body
    assert add_url(world.student_dh) not in body and edit_url(support) not in body
    assert "Ghi nhận hỗ trợ" not in body


def test_it_says_when_nothing_was_received_yet(client, world, leader):
    client.force_login(leader)
    body = section(client.get(detail_url(world.student_dh)).content.decode())
    assert "Hỗ trợ đã nhận theo năm học" in body
    assert "Chưa ghi nhận hỗ trợ nào" in body


def test_it_records_a_support_from_the_form(client, world, district_staff_dh):
    client.force_login(district_staff_dh)
    response = client.get(add_url(world.student_dh))
    assert response.status_code == 200
    assert "Ghi nhận hỗ trợ" in response.content.decode()
    response = client.post(add_url(world.student_dh), form_data(amount_vnd="2.000.000 đ"))
    assert response.status_code == 302
    assert response["Location"] == detail_url(world.student_dh) + "#ho-tro"
    support = Support.objects.get()
    assert (support.student, support.school_year, support.amount_vnd) == (
        world.student_dh,
        YEAR,
        2_000_000,
    )
    assert support.recorded_by == district_staff_dh
    body = client.get(detail_url(world.student_dh)).content.decode()
    assert "Đã ghi nhận hỗ trợ cho Nguyễn Văn An" in body
    assert "2.000.000\u00a0đ" in section(body)
    assert "Ghi bởi hoi_dongha" in section(body)


@pytest.mark.parametrize("typed", ["1500000", "1.500.000", "1,500,000", "1 500 000", "1500000đ"])
def test_it_reads_amounts_as_people_type_them(client, world, district_staff_dh, typed):
    client.force_login(district_staff_dh)
    assert client.post(add_url(world.student_dh), form_data(amount_vnd=typed)).status_code == 302
    assert Support.objects.get().amount_vnd == 1_500_000


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"giver": ""}, "giver", "Nhập đơn vị hoặc nhà tài trợ đã trao hỗ trợ"),
        ({"kind": ""}, "kind", "Chọn loại hỗ trợ"),
        ({"received_on": ""}, "received_on", "Nhập ngày nhận hỗ trợ"),
        ({"received_on": "31/02/2026"}, "received_on", "Nhập ngày theo dạng ngày/tháng/năm"),
        ({"received_on": "future"}, "received_on", "Ngày nhận không được ở trong tương lai."),
        ({"amount_vnd": ""}, "amount_vnd", "Nhập số tiền của học bổng"),
        ({"amount_vnd": "1,5 triệu"}, "amount_vnd", "Nhập số tiền bằng chữ số"),
        ({"amount_vnd": "1.5"}, "amount_vnd", "Nhập số tiền bằng chữ số"),
        ({"amount_vnd": "-500.000"}, "amount_vnd", "Số tiền không được âm."),
        ({"quantity": "0"}, "quantity", "Số lượng phải từ 1 trở lên"),
        ({"kind": "other", "description": ""}, "description", "Ghi rõ đã hỗ trợ gì"),
        (
            {"received_on": "05/09/2020", "school_year": str(YEAR)},
            "received_on",
            "không thuộc năm học",
        ),
    ],
)
def test_it_refuses_a_wrong_support_with_vietnamese_messages(
    client, world, district_staff_dh, values, field, message
):
    if values.get("received_on") == "future":
        later = timezone.localdate() + dt.timedelta(days=3)
        values = {**values, "received_on": later.strftime("%d/%m/%Y")}
    client.force_login(district_staff_dh)
    response = client.post(add_url(world.student_dh), form_data(**values))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert any(message in e for e in errors[field]), errors
    # One message where the mistake is: no second one from the model's rules, and no
    # complaint about the school year taken from a wrong date.
    assert len(errors[field]) == 1 and set(errors) == {field}, errors
    assert "Chưa lưu được" in response.content.decode()
    assert not Support.objects.exists()


def test_it_corrects_a_support_and_shows_the_amount_as_written(client, world, district_staff_dh):
    support = SupportFactory(student=world.student_dh, amount_vnd=1_500_000)
    client.force_login(district_staff_dh)
    response = client.get(edit_url(support))
    assert response.status_code == 200
    assert 'value="1.500.000"' in response.content.decode()
    assert "Xoá dòng này" not in response.content.decode()  # district staff correct, not delete
    response = client.post(edit_url(support), form_data(amount_vnd="1.800.000"))
    assert response.status_code == 302
    support.refresh_from_db()
    assert support.amount_vnd == 1_800_000


def test_it_answers_404_outside_the_scope(client, world, district_staff_dh, leader, outsider):
    theirs = SupportFactory(student=world.student_gl)
    client.force_login(district_staff_dh)
    assert client.get(add_url(world.student_gl)).status_code == 404
    assert client.post(add_url(world.student_gl), form_data()).status_code == 404
    assert client.get(edit_url(theirs)).status_code == 404
    # Another student's support under one's own student's URL.
    url = reverse("students:support_edit", args=[world.student_dh.pk, theirs.pk])
    assert client.get(url).status_code == 404
    for user in (leader, outsider):
        client.force_login(user)
        assert client.get(add_url(world.student_dh)).status_code == 404
        assert client.post(add_url(world.student_dh), form_data()).status_code == 404
    assert Support.objects.count() == 1


def test_provincial_staff_delete_a_support_recorded_twice(
    client, world, district_staff_dh, provincial_staff
):
    support = SupportFactory(student=world.student_dh)
    client.force_login(district_staff_dh)
    assert client.get(delete_url(support)).status_code == 404
    assert client.post(delete_url(support)).status_code == 404
    client.force_login(provincial_staff)
    assert "Xoá dòng này" in client.get(edit_url(support)).content.decode()
    response = client.get(delete_url(support))
    assert response.status_code == 200
    assert "Xoá dòng hỗ trợ này?" in response.content.decode()
    assert Support.objects.filter(pk=support.pk).exists()
    response = client.post(delete_url(support))
    assert response.status_code == 302
    assert not Support.objects.filter(pk=support.pk).exists()


def _history(body: str) -> str:
    return body.split('id="lich-su"', 1)[1]


def test_the_history_shows_support_added_changed_and_removed_with_user_and_source(
    client, world, district_staff_dh, provincial_staff
):
    client.force_login(district_staff_dh)
    client.post(add_url(world.student_dh), form_data(amount_vnd="1.000.000"))
    support = Support.objects.get()
    client.post(edit_url(support), form_data(amount_vnd="1.200.000"))
    history = _history(client.get(detail_url(world.student_dh)).content.decode())
    subject = f"Hỗ trợ {YEAR}-{YEAR + 1}: Học bổng, Công ty Điện lực Quảng Trị"
    assert subject in history
    assert "Thêm" in history and "Sửa" in history
    assert "Biểu mẫu trên trang web" in history and "hoi_dongha" in history
    assert "Số tiền (đồng)" in history
    assert "<del>1.000.000\u00a0đ</del>" in history and "<ins>1.200.000\u00a0đ</ins>" in history
    client.force_login(provincial_staff)
    client.post(delete_url(support))
    history = _history(client.get(detail_url(world.student_dh)).content.decode())
    # (One test is one transaction: every event has the same time, so look the
    # removal up rather than expect it first.)
    removed = [e for e in history.split('class="history-entry"') if "Xoá</span>" in e]
    assert len(removed) == 1
    assert subject in removed[0] and "tinhhoi" in removed[0]


def test_the_record_page_reads_support_in_a_constant_number_of_queries(
    client, world, district_staff_dh, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(district_staff_dh)
    client.get(detail_url(world.student_dh))  # warm the user's caches (session, roles)
    # (Rows written after a request of the test's one transaction carry its history
    # context, so the history names a user: for both counts.)
    SupportFactory(student=world.student_dh, recorded_by=district_staff_dh)
    with CaptureQueriesContext(connection) as few:
        client.get(detail_url(world.student_dh))
    for year in range(YEAR - 4, YEAR):
        for _ in range(3):
            SupportFactory(
                student=world.student_dh,
                school_year=year,
                received_on=dt.date(year, 11, 20),
                recorded_by=district_staff_dh,
            )
    with django_assert_num_queries(len(few.captured_queries)):
        body = client.get(detail_url(world.student_dh)).content.decode()
    assert section(body).count("Cộng năm học") == 5
