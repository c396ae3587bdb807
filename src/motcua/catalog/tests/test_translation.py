"""The catalogue in English: translated(), the template filters, search, and translations as part of
the version (drafted, published, cloned, immutable once published)."""
import pytest
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.utils import translation

from motcua.catalog import selectors, services
from motcua.catalog.models import Fee, ProcedureVersion
from motcua.catalog.translation import is_translated, translated

from .conftest import birth_registration

pytestmark = pytest.mark.django_db

ENGLISH = dict(
    name_en="Birth registration",
    requirements_en="Register within 60 days of the birth.\nBring the original documents.",
    cases=[
        {"code": "dung-han", "name": "Đăng ký đúng hạn", "name_en": "Registered on time"},
        {"code": "qua-han", "name": "Đăng ký quá hạn", "name_en": "Late registration", "time_limit": 5,
         "time_limit_unit": "working_days"},
    ],
    documents=[
        {"name": "Tờ khai đăng ký khai sinh", "name_en": "Birth registration form", "originals": 1},
        {"name": "Giấy chứng sinh", "originals": 1},  # no translation
    ],
)


@pytest.fixture
def english_birth(org):
    return birth_registration(org, **ENGLISH)


def test_translated_picks_the_asked_language_and_says_when_it_falls_back(english_birth):
    version = english_birth
    shown = translated(version, "name", "en")
    assert (shown.text, shown.language, shown.is_fallback) == ("Birth registration", "en", False)
    shown = translated(version, "name", "vi")
    assert (shown.text, shown.language, shown.is_fallback) == ("Đăng ký khai sinh", "vi", False)
    assert translated(version, "name", "en-us").text == "Birth registration"
    untranslated = version.documents.get(name="Giấy chứng sinh")
    shown = translated(untranslated, "name", "en")
    assert (shown.text, shown.language, shown.is_fallback) == ("Giấy chứng sinh", "vi", True)
    # no result text at all: nothing to mark
    assert translated(version, "result_description", "en").is_fallback is False
    with translation.override("en"):
        assert str(translated(version, "name")) == "Birth registration"
    with pytest.raises(ValueError):
        translated(version, "legal_basis", "en")
    assert is_translated(version) and not is_translated(untranslated)


def render(template: str, language: str, **context) -> str:
    with translation.override(language):
        return Template("{% load catalog_text %}" + template).render(Context(context))


def test_filter_marks_vietnamese_only_texts_on_english_pages(english_birth):
    document = english_birth.documents.get(name="Giấy chứng sinh")
    assert render('{{ v|tr:"name" }}', "en", v=english_birth) == "Birth registration"
    assert render('{{ d|tr:"name" }}', "en", d=document) == (
        '<span lang="vi">Giấy chứng sinh</span> <small class="vi-only">(<span lang="vi">chỉ có tiếng Việt</span>'
        ' / Vietnamese only)</small>'
    )
    assert render('{{ d|tr:"name" }}', "vi", d=document) == "Giấy chứng sinh"
    assert render('{{ v|tr:"name" }}', "vi", v=english_birth) == "Đăng ký khai sinh"
    # long texts keep their lines; texts are escaped
    assert render('{{ v|tr:"requirements" }}', "en", v=english_birth) == (
        "Register within 60 days of the birth.<br>Bring the original documents.")
    Fee.objects.filter(version=english_birth).update(name_en="<b>Charge</b>")
    fee = english_birth.fees.get()
    assert render('{{ f|tr:"name" }}', "en", f=fee) == "&lt;b&gt;Charge&lt;/b&gt;"
    assert render('{{ f|tr_plain:"name" }}', "en", f=fee) == "&lt;b&gt;Charge&lt;/b&gt;"  # autoescaped


def test_search_finds_a_procedure_by_its_english_name(english_birth, org):
    birth_registration(org, code="1.000999.000.00.00.H99", name="Đăng ký kết hôn")
    found = selectors.search(selectors.published(), "BIRTH registration")
    assert [v.procedure.code for v in found] == ["1.001193.000.00.00.H99"]
    assert selectors.search(selectors.published(), "dang ky").count() == 2
    assert "birth registration" in english_birth.search_text


def test_translations_belong_to_the_version(english_birth):
    published = english_birth
    # a published version's translation is frozen like the rest of it
    published.name_en = "Changed"
    with pytest.raises(ValidationError):
        published.save()
    document = published.documents.get(name="Giấy chứng sinh")
    document.name_en = "Birth certificate"
    with pytest.raises(ValidationError):
        document.save()
    # a new version copies them; the draft is where they change; publishing puts them in force
    draft = services.new_version(published.procedure)
    assert draft.name_en == "Birth registration"
    assert sorted(draft.cases.values_list("name_en", flat=True)) == ["Late registration", "Registered on time"]
    services.update_draft(draft, name_en="Registration of a birth")
    draft_document = draft.documents.get(name="Giấy chứng sinh")
    draft_document.name_en = "Medical certificate of birth"
    draft_document.save()
    assert selectors.published_by_code(published.procedure.code).name_en == "Birth registration"
    services.publish(draft, valid_from=published.valid_from.replace(year=published.valid_from.year + 1))
    in_force = selectors.published_by_code(published.procedure.code)
    assert in_force.number == 2 and in_force.name_en == "Registration of a birth"
    assert in_force.documents.get(name="Giấy chứng sinh").name_en == "Medical certificate of birth"
    assert ProcedureVersion.objects.get(pk=published.pk).name_en == "Birth registration"
    # the search text follows the version in force
    assert selectors.search(selectors.published(), "registration of a birth").get() == in_force
