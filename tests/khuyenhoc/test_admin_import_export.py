"""Import and export of schools and areas in the Django admin, scoped to the person's
areas."""

import csv
import io

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from khuyenhoc.models import Area, School
from khuyenhoc.resources import AreaResource, SchoolResource
from khuyenhoc.roles import Role
from tests.factories import UserFactory, user_with_role

pytestmark = pytest.mark.django_db

CSV_FORMAT = "1"  # import_formats / export_formats are [XLSX, CSV]
SCHOOL_HEADER = ["Mã trường", "Tên trường", "Cấp học", "Mã xã/phường", "Đang hoạt động"]
AREA_HEADER = ["Mã GSO", "Tên", "Cấp", "Mã địa bàn cấp trên", "Hiệu lực từ"]


@pytest.fixture
def staff_dh(district_staff_dh):
    district_staff_dh.is_staff = True
    district_staff_dh.save(update_fields=["is_staff"])
    return district_staff_dh


@pytest.fixture
def provincial_dh(world):
    """Provincial staff (may add and change schools), granted Đông Hà only."""
    return user_with_role(Role.PROVINCIAL_STAFF, area=world.dong_ha, is_staff=True)


@pytest.fixture
def area_keeper_dh(world):
    """Someone trusted with Đông Hà's part of the area tree."""
    user = user_with_role(Role.DISTRICT_STAFF, area=world.dong_ha, is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="khuyenhoc", codename__in=["add_area", "change_area"]
        )
    )
    return user


@pytest.fixture
def leader_staff(leader):
    leader.is_staff = True
    leader.save(update_fields=["is_staff"])
    return leader


def csv_file(header, rows) -> SimpleUploadedFile:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return SimpleUploadedFile("tep.csv", out.getvalue().encode("utf-8"), "text/csv")


def upload(client, model: str, header, rows):
    return client.post(
        reverse(f"admin:khuyenhoc_{model}_import"),
        {"import_file": csv_file(header, rows), "format": CSV_FORMAT},
    )


def confirm(client, model: str, response):
    form = response.context["confirm_form"]
    return client.post(reverse(f"admin:khuyenhoc_{model}_process_import"), form.initial)


def row_errors(response) -> list[str]:
    result = response.context["result"]
    return [m for row in result.invalid_rows for ms in row.error_dict.values() for m in ms]


def export_csv(client, model: str, resource) -> list[dict]:
    data = {"format": CSV_FORMAT, "resource": "0"}
    data |= {f"{resource.__name__.lower()}_{name}": "on" for name in resource.fields}
    response = client.post(reverse(f"admin:khuyenhoc_{model}_export"), data)
    assert response.status_code == 200, response.content[:500]
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


# Export ------------------------------------------------------------------------------


def test_it_exports_only_the_schools_of_the_district(client, world, staff_dh):
    client.force_login(staff_dh)
    rows = export_csv(client, "school", SchoolResource)
    assert [r["Tên trường"] for r in rows] == ["Trường THCS Nguyễn Trãi"]
    assert rows[0]["Mã xã/phường"] == "19333"
    assert rows[0]["Cấp học"] == "Trung học cơ sở"
    assert world.school_gl.moet_code not in str(rows)


def test_it_exports_only_the_areas_of_the_district(client, world, staff_dh):
    client.force_login(staff_dh)
    rows = export_csv(client, "area", AreaResource)
    assert [(r["Mã GSO"], r["Mã địa bàn cấp trên"]) for r in rows] == [
        ("461", "45"),
        ("19333", "461"),
    ]
    assert "Gio" not in str(rows)


def test_it_exports_everything_to_a_superuser(client, world):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    codes = {r["Mã GSO"] for r in export_csv(client, "area", AreaResource)}
    assert codes == {"45", "461", "466", "19333", "19510"}


# Schools -----------------------------------------------------------------------------


def test_it_creates_and_updates_schools_in_scope(client, world, provincial_dh):
    client.force_login(provincial_dh)
    rows = [
        [world.school_dh.moet_code, "Trường THCS Nguyễn Trãi (mới)", "THCS", "19333", "Có"],
        ["45999001", "Trường Tiểu học Phường 1", "Tiểu học", "19333", "Có"],
    ]
    rows[0][2] = "Trung học cơ sở"
    response = upload(client, "school", SCHOOL_HEADER, rows)
    assert row_errors(response) == []
    assert confirm(client, "school", response).status_code == 302
    new = School.objects.get(moet_code="45999001")
    assert (new.level, new.grade_min, new.grade_max, new.commune) == (
        "primary",
        1,
        5,
        world.phuong_1,
    )
    assert new.search_key == "truong tieu hoc phuong 1"
    world.school_dh.refresh_from_db()
    assert world.school_dh.name == "Trường THCS Nguyễn Trãi (mới)"


def test_it_refuses_a_school_in_a_commune_of_another_district(client, world, provincial_dh):
    client.force_login(provincial_dh)
    rows = [
        ["45999001", "Trường Tiểu học Phường 1", "Tiểu học", "19333", "Có"],
        ["45999002", "Trường Tiểu học Gio Mỹ 2", "Tiểu học", "19510", "Có"],
    ]
    response = upload(client, "school", SCHOOL_HEADER, rows)
    assert row_errors(response) == [
        "Dòng 3, cột “Mã xã/phường”: Không tìm thấy xã/phường có mã 19510 trong địa bàn bạn "
        "được cập nhật. Ghi mã GSO của xã/phường, ví dụ 19333."
    ]
    assert "Gio Mỹ" not in response.text.replace("Gio Mỹ 2", "")
    assert not School.objects.filter(moet_code__startswith="45999").exists()


def test_it_does_not_touch_a_school_of_another_district(client, world, provincial_dh):
    client.force_login(provincial_dh)
    rows = [[world.school_gl.moet_code, "Đổi tên", "Trung học cơ sở", "19333", "Có"]]
    response = upload(client, "school", SCHOOL_HEADER, rows)
    (error,) = row_errors(response)
    assert error.startswith(
        f"Dòng 2, cột “Mã trường”: Không có trường mã {world.school_gl.moet_code}"
    )
    assert "Trường THCS Gio Mỹ" not in response.text
    world.school_gl.refresh_from_db()
    assert (world.school_gl.name, world.school_gl.commune) == ("Trường THCS Gio Mỹ", world.gio_my)


def test_it_gives_no_school_import_to_district_staff_or_the_leader(
    client, world, staff_dh, leader_staff
):
    for user in (staff_dh, leader_staff):
        client.force_login(user)
        changelist = client.get(reverse("admin:khuyenhoc_school_changelist"))
        assert reverse("admin:khuyenhoc_school_import") not in changelist.text
        assert reverse("admin:khuyenhoc_school_export") in changelist.text
        assert client.get(reverse("admin:khuyenhoc_school_import")).status_code == 403
        response = upload(
            client, "school", SCHOOL_HEADER, [["45999001", "X", "Tiểu học", "19333", "Có"]]
        )
        assert response.status_code == 403
    assert not School.objects.filter(moet_code="45999001").exists()


# Areas -------------------------------------------------------------------------------


def test_it_adds_a_commune_under_an_area_in_scope(client, world, area_keeper_dh):
    client.force_login(area_keeper_dh)
    rows = [
        ["19334", "Phường 2", "Xã/Phường/Thị trấn/Đặc khu", "461", ""],
        ["19335", "Phường 3", "commune", "461", ""],
        # An existing area: its name changes, its place in the tree does not.
        ["19333", "Phường Một", "commune", "461", ""],
    ]
    response = upload(client, "area", AREA_HEADER, rows)
    assert row_errors(response) == []
    assert confirm(client, "area", response).status_code == 302
    dong_ha = Area.objects.get(pk=world.dong_ha.pk)
    children = Area.objects.get_children(dong_ha)
    assert [(a.code, a.name) for a in children] == [
        ("19333", "Phường Một"),
        ("19334", "Phường 2"),
        ("19335", "Phường 3"),
    ]
    assert dong_ha.numchild == 3
    assert Area.objects.get(code="19334").search_key == "phuong 2"


def test_it_refuses_an_area_under_another_district(client, world, area_keeper_dh):
    client.force_login(area_keeper_dh)
    rows = [
        ["19334", "Phường 2", "commune", "461", ""],
        ["19511", "Xã Gio Hải", "commune", "466", ""],
        ["19510", "Đổi tên", "commune", "466", ""],
    ]
    response = upload(client, "area", AREA_HEADER, rows)
    errors = row_errors(response)
    assert errors[0] == (
        "Dòng 3, cột “Mã địa bàn cấp trên”: Không tìm thấy địa bàn cấp trên có mã 466 trong "
        "phạm vi bạn được cập nhật. Ghi mã GSO của tỉnh hoặc huyện chứa địa bàn này."
    )
    assert errors[1].startswith("Dòng 4, cột")
    assert "Xã Gio Mỹ" not in response.text
    assert not Area.objects.filter(code__in=["19334", "19511"]).exists()
    world.gio_my.refresh_from_db()
    assert world.gio_my.name == "Xã Gio Mỹ"


def test_it_does_not_move_an_area_by_import(client, world, area_keeper_dh):
    client.force_login(area_keeper_dh)
    response = upload(client, "area", AREA_HEADER, [["19333", "Phường 1", "commune", "45", ""]])
    (error,) = row_errors(response)
    assert error.startswith("Dòng 2, cột “Mã địa bàn cấp trên”: Không đổi được địa bàn cấp trên")


def test_it_gives_no_area_import_to_district_staff(client, world, staff_dh):
    client.force_login(staff_dh)
    changelist = client.get(reverse("admin:khuyenhoc_area_changelist"))
    assert changelist.status_code == 200
    assert reverse("admin:khuyenhoc_area_import") not in changelist.text
    assert client.get(reverse("admin:khuyenhoc_area_import")).status_code == 403
