"""The shared input rules (core.validators): a person's name, refusal with the maximum length."""
import unicodedata

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation

from motcua.core.validators import (
    PERSON_NAME_MAX_LENGTH,
    RefuseOverlongMixin,
    check_length,
    validate_organisation_name,
    validate_party_name,
    validate_person_name,
)


@pytest.mark.parametrize("name", [
    "Nguyễn Thị Ánh Tuyết", "Đặng Văn Ơn", "Hoàng Thị Thử", "Lê-Nguyễn Bảo Ngọc", "Trần Thị Mẫu",
    "Phạm Văn A.", "O'Neil Tran", "H’Hen Niê", "Y Ngông Niê Kdăm", "Mary-Anne Smith",
    unicodedata.normalize("NFD", "Nguyễn Thị Ánh Tuyết"),  # decomposed diacritics
    "Nguyễn " * 28,  # 196 characters
])
def test_names_people_have_are_accepted(name):
    validate_person_name(name)


@pytest.mark.parametrize(("name", "shown"), [
    ("<script>alert(1)</script>", "“<”, “>”, “(”, “1”, “)”"),
    ("Nguyễn <b>An</b>", "“<”, “>”, “/”"),
    ("Nguyễn Văn 2", "“2”"),
    ("an@example.vn", "“@”"),
    ("Trần; DROP TABLE", "“;”"),
])
def test_anything_else_in_a_persons_name_is_refused_with_the_characters(name, shown):
    with pytest.raises(ValidationError) as info, translation.override("vi"):
        validate_person_name(name)
    assert info.value.code == "person_name"
    message = info.value.messages[0]
    assert message.startswith("Họ và tên chỉ gồm chữ cái, dấu cách và các dấu ' - .")
    assert shown in message
    with pytest.raises(ValidationError) as info, translation.override("en"):
        validate_person_name(name)
    assert info.value.messages[0].startswith("A person's name may hold only letters, spaces and the marks")


def test_a_long_name_is_refused_with_the_maximum_never_cut():
    name = ("Nguyễn " * 100).strip()  # 699 characters
    with pytest.raises(ValidationError) as info, translation.override("vi"):
        validate_person_name(name, "Họ và tên")
    assert info.value.code == "max_length"
    assert info.value.messages == [f"Họ và tên: tối đa {PERSON_NAME_MAX_LENGTH} ký tự, nhưng đã nhập 699 ký tự."]
    with pytest.raises(ValidationError), translation.override("en"):
        check_length("x" * 2001, 2000)
    check_length("x" * 2000, 2000)


def test_organisation_names_keep_digits_but_not_markup():
    validate_organisation_name("Công ty TNHH 3A & Cộng sự (chi nhánh số 2)")
    validate_party_name("Công ty CP 579", "business")
    with pytest.raises(ValidationError):
        validate_party_name("Công ty CP 579", "person")
    with pytest.raises(ValidationError):
        validate_organisation_name("Công ty <i>ABC</i>")
    with pytest.raises(ValidationError):
        validate_organisation_name("x" * 256)


def test_forms_render_no_maxlength_so_the_browser_cuts_nothing():
    class Plain(forms.Form):
        name = forms.CharField(max_length=200)

    class Checked(RefuseOverlongMixin, forms.Form):
        name = forms.CharField(max_length=200)

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields["comment"] = forms.CharField(max_length=2000, widget=forms.Textarea)

    assert 'maxlength="200"' in str(Plain()["name"])  # what a browser silently cuts at
    html = Checked().as_div()
    assert "maxlength" not in html
    form = Checked({"name": "a" * 700, "comment": "b" * 2500})
    assert not form.is_valid()
    assert "200" in form.errors["name"][0] and "2000" in form.errors["comment"][0]
