"""The round page's tools: filters that its summary follows, pages of schools, the
schools that have not sent their list (on the page and as .xlsx), closing and extending
a round, and approving several lists at once."""

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from khuyenhoc.models import School
from students.collection.services import submission_create
from students.collection.staging import submission_stage
from students.models import CollectionRound, Submission
from tests.factories import SchoolFactory
from tests.students.collection.test_import_pipeline import ROWS, _xlsx
from tests.students.collection.test_view_round_progress import rows, submit
from tests.students.collection.test_view_upload import round_make

pytestmark = pytest.mark.django_db


def open_round_make(world) -> CollectionRound:
    """The province's round, open since ten days, due in ten (the home's tests use it)."""
    today = timezone.localdate()
    return CollectionRound.objects.create(
        name="Đợt 2026",
        school_year=2026,
        area=world.province,
        opens_on=today - dt.timedelta(days=10),
        deadline=today + dt.timedelta(days=10),
    )


@pytest.fixture
def open_round(world):
    return open_round_make(world)


def url(collection_round, name="round"):
    return reverse(f"collection:{name}", args=[collection_round.pk])


def test_it_filters_by_name_and_the_summary_follows_the_filter(
    client, world, provincial_staff, open_round
):
    SchoolFactory(name="Trường TH Gio Mỹ", commune=world.gio_my)
    submit(open_round, world.school_gl, Submission.State.SUBMITTED, confirmed=timezone.now())
    client.force_login(provincial_staff)
    response = client.get(url(open_round), {"q": "gio my"})
    assert set(rows(response)) == {"Trường THCS Gio Mỹ", "Trường TH Gio Mỹ"}
    total = response.context["total"]
    assert (total.total, total.done) == (2, 1)
    assert [s.district.name for s in response.context["summaries"]] == ["Huyện Gio Linh"]
    # The district filter still offers every district.
    assert {d.name for d in response.context["districts"]} == {
        "Thành phố Đông Hà",
        "Huyện Gio Linh",
    }
    by_district = client.get(url(open_round), {"district": world.dong_ha.pk})
    assert by_district.context["total"].total == 1
    assert [s.district.name for s in by_district.context["summaries"]] == ["Thành phố Đông Hà"]


def test_it_shows_the_schools_in_pages(client, world, provincial_staff, open_round):
    for i in range(55):
        SchoolFactory(name=f"Trường số {i:02d}", commune=world.gio_my)
    client.force_login(provincial_staff)
    first = client.get(url(open_round))
    assert len(rows(first)) == 50
    html = first.content.decode()
    assert "57 trường" in html and "Trang 1/2" in html and 'rel="next"' in html
    second = client.get(url(open_round), {"page": 2})
    assert len(rows(second)) == 7
    assert client.get(url(open_round), {"page": "99999999999999999999"}).status_code == 200


def test_it_lists_the_schools_not_sent_with_their_phone(
    client, world, provincial_staff, open_round
):
    School.objects.filter(pk=world.school_dh.pk).update(phone="0233 3852 111")
    submit(open_round, world.school_gl, Submission.State.APPROVED, confirmed=timezone.now())
    client.force_login(provincial_staff)
    response = client.get(url(open_round))
    html = response.content.decode()
    assert response.context["not_submitted"] == 1
    assert "1 trường chưa gửi danh sách" in html
    assert 'href="tel:0233 3852 111"' in html
    not_sent = rows(client.get(url(open_round), {"state": "not_submitted"}))
    assert list(not_sent) == ["Trường THCS Nguyễn Trãi"]


def test_it_exports_the_schools_not_sent_as_xlsx_with_inert_cells(
    client, world, provincial_staff, open_round
):
    School.objects.filter(pk=world.school_dh.pk).update(phone="+84 233 3852 111")
    SchoolFactory(name='=HYPERLINK("http://x","bấm")', commune=world.gio_my)
    submit(open_round, world.school_gl, Submission.State.SUBMITTED, confirmed=timezone.now())
    client.force_login(provincial_staff)
    response = client.get(url(open_round, "round_not_submitted"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    wb = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    ws = wb.active
    table = [[c.value for c in row] for row in ws.iter_rows(min_row=4)]
    names = {row[1]: row for row in table}
    assert set(names) == {"Trường THCS Nguyễn Trãi", '=HYPERLINK("http://x","bấm")'}
    assert names["Trường THCS Nguyễn Trãi"][5] == "+84 233 3852 111"
    assert names["Trường THCS Nguyễn Trãi"][6] == "Chưa nộp"
    for row in ws.iter_rows(min_row=4):
        for cell in row:
            assert cell.data_type != "f"
            if isinstance(cell.value, str) and cell.value[:1] in "=+":
                assert cell.quotePrefix  # shown and kept as typed text
    # The page's filters apply: only Gio Linh.
    filtered = client.get(url(open_round, "round_not_submitted"), {"district": world.gio_linh.pk})
    wb = openpyxl.load_workbook(io.BytesIO(b"".join(filtered.streaming_content)))
    assert [r[1].value for r in wb.active.iter_rows(min_row=4)] == ['=HYPERLINK("http://x","bấm")']


def test_it_lets_provincial_staff_close_a_round_and_a_closed_round_refuses_uploads(
    client, tmp_path, world, provincial_staff, school_staff_gl, open_round
):
    client.force_login(provincial_staff)
    html = client.get(url(open_round)).content.decode()
    assert "Đóng đợt" in html and "Gia hạn" in html
    response = client.post(url(open_round, "round_close"), {"back": "district=1&page=2"})
    assert response.status_code == 302 and response.url == url(open_round) + "?district=1&page=2"
    open_round.refresh_from_db()
    assert open_round.closed_at is not None
    client.force_login(school_staff_gl)
    page = client.get(
        reverse("collection:school", args=[open_round.pk, world.school_gl.pk])
    ).content.decode()
    assert "Đợt này đã đóng ngày" in page and 'enctype="multipart/form-data"' not in page
    with _xlsx(tmp_path, ROWS).open("rb") as fh:
        refused = client.post(
            reverse("collection:upload", args=[open_round.pk, world.school_gl.pk]), {"file": fh}
        )
    assert refused.status_code == 400
    assert "đã đóng ngày" in refused.content.decode() and "gia hạn" in refused.content.decode()
    assert not Submission.objects.exists()


def test_a_closed_round_refuses_the_confirmation_of_a_pending_list(
    client, tmp_path, world, school_staff_gl, provincial_staff, open_round
):
    submission = submission_stage(
        submission=submission_create(
            user=school_staff_gl,
            school=world.school_gl,
            upload=_xlsx(tmp_path, ROWS),
            collection_round=open_round,
        )
    )
    client.force_login(provincial_staff)
    client.post(url(open_round, "round_close"))
    client.force_login(school_staff_gl)
    html = client.get(reverse("collection:submission", args=[submission.pk])).content.decode()
    assert "Xác nhận 2 dòng hợp lệ" not in html
    assert "Đợt đã đóng nên không xác nhận được danh sách này" in html
    response = client.post(reverse("collection:confirm", args=[submission.pk]))
    assert response.status_code == 302
    assert "đã đóng" in client.get(response.url).content.decode()
    submission.refresh_from_db()
    assert submission.state == Submission.State.HAS_ERRORS


def test_it_extends_a_round_and_opens_a_closed_one_again(
    client, world, provincial_staff, open_round
):
    client.force_login(provincial_staff)
    client.post(url(open_round, "round_close"))
    new_deadline = timezone.localdate() + dt.timedelta(days=30)
    response = client.post(
        url(open_round, "round_extend"), {"deadline": new_deadline.strftime("%d/%m/%Y")}
    )
    assert response.status_code == 302
    open_round.refresh_from_db()
    assert open_round.deadline == new_deadline and open_round.closed_at is None
    assert "Đã gia hạn đợt" in client.get(response.url).content.decode()


def test_it_refuses_a_deadline_in_the_past(client, world, provincial_staff, open_round):
    client.force_login(provincial_staff)
    old = open_round.deadline
    response = client.post(
        url(open_round, "round_extend"),
        {"deadline": (timezone.localdate() - dt.timedelta(days=1)).strftime("%d/%m/%Y")},
    )
    open_round.refresh_from_db()
    assert open_round.deadline == old
    assert "từ hôm nay trở đi" in client.get(response.url).content.decode()


@pytest.mark.parametrize("who", ["district_staff_gl", "school_staff_gl", "leader", "outsider"])
def test_only_provincial_staff_close_or_extend(request, client, world, open_round, who):
    client.force_login(request.getfixturevalue(who))
    assert client.post(url(open_round, "round_close")).status_code == 404
    assert (
        client.post(url(open_round, "round_extend"), {"deadline": "01/01/2030"}).status_code == 404
    )
    open_round.refresh_from_db()
    assert open_round.closed_at is None and open_round.deadline != dt.date(2030, 1, 1)


def test_a_district_approves_several_lists_at_once(client, world, district_staff_gl, open_round):
    other = SchoolFactory(name="Trường TH Gio Mỹ", commune=world.gio_my)
    first = submit(open_round, world.school_gl, Submission.State.SUBMITTED)
    second = submit(open_round, other, Submission.State.SUBMITTED)
    client.force_login(district_staff_gl)
    html = client.get(url(open_round)).content.decode()
    assert f'name="submission" value="{first.pk}"' in html
    assert "Duyệt các danh sách đã đánh dấu" in html
    response = client.post(url(open_round, "round_approve"), {"submission": [first.pk, second.pk]})
    assert response.status_code == 302
    for s in (first, second):
        s.refresh_from_db()
        assert s.state == Submission.State.APPROVED and s.reviewed_by == district_staff_gl
    assert "Đã duyệt 2 danh sách" in client.get(response.url).content.decode()


def test_approving_at_once_checks_each_list_through_the_scope(
    client, world, district_staff_gl, open_round
):
    mine = submit(open_round, world.school_gl, Submission.State.SUBMITTED)
    theirs = submit(open_round, world.school_dh, Submission.State.SUBMITTED)
    not_sent = submit(open_round, SchoolFactory(commune=world.gio_my), Submission.State.READY)
    client.force_login(district_staff_gl)
    response = client.post(
        url(open_round, "round_approve"), {"submission": [mine.pk, theirs.pk, not_sent.pk, "x"]}
    )
    for s in (mine, theirs, not_sent):
        s.refresh_from_db()
    assert mine.state == Submission.State.APPROVED
    assert theirs.state == Submission.State.SUBMITTED
    assert not_sent.state == Submission.State.READY
    html = client.get(response.url).content.decode()
    assert "2 danh sách không duyệt được" in html
    assert "Nguyễn Trãi" not in html  # nothing said about Đông Hà's list


@pytest.mark.parametrize("who", ["school_staff_gl", "leader"])
def test_those_who_do_not_review_cannot_approve_at_once(request, client, world, open_round, who):
    mine = submit(open_round, world.school_gl, Submission.State.SUBMITTED)
    client.force_login(request.getfixturevalue(who))
    html = client.get(url(open_round), follow=True).content.decode()
    assert 'name="submission"' not in html
    assert (
        client.post(url(open_round, "round_approve"), {"submission": [mine.pk]}).status_code == 404
    )
    mine.refresh_from_db()
    assert mine.state == Submission.State.SUBMITTED


def test_a_school_is_sent_from_the_round_to_its_own_page(client, world, school_staff_gl):
    collection_round = round_make(world)
    client.force_login(school_staff_gl)
    response = client.get(url(collection_round))
    assert response.status_code == 302
    assert response.url == reverse(
        "collection:school", args=[collection_round.pk, world.school_gl.pk]
    )
