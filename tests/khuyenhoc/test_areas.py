from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command

from khuyenhoc.areas_loader import AreasLoadError, _dataset, areas_load
from khuyenhoc.models import Area, AreaSuccession
from khuyenhoc.selectors import area_ancestors, area_descendants, area_successors

pytestmark = pytest.mark.django_db

OLD = None
NEW = dt.date(2025, 7, 1)

QUANG_TRI_DISTRICTS = [
    ("461", "Thành phố Đông Hà", "Đông Hà", "Thành phố"),
    ("462", "Thị xã Quảng Trị", "Quảng Trị", "Thị xã"),
    ("464", "Huyện Vĩnh Linh", "Vĩnh Linh", "Huyện"),
    ("465", "Huyện Hướng Hóa", "Hướng Hóa", "Huyện"),
    ("466", "Huyện Gio Linh", "Gio Linh", "Huyện"),
    ("467", "Huyện Đa Krông", "Đa Krông", "Huyện"),
    ("468", "Huyện Cam Lộ", "Cam Lộ", "Huyện"),
    ("469", "Huyện Triệu Phong", "Triệu Phong", "Huyện"),
    ("470", "Huyện Hải Lăng", "Hải Lăng", "Huyện"),
    ("471", "Huyện Cồn Cỏ", "Cồn Cỏ", "Huyện"),
]


@pytest.fixture
def quang_tri():
    return areas_load(provinces=["Quảng Trị"])


def area(code: str, kind: str, valid_from: dt.date | None) -> Area:
    return Area.objects.get(code=code, kind=kind, valid_from=valid_from)


def snapshot() -> list[tuple]:
    return list(
        Area.objects.order_by("path").values_list(
            "id", "path", "depth", "numchild", "code", "kind", "name", "short_name", "unit_type"
        )
    )


def assert_valid_tree() -> None:
    assert Area.objects.find_problems() == ([], [], [], [], [])
    before = snapshot()
    # fix_tree renumbers every path in order; a canonical tree comes out unchanged.
    Area.objects.fix_tree(fix_paths=True)
    assert snapshot() == before


def test_it_loads_the_ten_real_districts_of_old_quang_tri(quang_tri):
    province = area("45", "province", OLD)
    assert (province.name, province.short_name, province.unit_type) == (
        "Tỉnh Quảng Trị",
        "Quảng Trị",
        "Tỉnh",
    )
    assert province.valid_to == dt.date(2025, 6, 30)
    districts = area_descendants(province, kind="district")
    assert [(d.code, d.name, d.short_name, d.unit_type) for d in districts] == QUANG_TRI_DISTRICTS
    assert province.numchild == 10
    communes = area_descendants(province, kind="commune")
    assert communes.count() == 119
    assert area_descendants(area("471", "district", OLD)).count() == 0
    gio_my = area("19510", "commune", OLD)
    assert (gio_my.name, gio_my.short_name, gio_my.unit_type) == ("Xã Gio Mỹ", "Gio Mỹ", "Xã")
    assert [a.code for a in area_ancestors(gio_my)] == ["45", "466"]


def test_it_loads_new_quang_tri_with_its_wards_and_both_predecessors(quang_tri):
    assert quang_tri.provinces == ["Tỉnh Quảng Trị"]
    assert quang_tri.old_provinces == ["Tỉnh Quảng Bình", "Tỉnh Quảng Trị"]
    province = area("44", "province", NEW)
    assert province.valid_to is None
    wards = list(area_descendants(province))
    assert len(wards) == 78
    assert {w.kind for w in wards} == {"commune"}
    assert {w.depth for w in wards} == {2}
    assert {w.unit_type for w in wards} == {"Xã", "Phường", "Đặc khu"}
    assert area("44", "province", OLD).name == "Tỉnh Quảng Bình"
    assert area_descendants(area("44", "province", OLD), kind="district").count() == 8
    roots = list(Area.objects.get_root_nodes().values_list("code", "valid_from"))
    assert roots == [("44", OLD), ("45", OLD), ("44", NEW)]
    assert quang_tri.areas["province"].created == 3
    assert quang_tri.areas["district"].created == 18
    assert quang_tri.areas["commune"].created == 119 + 145 + 78


def test_it_maps_the_old_communes_of_gio_linh_to_new_ones(quang_tri):
    gio_linh = area("466", "district", OLD)
    old_communes = list(area_descendants(gio_linh, kind="commune"))
    assert len(old_communes) == 14
    for commune in old_communes:
        successors = list(area_successors(commune))
        assert successors, commune
        assert [s.is_default_successor for s in successors] == [True]
        assert successors[0].valid_from == NEW
    gio_my = area("19510", "commune", OLD)
    assert [s.name for s in area_successors(gio_my)] == ["Xã Gio Linh"]
    assert {s.name for s in area_successors(gio_linh)} == {
        "Xã Bến Hải",
        "Xã Cồn Tiên",
        "Xã Cửa Việt",
        "Xã Gio Linh",
    }
    con_co = area("471", "district", OLD)
    assert [s.name for s in area_successors(con_co)] == ["Đặc khu Cồn Cỏ"]
    assert quang_tri.successions.created == 119 + 145 + 1


def test_it_gives_a_divided_commune_exactly_one_default_successor():
    result = areas_load(provinces=["quang ninh"])
    assert result.provinces == ["Tỉnh Quảng Ninh"]
    divided = [
        old_id for old_id, n in _count_successors(AreaSuccession.objects.all()).items() if n > 1
    ]
    assert len(divided) == 12
    for old_id in divided:
        successors = list(area_successors(Area.objects.get(pk=old_id)))
        assert len(successors) > 1
        assert [s.is_default_successor for s in successors].count(True) == 1
        assert successors[0].is_default_successor
    # Every old commune in the whole country has exactly one default successor.
    defaults: dict = {}
    for links in _dataset().links.values():
        for old, _new, is_default in links:
            defaults[old] = defaults.get(old, 0) + is_default
    assert set(defaults.values()) == {1}


def _count_successors(qs) -> dict[int, int]:
    counts: dict[int, int] = {}
    for old_id in qs.values_list("old_area_id", flat=True):
        counts[old_id] = counts.get(old_id, 0) + 1
    return counts


def test_it_reads_ancestors_and_descendants_in_one_query_each(quang_tri, django_assert_num_queries):
    gio_my = area("19510", "commune", OLD)
    province = area("45", "province", OLD)
    with django_assert_num_queries(1):
        ancestors = [(a.code, a.kind) for a in area_ancestors(gio_my)]
    assert ancestors == [("45", "province"), ("466", "district")]
    with django_assert_num_queries(1):
        assert len(list(area_descendants(province))) == 129
    with django_assert_num_queries(1):
        assert len(list(area_descendants(province, kind="commune"))) == 119
    expected = [province, area("466", "district", OLD)]
    with django_assert_num_queries(1):
        assert list(Area.objects.get_ancestors(gio_my)) == expected
    with django_assert_num_queries(1):
        assert len(list(area_successors(gio_my))) == 1


def test_it_changes_nothing_when_run_twice(quang_tri):
    before = snapshot()
    successions = list(AreaSuccession.objects.order_by("pk").values_list())
    again = areas_load(provinces=["44"])
    assert not again.changed
    assert {kind: (c.created, c.updated) for kind, c in again.areas.items()} == {
        "province": (0, 0),
        "district": (0, 0),
        "commune": (0, 0),
    }
    assert again.areas["commune"].unchanged == 119 + 145 + 78
    assert (again.successions.created, again.successions.updated) == (0, 0)
    assert snapshot() == before
    assert list(AreaSuccession.objects.order_by("pk").values_list()) == successions


def test_it_builds_a_valid_tree(quang_tri):
    assert_valid_tree()


def test_it_appends_to_an_existing_tree_and_keeps_existing_nodes(world):
    kept = {a.pk: a.path for a in Area.objects.all()}
    result = areas_load(provinces=["Quảng Trị"])
    assert {a.pk: a.path for a in Area.objects.filter(pk__in=kept)} == kept
    province = area("45", "province", OLD)
    assert province.pk == world.province.pk
    assert province.numchild == 10
    assert area_descendants(province, kind="district").count() == 10
    assert result.areas["province"].created == 2
    assert (result.areas["district"].created, result.areas["district"].updated) == (16, 2)
    # The fixture's communes carry their real codes, so they are matched in place.
    assert result.misplaced == []
    assert Area.objects.get(pk=world.gio_my.pk).name == "Xã Gio Mỹ"
    assert world.school_gl.commune_id == world.gio_my.pk
    assert not areas_load(provinces=["Quảng Trị"]).changed
    assert_valid_tree()


def test_it_appends_a_later_province_after_the_roots_already_there():
    areas_load(provinces=["Quảng Ninh"])
    first = snapshot()
    areas_load(provinces=["Quảng Trị"])
    assert snapshot()[: len(first)] == first
    roots = Area.objects.get_root_nodes().values_list("path", "code", "valid_from")
    assert list(roots) == [
        ("0001", "22", OLD),
        ("0002", "22", NEW),
        ("0003", "44", OLD),
        ("0004", "45", OLD),
        ("0005", "44", NEW),
    ]


def test_it_finds_a_district_by_its_search_key(quang_tri):
    found = Area.objects.filter(search_key="gio linh", kind="district")
    assert [a.name for a in found] == ["Huyện Gio Linh"]
    found = Area.objects.filter(search_key__startswith="dong ha", kind="district")
    assert [a.name for a in found] == ["Thành phố Đông Hà"]


def test_it_matches_provinces_by_name_or_code_without_diacritics():
    with pytest.raises(AreasLoadError):
        areas_load(provinces=["Atlantis"])
    result = areas_load(provinces=["quang binh", "45", "Tỉnh Quảng Trị"])
    assert result.provinces == ["Tỉnh Quảng Trị"]


def test_it_runs_as_a_management_command():
    out = io.StringIO()
    call_command("load_areas", "--province", "Quảng Trị", stdout=out)
    text = out.getvalue()
    assert "Đã nạp: Tỉnh Quảng Trị" in text
    assert "Đã cập nhật" in text
    out = io.StringIO()
    call_command("load_areas", "--province", "44", stdout=out)
    assert "Không có gì thay đổi" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("load_areas", "--province", "Atlantis", stdout=io.StringIO())


def test_it_writes_set_based_not_row_by_row(django_assert_max_num_queries):
    # 342 areas and 265 successions: a handful of statements, not one per row.
    with django_assert_max_num_queries(12):
        areas_load(provinces=["Quảng Trị"])
    with django_assert_max_num_queries(6):
        areas_load(provinces=["Quảng Trị"])
