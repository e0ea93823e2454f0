"""A round's progress: every school of the area in the viewer's scope with the state
of its latest list, summed up by district, filtered and sorted."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from students.models import CollectionRound, Submission
from tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def late_round(world):
    """Opened a month ago, deadline yesterday."""
    today = timezone.localdate()
    return CollectionRound.objects.create(
        name="Đợt quá hạn",
        school_year=2026,
        area=world.province,
        opens_on=today - dt.timedelta(days=30),
        deadline=today - dt.timedelta(days=1),
    )


def submit(collection_round, school, state, *, rows=10, errors=0, days_ago=0, confirmed=None):
    submission = Submission.objects.create(
        round=collection_round,
        school=school,
        original_name=f"{school.name}.xlsx",
        file="submissions/x.xlsx",
        file_sha256="0" * 64,
        state=state,
        rows_total=rows,
        rows_error=errors,
        confirmed_at=confirmed,
    )
    Submission.objects.filter(pk=submission.pk).update(
        created_at=timezone.now() - dt.timedelta(days=days_ago)
    )
    return submission


def rows(response) -> dict[str, str]:
    """School name -> the text of its row in the progress table."""
    html = response.content.decode()
    body = html[html.index('class="data-table card-table progress-table"') :]
    out = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S):
        name = re.search(r'truong/\d+/">([^<]+)</a>', row)
        if name:
            out[name.group(1)] = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()
    return out


def test_it_shows_each_school_with_the_state_of_its_latest_list(
    client, world, provincial_staff, late_round
):
    extra = {
        name: SchoolFactory(name=name, commune=world.gio_my)
        for name in ["Trường TH Gio Mỹ", "Trường THPT Gio Linh", "Trường TH Gio Linh"]
    }
    submit(late_round, world.school_gl, Submission.State.HAS_ERRORS, days_ago=3)
    submit(late_round, world.school_gl, Submission.State.SUBMITTED, confirmed=timezone.now())
    submit(late_round, extra["Trường TH Gio Mỹ"], Submission.State.HAS_ERRORS, errors=4)
    submit(late_round, extra["Trường THPT Gio Linh"], Submission.State.RETURNED)
    submit(
        late_round,
        extra["Trường TH Gio Linh"],
        Submission.State.APPROVED,
        confirmed=timezone.now() - dt.timedelta(days=5),
    )
    client.force_login(provincial_staff)
    response = client.get(reverse("collection:round", args=[late_round.pk]))
    assert response.status_code == 200
    table = rows(response)
    assert "Chưa nộp" in table["Trường THCS Nguyễn Trãi"]
    assert "Trễ hạn" in table["Trường THCS Nguyễn Trãi"]  # nothing sent, deadline passed
    assert "Đã gửi" in table["Trường THCS Gio Mỹ"]  # its latest list
    assert "Trễ hạn" in table["Trường THCS Gio Mỹ"]  # confirmed after the deadline
    assert "Có lỗi" in table["Trường TH Gio Mỹ"] and " 4 " in table["Trường TH Gio Mỹ"]
    assert "Bị trả lại" in table["Trường THPT Gio Linh"]
    assert "Đã duyệt" in table["Trường TH Gio Linh"]
    assert "Trễ hạn" not in table["Trường TH Gio Linh"]  # approved, sent in time
    summary = {s.district.name: s for s in response.context["summaries"]}
    assert summary["Huyện Gio Linh"].total == 4 and summary["Huyện Gio Linh"].done == 2
    assert summary["Thành phố Đông Hà"].counts["not_started"] == 1
    assert response.context["total"].late == 4


def test_it_shows_a_district_only_its_own_schools(client, world, district_staff_dh, late_round):
    client.force_login(district_staff_dh)
    response = client.get(reverse("collection:round", args=[late_round.pk]))
    assert list(rows(response)) == ["Trường THCS Nguyễn Trãi"]
    assert "Gio Linh" not in response.content.decode()


def test_it_filters_by_district_and_state_and_sorts(client, world, provincial_staff, late_round):
    SchoolFactory(name="Trường TH Gio Mỹ", commune=world.gio_my)
    submit(late_round, world.school_gl, Submission.State.READY)
    client.force_login(provincial_staff)
    url = reverse("collection:round", args=[late_round.pk])
    by_district = rows(client.get(url, {"district": world.gio_linh.pk}))
    assert set(by_district) == {"Trường THCS Gio Mỹ", "Trường TH Gio Mỹ"}
    by_state = rows(client.get(url, {"state": "not_started"}))
    assert set(by_state) == {"Trường THCS Nguyễn Trãi", "Trường TH Gio Mỹ"}
    by_name_desc = list(rows(client.get(url, {"district": world.gio_linh.pk, "o": "-truong"})))
    assert by_name_desc == ["Trường THCS Gio Mỹ", "Trường TH Gio Mỹ"]
    by_state_sort = list(rows(client.get(url, {"o": "trang-thai"})))
    assert by_state_sort[-1] == "Trường THCS Gio Mỹ"  # "Chờ xác nhận" after "Chưa nộp"
    assert client.get(url, {"o": "bogus", "state": "nonsense"}).status_code == 200


def test_it_reads_the_latest_lists_in_a_fixed_number_of_queries(
    client, world, provincial_staff, late_round
):
    client.force_login(provincial_staff)
    url = reverse("collection:round", args=[late_round.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(8):
        school = SchoolFactory(name=f"Trường số {i}", commune=world.gio_my)
        submit(late_round, school, Submission.State.SUBMITTED)
        submit(late_round, school, Submission.State.HAS_ERRORS)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(rows(response)) == 10
    assert len(many) == len(few)


@pytest.mark.parametrize("who", ["outsider"])
def test_it_answers_404_outside_the_scope(request, client, world, late_round, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("collection:round", args=[late_round.pk])).status_code == 404


def test_a_district_does_not_see_another_districts_round(client, world, district_staff_dh):
    round_gl = CollectionRound.objects.create(
        name="Đợt Gio Linh",
        school_year=2026,
        area=world.gio_linh,
        opens_on=dt.date(2026, 9, 1),
        deadline=dt.date(2026, 10, 1),
    )
    client.force_login(district_staff_dh)
    assert client.get(reverse("collection:round", args=[round_gl.pk])).status_code == 404
