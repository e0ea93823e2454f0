"""The review queue: scope (both records inside), 404 for outsiders, leaders look but
do not decide, staff merge and mark not duplicates through the pages."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from students.duplicates import duplicates_detect
from students.models import DuplicatePair, Student
from tests.factories import GuardianFactory, StudentFactory

pytestmark = pytest.mark.django_db


def pair_of(a, b, **kw):
    kw.setdefault("score", 90)
    kw.setdefault("reasons", ["same_name", "same_birth_date"])
    return DuplicatePair.objects.create(
        student_a_id=min(a.pk, b.pk), student_b_id=max(a.pk, b.pk), **kw
    )


def other_of(pair, student):
    return pair.student_b_id if pair.student_a_id == student.pk else pair.student_a_id


@pytest.fixture
def pairs(world):
    """One pair inside Đông Hà, one across Đông Hà and Gio Linh."""
    dh2 = StudentFactory(
        full_name="Nguyen Van An", search_key="nguyen van an", school=world.school_dh
    )
    gl2 = StudentFactory(
        full_name="Nguyễn Văn An", search_key="nguyen van an", school=world.school_gl
    )
    inside = pair_of(world.student_dh, dh2, score=95)
    across = pair_of(world.student_dh, gl2, score=80, reasons=["same_name", "same_commune"])
    return inside, across


def test_it_lists_only_pairs_with_both_records_in_scope(client, pairs, district_staff_dh):
    inside, across = pairs
    client.force_login(district_staff_dh)
    response = client.get(reverse("duplicates:list"))
    assert response.status_code == 200
    assert list(response.context["pairs"]) == [inside]


def test_it_lists_every_pair_for_the_province_best_first(client, pairs, provincial_staff):
    inside, across = pairs
    client.force_login(provincial_staff)
    response = client.get(reverse("duplicates:list"))
    assert list(response.context["pairs"]) == [inside, across]
    assert "Cùng họ tên (không kể dấu)" in response.content.decode()


def test_it_filters_by_district_and_reason(client, world, pairs, provincial_staff):
    inside, across = pairs
    client.force_login(provincial_staff)
    by_district = client.get(reverse("duplicates:list"), {"district": world.gio_linh.pk})
    assert list(by_district.context["pairs"]) == [across]
    by_reason = client.get(reverse("duplicates:list"), {"reason": "same_commune"})
    assert list(by_reason.context["pairs"]) == [across]


def test_it_lists_with_a_bounded_number_of_queries(
    client, world, provincial_staff, django_assert_max_num_queries
):
    for _ in range(15):
        a = StudentFactory(school=world.school_gl)
        b = StudentFactory(school=world.school_dh)
        pair_of(a, b)
    client.force_login(provincial_staff)
    client.get(reverse("duplicates:list"))
    with django_assert_max_num_queries(16):
        response = client.get(reverse("duplicates:list"))
    assert len(response.context["pairs"]) == 15


@pytest.mark.parametrize("name", ["detail", "merge", "distinct"])
def test_it_answers_404_to_staff_of_one_side_only(client, world, pairs, district_staff_dh, name):
    inside, across = pairs
    client.force_login(district_staff_dh)
    url = reverse(f"duplicates:{name}", args=[across.pk])
    response = (
        client.get(url) if name == "detail" else client.post(url, {"keep": world.student_dh.pk})
    )
    assert response.status_code == 404
    across.refresh_from_db()
    assert across.state == DuplicatePair.State.PENDING
    assert Student.objects.filter(merged_into__isnull=False).count() == 0


def test_it_compares_the_two_records_side_by_side(client, world, pairs, district_staff_dh):
    inside, across = pairs
    client.force_login(district_staff_dh)
    response = client.get(reverse("duplicates:detail", args=[inside.pk]))
    assert response.status_code == 200
    rows = {row.label: row for row in response.context["rows"]}
    assert rows["Họ và tên"].differs  # Nguyễn Văn An / Nguyen Van An
    assert not rows["Trường"].differs
    body = response.content.decode()
    assert 'class="differs"' in body
    assert "Gộp hai hồ sơ" in body and response.context["can_decide"]


def test_it_lets_a_leader_look_but_not_merge(client, world, pairs, leader):
    inside, across = pairs
    client.force_login(leader)
    detail = client.get(reverse("duplicates:detail", args=[across.pk]))
    assert detail.status_code == 200
    assert not detail.context["can_decide"]
    assert "Gộp hai hồ sơ" not in detail.content.decode()
    merge = client.post(
        reverse("duplicates:merge", args=[across.pk]), {"keep": world.student_dh.pk}
    )
    assert merge.status_code == 403
    distinct = client.post(reverse("duplicates:distinct", args=[across.pk]))
    assert distinct.status_code == 403
    across.refresh_from_db()
    assert across.state == DuplicatePair.State.PENDING


def test_it_merges_from_the_page(client, world, pairs, district_staff_dh):
    inside, across = pairs
    client.force_login(district_staff_dh)
    url = reverse("duplicates:merge", args=[inside.pk])
    # The comparison page's choice asks for confirmation first, saying what will move.
    GuardianFactory(student_id=other_of(inside, world.student_dh), full_name="Lê Thị Hoa")
    confirm = client.get(url, {"keep": world.student_dh.pk})
    assert confirm.status_code == 200
    body = confirm.content.decode()
    assert "Xác nhận gộp" in body and "Phụ huynh/người giám hộ: 1" in body
    assert client.post(url, {"keep": world.student_dh.pk}).status_code == 200
    inside.refresh_from_db()
    assert inside.state == DuplicatePair.State.PENDING
    response = client.post(url, {"keep": world.student_dh.pk, "confirmed": "1"})
    assert response.status_code == 302
    assert response.url == reverse("students:detail", args=[world.student_dh.pk])
    inside.refresh_from_db()
    assert inside.state == DuplicatePair.State.MERGED
    other = Student.objects.get(pk=other_of(inside, world.student_dh))
    assert other.merged_into_id == world.student_dh.pk
    # The pair across districts with the kept record is still open.
    assert DuplicatePair.objects.filter(pk=across.pk, state="pending").exists()


def test_it_asks_which_record_to_keep(client, world, pairs, district_staff_dh):
    inside, across = pairs
    client.force_login(district_staff_dh)
    response = client.post(reverse("duplicates:merge", args=[inside.pk]), {"keep": ""}, follow=True)
    assert "Hãy chọn hồ sơ được giữ lại" in response.content.decode()
    inside.refresh_from_db()
    assert inside.state == DuplicatePair.State.PENDING


def test_it_marks_not_duplicates_from_the_page(client, pairs, provincial_staff):
    inside, across = pairs
    client.force_login(provincial_staff)
    response = client.post(reverse("duplicates:distinct", args=[across.pk]))
    assert response.status_code == 302
    across.refresh_from_db()
    assert across.state == DuplicatePair.State.NOT_DUPLICATE
    assert across.decided_by == provincial_staff
    listed = client.get(reverse("duplicates:list"))
    assert across not in listed.context["pairs"]


def test_it_starts_a_detection_job(
    client, world, provincial_staff, django_capture_on_commit_callbacks
):
    StudentFactory(
        full_name="Hồ Thị Mai",
        search_key="ho thi mai",
        school=world.school_gl,
        commune=world.gio_my,
    )
    StudentFactory(
        full_name="Ho Thi Mai",
        search_key="ho thi mai",
        school=world.school_gl,
        commune=world.gio_my,
    )
    client.force_login(provincial_staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("duplicates:detect"))
    assert response.status_code == 302
    job_page = client.get(response.url)
    assert job_page.status_code == 302 and job_page.url == reverse("duplicates:list")
    assert DuplicatePair.objects.filter(state="pending").count() == 1


def test_it_does_not_let_a_leader_start_a_detection(client, leader):
    client.force_login(leader)
    assert client.post(reverse("duplicates:detect")).status_code == 403


def test_it_does_not_let_district_staff_start_the_province_wide_detection(
    client, pairs, district_staff_dh
):
    """District staff decide the pairs inside their district but the run over the
    whole province is started by provincial staff (or an administrator)."""
    inside, _across = pairs
    client.force_login(district_staff_dh)
    assert client.post(reverse("duplicates:detect")).status_code == 403
    page = client.get(reverse("duplicates:list"))
    assert page.context["can_detect"] is False
    assert reverse("duplicates:detect") not in page.content.decode()
    assert client.get(reverse("duplicates:detail", args=[inside.pk])).context["can_decide"]


def test_it_offers_the_detection_to_provincial_staff(client, pairs, provincial_staff):
    client.force_login(provincial_staff)
    page = client.get(reverse("duplicates:list"))
    assert page.context["can_detect"] is True
    assert reverse("duplicates:detect") in page.content.decode()


def test_a_pending_pair_keeps_its_page_when_namesakes_are_added(client, world, provincial_staff):
    """The report: two "Hồ Văn Kăn" born 23/11/2014 in one school were queued; more
    namesakes were added, detection ran again, and the pair's page answered 404."""
    born = dt.date(2014, 11, 23)

    def kan(name="Hồ Văn Kăn"):
        return StudentFactory(
            full_name=name, school=world.school_gl, commune=world.gio_my, birth_date=born
        )

    kan(), kan("Ho Van Kan")
    duplicates_detect()
    pair = DuplicatePair.objects.get()
    url = reverse("duplicates:detail", args=[pair.pk])
    for _ in range(5):
        kan()
    duplicates_detect()
    client.force_login(provincial_staff)
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["pair"].state == DuplicatePair.State.PENDING


def test_the_queue_shows_a_pair_whose_record_changed_or_is_no_longer_found(
    client, world, pairs, provincial_staff
):
    inside, across = pairs
    # A record corrected after the pair was found; the next run no longer finds it.
    Student.objects.filter(pk=inside.student_b_id).update(
        class_name="9C", updated_at=timezone.now()
    )
    DuplicatePair.objects.filter(pk=inside.pk).update(missing_since=timezone.now())
    client.force_login(provincial_staff)
    body = client.get(reverse("duplicates:list")).content.decode()
    assert body.count("hồ sơ đã thay đổi sau khi phát hiện") == 1
    assert body.count("lần tìm gần nhất không còn thấy") == 1
    detail = client.get(reverse("duplicates:detail", args=[inside.pk])).content.decode()
    assert "Hồ sơ đã thay đổi sau khi phát hiện" in detail


def test_provincial_staff_undo_a_merge_from_the_pair_page(
    client, world, pairs, district_staff_dh, provincial_staff
):
    inside, across = pairs
    client.force_login(district_staff_dh)
    merge = reverse("duplicates:merge", args=[inside.pk])
    client.post(merge, {"keep": world.student_dh.pk, "confirmed": "1"})
    other = Student.objects.get(pk=other_of(inside, world.student_dh))
    assert other.merged_into_id == world.student_dh.pk
    # District staff see the merge but may not undo it.
    page = client.get(reverse("duplicates:detail", args=[inside.pk]))
    assert not page.context["can_undo"]
    assert "Hoàn tác lần gộp này" not in page.content.decode()
    client.force_login(provincial_staff)
    page = client.get(reverse("duplicates:detail", args=[inside.pk]))
    assert page.context["can_undo"]
    response = client.post(reverse("duplicates:merge-undo", args=[inside.pk]), follow=True)
    body = response.content.decode()
    assert "Đã hoàn tác lần gộp" in body
    assert "Hoàn tác lúc" in body and "hoi_dongha" not in body.split("Các lần gộp")[0]
    other.refresh_from_db()
    assert other.merged_into_id is None
    inside.refresh_from_db()
    assert inside.state == DuplicatePair.State.PENDING
    # Decided pairs are listed under their state; this one is back in the queue.
    assert inside in client.get(reverse("duplicates:list")).context["pairs"]
    merged_list = client.get(reverse("duplicates:list"), {"state": "merged"})
    assert list(merged_list.context["pairs"]) == []


def test_a_record_merged_away_shows_no_status_consent_or_edit(
    client, world, pairs, district_staff_dh
):
    inside, across = pairs
    client.force_login(district_staff_dh)
    client.post(
        reverse("duplicates:merge", args=[inside.pk]),
        {"keep": world.student_dh.pk, "confirmed": "1"},
    )
    other = other_of(inside, world.student_dh)
    body = client.get(reverse("students:detail", args=[other])).content.decode()
    head = body.split('class="record-toc"')[0]
    assert "Đã gộp vào hồ sơ khác" in head
    assert "Đang học" not in body
    assert "Thiếu đồng ý xử lý dữ liệu" not in body
    assert 'badge-warn">Chưa có</span>' not in body
    assert "Chưa cần (dưới 7 tuổi)" not in body  # 14 years old: nothing is missing
    assert reverse("students:edit", args=[other]) not in body
    assert reverse("duplicates:detail", args=[inside.pk]) in body
    # The kept record still shows its own.
    kept = client.get(reverse("students:detail", args=[world.student_dh.pk])).content.decode()
    assert "Đang học" in kept and "Thiếu đồng ý xử lý dữ liệu" in kept


def test_the_kept_record_history_reads_as_a_merge(client, world, pairs, district_staff_dh):
    inside, across = pairs
    other = other_of(inside, world.student_dh)
    GuardianFactory(student_id=other, full_name="Lê Thị Hoa", relation="mother")
    Student.objects.filter(pk=other).update(personal_id="045212000123")
    client.force_login(district_staff_dh)
    client.post(
        reverse("duplicates:merge", args=[inside.pk]),
        {"keep": world.student_dh.pk, "confirmed": "1"},
    )
    response = client.get(reverse("students:detail", args=[world.student_dh.pk]))
    (entry,) = [e for e in response.context["history"] if e.source == "Gộp hồ sơ trùng"]
    assert entry.source_url == reverse("duplicates:detail", args=[inside.pk])
    items = {(i.subject, i.action) for i in entry.items}
    assert (f"Hồ sơ Nguyen Van An (số {other})", "Gộp vào hồ sơ này") in items
    assert ("Phụ huynh: Lê Thị Hoa (Mẹ)", f"Chuyển từ hồ sơ số {other} về hồ sơ này") in items
    # The kept record took the ID; the other record's loss of it is not shown as
    # this record's.
    own = [i for i in entry.items if i.subject == "Hồ sơ"]
    assert [(c.old, c.new) for i in own for c in i.changes] == [("(trống)", "045212000123")]
    # The record merged away says where its rows went.
    away = client.get(reverse("students:detail", args=[other]))
    (entry,) = [e for e in away.context["history"] if e.source == "Gộp hồ sơ trùng"]
    assert (
        "Phụ huynh: Lê Thị Hoa (Mẹ)",
        f"Chuyển sang hồ sơ số {world.student_dh.pk}",
    ) in {(i.subject, i.action) for i in entry.items}


def test_a_pair_a_merge_made_redundant_leads_to_the_pair_that_replaced_it(
    client, world, pairs, district_staff_dh, outsider
):
    inside, across = pairs
    dh = world.student_dh
    other = Student.objects.get(pk=other_of(inside, dh))
    third = StudentFactory(full_name="Nguyễn Văn An", school=world.school_dh)
    # Both records of the pair have a pair with the third student: after the merge, the
    # merged record's one is the kept record's question.
    gone = pair_of(other, third, score=70)
    stays = pair_of(dh, third, score=75)
    client.force_login(district_staff_dh)
    client.post(reverse("duplicates:merge", args=[inside.pk]), {"keep": dh.pk, "confirmed": "1"})
    assert not DuplicatePair.objects.filter(pk=gone.pk).exists()
    response = client.get(reverse("duplicates:detail", args=[gone.pk]))
    assert response.status_code == 302
    assert response.url == reverse("duplicates:detail", args=[stays.pk])
    client.force_login(outsider)
    assert client.get(reverse("duplicates:detail", args=[gone.pk])).status_code == 404


@pytest.mark.parametrize(
    ("route", "who"),
    [
        ("merge", "anonymous"),
        ("merge", "leader"),
        ("merge", "district_staff_gl"),  # the other district
        ("distinct", "anonymous"),
        ("distinct", "leader"),
        ("distinct", "outsider"),
        ("merge-undo", "anonymous"),
        ("merge-undo", "district_staff_dh"),
        ("merge-undo", "leader"),
    ],
)
def test_a_refused_decision_changes_nothing(request, client, world, pairs, route, who):
    """Who gets which answer is in the URL table (tests/urls/duplicates.py); here, that
    a refused decision leaves the pair as it was."""
    pair = pairs[0]
    if route == "merge-undo":
        client.force_login(request.getfixturevalue("provincial_staff"))
        client.post(
            reverse("duplicates:merge", args=[pair.pk]),
            {"keep": pair.student_a_id, "confirmed": "1"},
        )
        client.logout()
    state = DuplicatePair.objects.get(pk=pair.pk).state
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    data = {"keep": pair.student_a_id, "confirmed": "1"}
    response = client.post(reverse(f"duplicates:{route}", args=[pair.pk]), data)
    assert response.status_code in (302, 403, 404)
    if who == "anonymous":
        assert response.url.startswith(reverse("login"))
    assert DuplicatePair.objects.get(pk=pair.pk).state == state
    assert state == ("merged" if route == "merge-undo" else "pending")
