"""The district's decision on a submitted list: approve it (its students become
verified) or send it back with a comment the school sees."""

import pytest
from django.urls import reverse

from students.collection.apply import submission_apply
from students.models import Student, Submission
from tests.students.collection.test_view_review import staged
from tests.students.collection.test_view_upload import round_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def collection_round(world):
    return round_make(world)


@pytest.fixture
def submitted(tmp_path, world, school_staff_gl, collection_round):
    submission = staged(tmp_path, world, school_staff_gl, collection_round)
    submission_apply(submission=submission, user=school_staff_gl)
    submission.refresh_from_db()
    return submission


def decide(client, submission, **data):
    return client.post(reverse("collection:decide", args=[submission.pk]), data)


def test_it_lets_the_district_approve(client, world, district_staff_gl, submitted):
    client.force_login(district_staff_gl)
    html = client.get(reverse("collection:submission", args=[submitted.pk])).content.decode()
    assert "Duyệt danh sách" in html and "Trả lại cho trường" in html
    response = decide(client, submitted, decision="approve")
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.state == Submission.State.APPROVED
    assert submitted.reviewed_by == district_staff_gl
    verified = Student.objects.filter(school=world.school_gl, verified_at__isnull=False)
    assert verified.count() == 2
    html = client.get(response.url).content.decode()
    assert "Đã duyệt danh sách của Trường THCS Gio Mỹ" in html
    assert "Trả lại cho trường" not in html


def test_it_asks_for_a_comment_before_sending_back(client, district_staff_gl, submitted):
    client.force_login(district_staff_gl)
    response = decide(client, submitted, decision="return", comment="  ")
    assert response.status_code == 400
    assert "Khi trả lại, hãy ghi rõ trường cần sửa gì." in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.state == Submission.State.SUBMITTED


def test_the_school_sees_the_comment_of_a_list_sent_back(
    client, world, district_staff_gl, school_staff_gl, submitted, collection_round
):
    client.force_login(district_staff_gl)
    decide(client, submitted, decision="return", comment="Thiếu 2 em lớp 6, bổ sung giúp.")
    submitted.refresh_from_db()
    assert submitted.state == Submission.State.RETURNED
    client.force_login(school_staff_gl)
    school_page = client.get(
        reverse("collection:school", args=[collection_round.pk, world.school_gl.pk])
    ).content.decode()
    assert "Bị trả lại" in school_page and "Thiếu 2 em lớp 6, bổ sung giúp." in school_page
    review = client.get(reverse("collection:submission", args=[submitted.pk])).content.decode()
    assert "Hội huyện đã trả lại danh sách này" in review
    assert "Thiếu 2 em lớp 6, bổ sung giúp." in review


@pytest.mark.parametrize(
    "who, expected",
    [
        ("provincial_staff", 302),
        ("school_staff_gl", 404),  # a school does not approve its own list
        ("district_staff_dh", 404),
        ("leader", 404),
        ("outsider", 404),
    ],
)
def test_it_lets_only_district_and_province_decide(request, client, submitted, who, expected):
    client.force_login(request.getfixturevalue(who))
    response = decide(client, submitted, decision="approve")
    assert response.status_code == expected
    submitted.refresh_from_db()
    assert (submitted.state == Submission.State.APPROVED) == (expected == 302)


def test_it_shows_no_decision_form_to_the_school(client, school_staff_gl, submitted):
    client.force_login(school_staff_gl)
    html = client.get(reverse("collection:submission", args=[submitted.pk])).content.decode()
    assert "Trả lại cho trường" not in html


def test_it_does_not_decide_a_list_not_yet_submitted(
    client, tmp_path, world, school_staff_gl, district_staff_gl, collection_round
):
    submission = staged(tmp_path, world, school_staff_gl, collection_round, name="b.xlsx")
    client.force_login(district_staff_gl)
    response = decide(client, submission, decision="approve")
    assert response.status_code == 302
    html = client.get(response.url).content.decode()
    assert "Chỉ duyệt hoặc trả lại được danh sách đã gửi." in html
    submission.refresh_from_db()
    assert submission.state == Submission.State.HAS_ERRORS


def test_sending_back_redirects_and_says_the_rows_are_already_written(
    client, district_staff_gl, submitted
):
    client.force_login(district_staff_gl)
    html = client.get(reverse("collection:submission", args=[submitted.pk])).content.decode()
    assert "đã được ghi vào hồ sơ khi trường xác nhận" in html
    response = decide(client, submitted, decision="return", comment="Thiếu lớp 6.")
    assert response.status_code == 302
    assert response.url == reverse("collection:submission", args=[submitted.pk])
    html = client.get(response.url).content.decode()
    assert "Đã trả lại danh sách cho Trường THCS Gio Mỹ" in html
    assert "đã được ghi vào hồ sơ khi trường xác nhận" in html
    # Sending the same form again (a refresh that re-posts) changes nothing.
    again = decide(client, submitted, decision="return", comment="Thiếu lớp 6.")
    assert again.status_code == 302
    assert "Chỉ duyệt hoặc trả lại được danh sách đã gửi" in client.get(again.url).content.decode()
