"""Vietnamese dictionary order (core.text.vi_sort_key): Đ after D, Ă and Â after A, tones second."""
import random

import pytest

from motcua.core.text import vi_sort_key

FIELDS_IN_ORDER = ["An ninh trật tự", "Ấn phẩm", "Bảo hiểm", "Dân số", "Đất đai", "Đường bộ", "Hộ tịch",
                   "Hôn nhân", "Ô tô", "Ơn nghĩa", "Tư pháp", "Ưu đãi", "Y tế"]


def test_fields_sort_in_the_vietnamese_alphabet():
    shuffled = FIELDS_IN_ORDER[:]
    random.Random(11).shuffle(shuffled)
    assert sorted(shuffled, key=vi_sort_key) == FIELDS_IN_ORDER
    # Python's own order puts every accented capital after Z: what this key is for.
    assert sorted(shuffled) != FIELDS_IN_ORDER


@pytest.mark.parametrize("before, after", [
    ("Dân số", "Đất đai"), ("dz", "đa"), ("Azz", "Ăn"), ("Ăn", "Ấn"), ("Ezz", "Ê"), ("Uzz", "Ư"),
    ("ba", "bà"), ("bà", "bá"), ("bá", "bả"), ("bả", "bã"), ("bã", "bạ"), ("bạ", "bac"),
    ("Hộ tịch", "Hôn nhân"), ("2 con", "An"), ("y tế", "Zalo"),
])
def test_pairs(before, after):
    assert vi_sort_key(before) < vi_sort_key(after)


def test_case_is_ignored_and_empty_names_come_first():
    assert sorted(["đất", "Dân", "", None, "ĐẤT"], key=vi_sort_key)[:2] in ([None, ""], ["", None])
    assert vi_sort_key("Dân")[:2] == vi_sort_key("dân")[:2]
