"""Matching free-text addresses to communes, on the real Quảng Trị tree (both eras)."""

from __future__ import annotations

import pytest

from khuyenhoc.areas_loader import areas_load
from khuyenhoc.models import Area
from students.addresses.lookup import (
    AMBIGUOUS,
    EMPTY,
    MATCHED,
    UNMATCHED,
    address_lookup,
    address_parts,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def lookup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        from django.db import transaction

        with transaction.atomic():
            areas_load(provinces=["Quảng Trị"])
            built = address_lookup()
            ids = {
                (a.code, a.valid_from is None): a.pk for a in Area.objects.filter(kind="commune")
            }
            transaction.set_rollback(True)
    return built, ids


def old(ids, code):
    return ids[(code, True)]


def new(ids, code):
    return ids[(code, False)]


@pytest.mark.parametrize(
    "address, code, village",
    [
        ("Thôn 2, xã Gio Mỹ, h. Gio Linh", "19510", "Thôn 2"),
        ("Thôn 2, xã Gio Mỹ, huyện Gio Linh, tỉnh Quảng Trị", "19510", "Thôn 2"),
        ("thon 2 xa gio my huyen gio linh", "19510", "thon 2"),
        ("Thôn Xuân Ngọc, X.Gio Mỹ", "19510", "Thôn Xuân Ngọc"),
        ("KP 3, P.1, TP Đông Hà", "19333", "KP 3"),
        ("Khu phố 3, Phường 1, Thành phố Đông Hà", "19333", "Khu phố 3"),
        ("kp3 p1 tp dong ha", "19333", "kp3"),
        ("KP 2, P.1, TX Quảng Trị", "19357", "KP 2"),
        ("P.Đông Lễ, Đông Hà", "19336", ""),
        ("Thị trấn Gio Linh, Gio Linh", "19495", ""),
        ("Gio Mỹ, Gio Linh, Quảng Trị", "19510", ""),
        ("Thôn Hà Xá, Xã Cam Thủy, huyện Cam Lộ", "19606", "Thôn Hà Xá"),
        ("Khe Sanh, Hướng Hóa", "19429", ""),
    ],
)
def test_it_matches_old_names_to_the_old_commune(lookup, address, code, village):
    built, ids = lookup
    found = built.match(address)
    assert found.status == MATCHED, found.reason
    assert found.commune_id == old(ids, code)
    assert found.village == village


@pytest.mark.parametrize(
    "address, code",
    [
        ("Thôn Hà Thượng, xã Gio Linh", "19495"),
        ("Thôn 1, Xã Cửa Việt, Quảng Trị", "19496"),
        ("Khu phố 5, phường Nam Đông Hà", "19351"),
        ("KP 1, P. Đông Hà", "19333"),
        ("Xã Cồn Tiên", "19537"),
        ("xa con tien, tinh quang tri", "19537"),
        ("Bản Ka Tăng, xã Lìa", "19489"),
    ],
)
def test_it_matches_2025_names_to_the_new_commune(lookup, address, code):
    built, ids = lookup
    found = built.match(address)
    assert found.status == MATCHED, found.reason
    assert found.commune_id == new(ids, code)


def test_it_reads_an_old_name_kept_in_2025_as_the_new_commune_unless_a_district_is_written(lookup):
    built, ids = lookup
    # Cửa Việt: the old town (Gio Linh) was taken over by the 2025 commune of the same name.
    assert built.match("Thôn 1, Cửa Việt").commune_id == new(ids, "19496")
    assert built.match("Thôn 1, Cửa Việt, huyện Gio Linh").commune_id == old(ids, "19496")
    assert built.match("Thôn 1, TT Cửa Việt").commune_id == old(ids, "19496")


def test_it_uses_the_district_to_tell_apart_communes_with_the_same_name(lookup):
    built, ids = lookup
    found = built.match("Xã Cam Thủy")  # Cam Lộ (Quảng Trị) and Lệ Thủy (Quảng Bình)
    assert found.status == AMBIGUOUS
    assert len(found.candidates) == 2
    assert "2 xã/phường" in found.reason
    assert built.match("Xã Cam Thủy, h. Cam Lộ").commune_id == old(ids, "19606")
    assert built.match("Xã Cam Thủy, huyện Lệ Thủy").status == MATCHED
    assert built.match("Phường 1, Quảng Trị").status == AMBIGUOUS
    assert built.match("Phường 1, TX. Quảng Trị").commune_id == old(ids, "19357")


def test_it_uses_the_school_only_to_choose_between_namesakes(lookup):
    built, ids = lookup
    school_commune = old(ids, "19336")  # Đông Lễ, in Đông Hà
    assert built.match("KP 3, P.1", near=school_commune).commune_id == old(ids, "19333")
    assert built.match("KP 3, P.1").status == AMBIGUOUS
    # Cam Thủy is in neither Đông Hà: still ambiguous.
    assert built.match("Xã Cam Thủy", near=school_commune).status == AMBIGUOUS


def test_it_flags_a_district_that_does_not_hold_the_commune(lookup):
    built, ids = lookup
    found = built.match("Thôn 2, xã Gio Mỹ, huyện Cam Lộ")
    assert found.status == AMBIGUOUS
    assert found.candidates == (old(ids, "19510"),)
    assert "không thuộc" in found.reason


@pytest.mark.parametrize(
    "address, status",
    [
        ("Thôn 2, xã Gio Mỹy, h. Gio Linh", UNMATCHED),
        ("123 Lê Lợi", UNMATCHED),
        ("", EMPTY),
        ("   ", EMPTY),
    ],
)
def test_it_says_when_nothing_matches(lookup, address, status):
    built, _ids = lookup
    found = built.match(address)
    assert found.status == status
    assert found.commune_id is None
    assert found.reason


def test_it_cuts_addresses_written_without_commas():
    parts = address_parts("Thôn 2 xã Gio Mỹ huyện Gio Linh")
    assert [(p.text, p.kind) for p in parts] == [
        ("Thôn 2", "village"),
        ("xã Gio Mỹ", "commune"),
        ("huyện Gio Linh", "district"),
    ]
    assert [p.unit_type for p in address_parts("TT.Gio Linh, Tx.Quảng Trị")] == [
        "Thị trấn",
        "Thị xã",
    ]


def test_it_builds_the_lookup_with_two_queries(django_assert_num_queries):
    areas_load(provinces=["Quảng Trị"])
    with django_assert_num_queries(2):
        built = address_lookup()
    assert len(built.places) > 300
    with django_assert_num_queries(0):
        for _ in range(100):
            built.match("Thôn 2, xã Gio Mỹ, h. Gio Linh")


@pytest.mark.parametrize(
    "address, parts",
    [
        ("Thôn Xa Re, xã Hướng Lộc", ["Thôn Xa Re", "xã Hướng Lộc"]),
        ("Bản Xa Bai xã Lìa", ["Bản Xa Bai", "xã Lìa"]),
        ("Khối phố 1, phường 2, thị xã Quảng Trị", ["Khối phố 1", "phường 2", "thị xã Quảng Trị"]),
        ("kp3 p1 tp dong ha", ["kp3", "p1", "tp dong ha"]),
    ],
)
def test_it_does_not_cut_inside_names_that_start_like_a_unit(address, parts):
    assert [p.text for p in address_parts(address)] == parts


def test_it_matches_villages_named_like_unit_words(lookup):
    built, ids = lookup
    found = built.match("Bản Xa Bai, xã Lìa, huyện Hướng Hóa")
    assert found.status == MATCHED and found.village == "Bản Xa Bai"
    assert built.match("Khối phố 1, phường 2, thị xã Quảng Trị").commune_id == old(ids, "19360")
