import unicodedata

from khuyenhoc.text import clean_text, search_key


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
