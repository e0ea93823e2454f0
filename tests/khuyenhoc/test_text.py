import unicodedata

import pytest

from khuyenhoc.text import clean_text, has_control, has_invisible, name_problem, search_key


def test_it_folds_diacritics_and_d_bar():
    assert search_key("Nguyễn Văn An") == "nguyen van an"
    assert search_key("ĐẶNG THỊ ĐÀO") == "dang thi dao"
    assert search_key("nguyen van an") == search_key("Nguyen Van An")


def test_it_treats_decomposed_unicode_like_composed():
    nfd = unicodedata.normalize("NFD", "Hồ Thị Hường")
    assert search_key(nfd) == search_key("Hồ Thị Hường") == "ho thi huong"
    assert clean_text(nfd) == unicodedata.normalize("NFC", "Hồ Thị Hường")


def test_it_collapses_spaces():
    assert clean_text("  Lê   Văn\tTám  ") == "Lê Văn Tám"
    assert search_key("  Lê   Văn  Tám ") == "le van tam"
    assert clean_text(None) == "" and search_key("") == ""


def test_it_drops_invisible_and_control_characters():
    written = "Hồ\u200b Thị\u00ad \u202eMai\u202c\ufeff"
    assert clean_text(written) == "Hồ Thị Mai"
    assert search_key(written) == "ho thi mai"
    assert clean_text("An\x00h\x1f Lan") == "An h Lan"
    assert search_key("An\x00h") == "an h"
    assert has_invisible(written) and not has_invisible("Hồ Thị Mai")
    assert has_control("a\x00b") and not has_control("a\tb\nc")


@pytest.mark.parametrize(
    "name",
    ["Nguyễn Văn An", "H'Hen Niê", "Kpă Y-Sơn", "Nguyễn T. Hoa", "Lê Thị (Na)", "Đặng Thị Ánh"],
)
def test_it_accepts_names_as_schools_write_them(name):
    assert name_problem(name) is None


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("<script>alert(1)</script>", "mã HTML"),
        ("Nguyễn Văn An 2", "chữ số"),
        ("Nguyễn Văn ②", "chữ số"),
        ("=HYPERLINK(x)", "“=”"),
        ("An@gmail", "“@”"),
        ("محمد", "từ phải sang trái"),
        ("-An", "bắt đầu bằng chữ cái"),
    ],
)
def test_it_refuses_what_is_no_name_and_says_what_to_do(name, says):
    problem, fix = name_problem(name)
    assert says in problem and name[:20] in problem
    assert "Chỉ ghi họ và tên" in fix
