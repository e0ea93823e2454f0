"""Filling students' communes from their addresses (job and command), and the page
where staff settle the addresses left over."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from khuyenhoc.models import AreaSuccession, Job
from students.addresses.services import student_communes_fill
from students.models import Student
from tests.factories import StudentFactory, area_add

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree(world):
    """The world's small Quảng Trị, with a second "Phường 1" (Thị xã Quảng Trị), the old
    town of Gio Linh, and the 2025 province with the commune that took Gio Mỹ over."""
    world.province.refresh_from_db()
    tx_qt = area_add(
        parent=world.province,
        code="462",
        name="Thị xã Quảng Trị",
        short_name="Quảng Trị",
        kind="district",
    )
    p1_qt = area_add(parent=tx_qt, code="19357", name="Phường 1", kind="commune")
    world.gio_linh.refresh_from_db()
    tt_gl = area_add(
        parent=world.gio_linh,
        code="19495",
        name="Thị trấn Gio Linh",
        short_name="Gio Linh",
        kind="commune",
    )
    new_province = area_add(
        parent=None, code="44", name="Tỉnh Quảng Trị", short_name="Quảng Trị", kind="province"
    )
    new_gl = area_add(
        parent=new_province, code="90495", name="Xã Gio Linh", short_name="Gio Linh", kind="commune"
    )
    for old in (world.gio_my, tt_gl):
        AreaSuccession.objects.create(
            old_area=old, new_area=new_gl, effective_on=dt.date(2025, 7, 1)
        )
    return {"p1_qt": p1_qt, "tt_gl": tt_gl, "new_gl": new_gl}


@pytest.fixture
def addressed(world, tree):
    gl, dh = world.school_gl, world.school_dh
    return {
        "gio_my": StudentFactory(school=gl, address_text="Thôn 2, xã Gio Mỹ, h. Gio Linh"),
        "no_marks": StudentFactory(
            school=gl, address_text="thon 3 xa gio my huyen gio linh", village="Thôn Ba"
        ),
        "new_name": StudentFactory(school=gl, address_text="Thôn Hà Thượng, xã Gio Linh"),
        "p1_near": StudentFactory(school=dh, address_text="KP 3, P.1"),
        "p1_far": StudentFactory(school=gl, address_text="KP 3, P.1"),
        "unknown": StudentFactory(school=gl, address_text="123 Lê Lợi"),
        "settled": StudentFactory(
            school=gl, address_text="Thôn 2, xã Gio Mỹ", commune=tree["p1_qt"]
        ),
    }


def communes(students):
    return {
        key: Student.objects.values_list("commune_id", "village").get(pk=s.pk)
        for key, s in students.items()
    }


def test_it_fills_communes_from_addresses_with_a_few_set_based_queries(
    world, tree, addressed, provincial_staff, django_assert_max_num_queries
):
    StudentFactory.create_batch(
        200, school=world.school_gl, address_text="Thôn 1, Gio Mỹ, Gio Linh"
    )
    with django_assert_max_num_queries(17):
        result = student_communes_fill(user=provincial_staff)
    assert (result.total, result.matched, result.ambiguous, result.unmatched) == (206, 204, 1, 1)
    found = communes(addressed)
    assert found["gio_my"] == (world.gio_my.pk, "Thôn 2")
    assert found["no_marks"] == (world.gio_my.pk, "Thôn Ba")  # a village already known stays
    assert found["new_name"] == (tree["new_gl"].pk, "Thôn Hà Thượng")
    assert found["p1_near"] == (world.phuong_1.pk, "KP 3")  # the school is in Đông Hà
    assert found["p1_far"] == (None, "")
    assert found["unknown"] == (None, "")
    assert found["settled"] == (tree["p1_qt"].pk, "")
    event = addressed["gio_my"].events.order_by("-pgh_id").first()
    assert event.commune_id == world.gio_my.pk
    assert event.pgh_context.metadata["source"] == "address_match"
    assert event.pgh_context.metadata["username"] == "tinhhoi"


def test_it_fills_only_the_students_the_person_may_change(
    world, tree, addressed, district_staff_dh
):
    result = student_communes_fill(user=district_staff_dh)
    assert (result.total, result.matched) == (1, 1)
    assert communes(addressed)["gio_my"] == (None, "")


def test_it_runs_as_a_command(world, tree, addressed):
    out = io.StringIO()
    call_command(
        "match_addresses", "--school", world.school_gl.moet_code, stdout=out, stderr=io.StringIO()
    )
    summary = json.loads(out.getvalue().strip().splitlines()[-1])
    assert summary == {"total": 5, "matched": 3, "ambiguous": 1, "unmatched": 1, "empty": 0}
    assert communes(addressed)["p1_near"] == (None, "")  # another school
    event = addressed["gio_my"].events.order_by("-pgh_id").first()
    assert event.pgh_context.metadata["source"] == "command"


def test_it_runs_as_a_job_from_the_page(
    client, world, tree, addressed, district_staff_gl, django_capture_on_commit_callbacks
):
    client.force_login(district_staff_gl)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("addresses:match"))
    job = Job.objects.get(kind="addresses_match")
    assert response.url == f"/tac-vu/{job.pk}/"
    assert job.state == Job.State.DONE, job.error
    assert job.result["message"] == "Khớp 3, chưa rõ 1, không khớp 1"
    assert communes(addressed)["gio_my"][0] == world.gio_my.pk


def test_it_lists_the_unresolved_addresses_in_scope_with_reasons_and_candidates(
    client, world, tree, addressed, district_staff_gl
):
    student_communes_fill(user=None)
    client.force_login(district_staff_gl)
    html = client.get(reverse("addresses:unresolved")).content.decode()
    assert "2 học sinh có địa chỉ" in html
    assert "123 Lê Lợi" in html and "Không thấy tên xã/phường trong địa chỉ" in html
    assert "Có 2 xã/phường tên “P.1”" in html
    assert "Phường 1 (Thị xã Quảng Trị, trước 1/7/2025)" in html
    assert "Phường 1 (Thành phố Đông Hà, trước 1/7/2025)" in html


def test_it_lets_staff_pick_a_commune_among_the_province_units(
    client, world, tree, addressed, district_staff_gl
):
    student = addressed["p1_far"]
    client.force_login(district_staff_gl)
    url = reverse("addresses:set", args=[student.pk])
    page = client.get(url).content.decode()
    assert "Xã Gio Linh" in page and "Thị trấn Gio Linh" in page
    assert "data-commune-picker" in page  # with the search box (khuyenhoc/widgets.py)
    response = client.post(url, {"commune": tree["p1_qt"].pk, "village": "KP 3", "trang": "1"})
    assert response.status_code == 302 and response.url == "/dia-chi/?trang=1"
    assert communes({"s": student})["s"] == (tree["p1_qt"].pk, "KP 3")
    event = student.events.order_by("-pgh_id").first()
    assert event.pgh_context.metadata["source"] == "form"


def test_it_refuses_a_commune_outside_the_choices(
    client, world, tree, addressed, district_staff_gl
):
    other = area_add(
        parent=None, code="01", name="Thành phố Hà Nội", short_name="Hà Nội", kind="province"
    )
    client.force_login(district_staff_gl)
    url = reverse("addresses:set", args=[addressed["p1_far"].pk])
    response = client.post(url, {"commune": other.pk})
    assert response.status_code == 400
    assert "Hãy chọn một xã/phường trong danh sách" in response.content.decode()
    assert communes({"s": addressed["p1_far"]})["s"] == (None, "")


def test_it_answers_404_to_an_outsider(client, world, tree, addressed, district_staff_dh, leader):
    url = reverse("addresses:set", args=[addressed["p1_far"].pk])
    client.force_login(district_staff_dh)  # Đông Hà staff, a Gio Linh student
    assert client.get(url).status_code == 404
    assert client.post(url, {"commune": world.gio_my.pk}).status_code == 404
    client.force_login(leader)  # sees, may not change
    assert client.get(url).status_code == 404
    assert client.post(reverse("addresses:match")).status_code == 404
    assert communes({"s": addressed["p1_far"]})["s"] == (None, "")


def test_it_shows_staff_only_the_students_of_their_scope(
    client, world, tree, addressed, district_staff_dh
):
    student_communes_fill(user=None)
    client.force_login(district_staff_dh)
    html = client.get(reverse("addresses:unresolved")).content.decode()
    assert addressed["unknown"].full_name not in html
    assert addressed["p1_far"].full_name not in html
    assert "Mọi địa chỉ đều đã có xã/phường" in html
