"""The portal in English (?lang=en): catalogue texts in English where the catalogue has a
translation, the Vietnamese text marked "Vietnamese only" (lang="vi") where it has none, and no
marker at all on Vietnamese pages."""
import re

import pytest
from django.contrib.auth import get_user_model

from motcua.accounts.models import CitizenAccount
from motcua.catalog.models import Fee, Field, ProcedureVersion, RequiredDocument
from motcua.dossiers import services
from motcua.testing.world import APPLICANT, MONDAY, documents_for

pytestmark = pytest.mark.django_db

MARKER = '<small class="vi-only">(<span lang="vi">chỉ có tiếng Việt</span> / Vietnamese only)</small>'


@pytest.fixture
def translated(world):
    """The land procedure translated (name, first document, fee), the birth registration not."""
    version = world["version"]
    # Test set-up on a published version: bulk updates, as the importer writes published rows.
    ProcedureVersion.objects.filter(pk=version.pk).update(
        name_en="Registration of changes in land use rights",
        search_text=version.search_text + " registration of changes in land use rights")
    RequiredDocument.objects.filter(pk=world["docs"][0].pk).update(name_en="Application for registration of changes")
    Fee.objects.filter(version=version).update(name_en="Registration charge")
    Field.objects.filter(code="dat-dai").update(name_en="Land")
    return world


def detail(client, version, lang):
    return client.get(f"/thu-tuc/{version.procedure.code}/", {"lang": lang}).content.decode()


def h1(html: str) -> str:
    return re.search(r"<h1>(.*?)</h1>", html, re.S).group(1)


def test_procedure_list_in_english_marks_untranslated_names(client, translated):
    html = client.get("/thu-tuc/", {"lang": "en"}).content.decode()
    assert '">Registration of changes in land use rights</a>' in html
    assert f'"><span lang="vi">Đăng ký khai sinh</span> {MARKER}</a>' in html
    assert "· Land" in html and "Đất đai" not in html.split('id="id_field"')[1].split("</select>")[1]
    # searching in English finds the translated procedure only
    found = client.get("/thu-tuc/", {"q": "land use rights", "lang": "en"}).content.decode()
    assert "1 procedure found" in found and "Registration of changes in land use rights" in found
    vietnamese = client.get("/thu-tuc/", {"lang": "vi"}).content.decode()
    assert "Đăng ký biến động quyền sử dụng đất" in vietnamese and "Vietnamese only" not in vietnamese
    assert "Registration of changes" not in vietnamese


def test_procedure_detail_in_both_languages(client, translated):
    version = translated["version"]
    html = detail(client, version, "en")
    assert h1(html) == "Registration of changes in land use rights"
    assert "<title>Registration of changes in land use rights" in html
    documents = html.split('id="documents"')[1].split("</table>")[0]
    assert "Application for registration of changes" in documents
    assert f'<span lang="vi">Giấy chứng nhận quyền sử dụng đất</span> {MARKER}' in documents
    assert "Registration charge" in html.split('id="fees"')[1]
    steps = html.split('id="process"')[1]
    assert f'<span lang="vi">Thẩm định hồ sơ</span> {MARKER}' in steps

    vietnamese = detail(client, version, "vi")
    assert h1(vietnamese) == "Đăng ký biến động quyền sử dụng đất"
    assert "Đơn đăng ký biến động" in vietnamese and "Lệ phí đăng ký" in vietnamese
    assert "Vietnamese only" not in vietnamese and "Registration charge" not in vietnamese

    untranslated = detail(client, translated["birth"], "en")
    assert h1(untranslated) == f'<span lang="vi">Đăng ký khai sinh</span> {MARKER}'
    assert "<title>Đăng ký khai sinh" in untranslated  # no markup in the title


def citizen():
    user = get_user_model().objects.create_user(username="english-citizen", password="pw-123456")
    CitizenAccount.objects.create(user=user, full_name="Trần Thị Mẫu")
    return user


def test_apply_form_and_my_dossier_in_english(client, translated):
    version = translated["version"]
    user = citizen()
    client.force_login(user)
    form = client.get(f"/thu-tuc/{version.procedure.code}/nop-truc-tuyen/", {"lang": "en"}).content.decode()
    headings = re.findall(r'<div class="document" id="document-\d+">\s*<h3>(.*?)</h3>', form, re.S)
    assert headings[0] == "Application for registration of changes"
    assert headings[1].startswith(f'<span lang="vi">Giấy chứng nhận quyền sử dụng đất</span> {MARKER}')
    assert "Registration of changes in land use rights (1.004227" in form

    dossier = services.submit_online(user, procedure_version=version, applicant=APPLICANT,
                                     documents=documents_for(translated), account=user, submitted_at=MONDAY)
    page = client.get(f"/ca-nhan/ho-so/{dossier.code}/", {"lang": "en"}).content.decode()
    assert "<dd>Registration of changes in land use rights</dd>" in page
    page = client.get(f"/ca-nhan/ho-so/{dossier.code}/", {"lang": "vi"}).content.decode()
    assert "<dd>Đăng ký biến động quyền sử dụng đất</dd>" in page


def test_home_lists_the_fields_in_the_order_of_their_shown_names(client, translated):
    """Đất đai/Land and Hộ tịch (untranslated): Vietnamese order on a Vietnamese page, the English
    names' order on an English one."""
    vietnamese = client.get("/", {"lang": "vi"}).context["fields"]
    assert [f.code for f in vietnamese] == ["dat-dai", "ho-tich"]
    english = client.get("/", {"lang": "en"})
    assert [f.code for f in english.context["fields"]] == ["ho-tich", "dat-dai"]
    assert ">Land</a>" in english.content.decode()
