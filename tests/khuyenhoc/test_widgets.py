"""The commune picker: the school's province's communes, 2025 names and the older names
pointing at the commune that took them over, searchable without diacritics."""

import datetime as dt

import pytest
from django.urls import reverse

from khuyenhoc.models import AreaSuccession
from khuyenhoc.widgets import commune_entries
from tests.factories import area_add

pytestmark = pytest.mark.django_db

REFORM = dt.date(2025, 7, 1)


@pytest.fixture
def reform(world):
    """The world's tree as the pre-2025 one, the 2025 province that took it over (one
    commune, Gio Linh, successor of Gio Mỹ), and an unrelated province."""
    for area in (world.province, world.dong_ha, world.gio_linh, world.phuong_1, world.gio_my):
        area.refresh_from_db()
        area.valid_to = REFORM - dt.timedelta(days=1)
        area.save(update_fields=["valid_to"])
    new_province = area_add(parent=None, code="45n", name="Tỉnh Quảng Trị (mới)", kind="province")
    new_province.valid_from = REFORM
    new_province.save(update_fields=["valid_from"])
    gio_linh_2025 = area_add(parent=new_province, code="19507", name="Xã Gio Linh", kind="commune")
    dong_ha_2025 = area_add(
        parent=new_province, code="19334", name="Phường Đông Hà", kind="commune"
    )
    for area in (gio_linh_2025, dong_ha_2025):
        area.valid_from = REFORM
        area.save(update_fields=["valid_from"])
    AreaSuccession.objects.create(
        old_area=world.gio_my, new_area=gio_linh_2025, is_default=True, effective_on=REFORM
    )
    AreaSuccession.objects.create(
        old_area=world.phuong_1, new_area=dong_ha_2025, is_default=True, effective_on=REFORM
    )
    elsewhere = area_add(parent=None, code="46", name="Thành phố Huế", kind="province")
    area_add(parent=elsewhere, code="19900", name="Phường Thuận Hóa", kind="commune")
    return gio_linh_2025, dong_ha_2025


def test_it_offers_the_2025_communes_then_old_names_pointing_at_their_successors(world, reform):
    gio_linh_2025, dong_ha_2025 = reform
    entries = commune_entries(roots=[world.province.path[:4], gio_linh_2025.path[:4]])
    current = [(e.value, e.label) for e in entries if not e.former]
    former = [(e.value, e.label) for e in entries if e.former]
    assert current == [(dong_ha_2025.pk, "Phường Đông Hà"), (gio_linh_2025.pk, "Xã Gio Linh")]
    assert (gio_linh_2025.pk, "Xã Gio Mỹ (Huyện Gio Linh, trước 7/2025) → Xã Gio Linh") in former
    assert (
        dong_ha_2025.pk,
        "Phường 1 (Thành phố Đông Hà, trước 7/2025) → Phường Đông Hà",
    ) in former
    assert all("Thuận Hóa" not in e.label for e in entries)
    # Sorted by the short name, without the unit: Gio Mỹ before (Phường) 1.
    assert [e.successor for e in entries if e.former] == ["Xã Gio Linh", "Phường Đông Hà"]
    old = next(e for e in entries if e.label.startswith("Xã Gio Mỹ"))
    assert "gio my" in old.key and "gio linh" in old.key


def test_it_shows_the_picker_on_the_student_form(client, world, reform, district_staff_dh):
    gio_linh_2025, _dong_ha = reform
    client.force_login(district_staff_dh)
    body = client.get(reverse("students:create")).content.decode()
    assert "data-commune-picker" in body
    assert 'type="search"' in body
    assert "Xã Gio Mỹ (Huyện Gio Linh, trước 7/2025) → Xã Gio Linh" in body
    assert 'data-key="xa gio my xa gio linh"' in body
    assert "Phường Thuận Hóa" not in body


def test_it_saves_the_successor_picked_through_an_old_name(
    client, world, reform, district_staff_dh
):
    gio_linh_2025, _dong_ha = reform
    client.force_login(district_staff_dh)
    student = world.student_dh
    url = reverse("students:edit", args=[student.pk])
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and k in form.fields}
    data |= {"commune": gio_linh_2025.pk, "birth_year": "2013", "wishes": []}
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    student.refresh_from_db()
    assert student.commune == gio_linh_2025


def test_it_keeps_the_old_commune_on_record_as_a_choice(client, world, reform, district_staff_dh):
    student = world.student_dh
    student.commune = world.phuong_1
    student.save(update_fields=["commune"])
    client.force_login(district_staff_dh)
    response = client.get(reverse("students:edit", args=[student.pk]))
    body = response.content.decode()
    expected = f'<option value="{world.phuong_1.pk}" selected data-key="phuong 1">'
    assert expected + "Phường 1 (tên cũ, đang ghi trong hồ sơ)</option>" in body
    # Its successor, under its 2025 name, is one choice away.
    assert "Phường 1 (Thành phố Đông Hà, trước 7/2025) → Phường Đông Hà" in body


def test_it_refuses_a_commune_of_another_province(client, world, reform, district_staff_dh):
    from khuyenhoc.models import Area

    hue = Area.objects.get(name="Phường Thuận Hóa")
    client.force_login(district_staff_dh)
    url = reverse("students:edit", args=[world.student_dh.pk])
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and k in form.fields}
    data |= {"commune": hue.pk, "birth_year": "2013"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "commune" in response.context["form"].errors


def test_it_offers_an_old_commune_without_a_successor_as_itself(world, reform):
    AreaSuccession.objects.filter(old_area=world.gio_my).delete()
    entries = commune_entries(roots=[world.province.path[:4]])
    old = next(e for e in entries if e.label.startswith("Xã Gio Mỹ"))
    assert (old.value, old.label, old.former) == (
        world.gio_my.pk,
        "Xã Gio Mỹ (Huyện Gio Linh, trước 7/2025)",
        True,
    )
