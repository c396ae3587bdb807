"""Vietnamese everywhere by default, English on request.

The catalogue check runs scripts/check_translations.py for the apps whose catalogues are kept
complete here; the page checks render the public and officer entry pages in both languages.
"""
import importlib.util
import re
import sys
from pathlib import Path

import pytest
from django.test import Client

from motcua.catalog.tests.conftest import birth_registration, org  # noqa: F401 (fixtures)

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "check_translations.py"
CHECKED_APPS = [
    "catalog", "calendar", "organization", "payments", "feedback", "accounts", "integrations",
    "notifications", "printouts", "backoffice", "core", "project", "dossiers", "portal", "documents", "reports",
]
PROCEDURE = "1.001193.000.00.00.H99"


def _load_checker():
    spec = importlib.util.spec_from_file_location("check_translations", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


checker = _load_checker()


@pytest.fixture(scope="module")
def report():
    return checker.check(CHECKED_APPS)


def _describe(missing):
    return [f"{app}: {message.msgid!r} ({', '.join(places[:2])})" for app, items in missing.items()
            for message, places in items]


def test_every_message_used_has_a_vietnamese_translation(report):
    assert set(report.missing) == set(CHECKED_APPS)
    assert _describe(report.missing) == []


def test_no_translation_is_vietnamese_without_diacritics_or_fuzzy(report):
    assert report.unaccented == []
    assert report.fuzzy == []


def test_the_checker_finds_a_gap_and_unaccented_text(tmp_path, monkeypatch):
    """A message no catalogue has is reported, as are "Ho so"-style msgstrs and fuzzy entries."""
    translated, _ours = checker.load_translations()
    assert "Officer sign-in" in translated
    assert "A message no catalogue will ever have" not in translated
    assert checker.looks_unaccented("Tra cuu ho so")
    assert checker.looks_unaccented("Khong tim thay thu tuc.")
    assert not checker.looks_unaccented("Tra cứu hồ sơ")
    assert not checker.looks_unaccented("Code: %(code)s")

    app = tmp_path / "motcua" / "sample"
    (app / "templates").mkdir(parents=True)
    (app / "apps.py").write_text("")
    (app / "views.py").write_text('from django.utils.translation import gettext as _\n'
                                  'TEXT = _("A message no catalogue will ever have")\nOK = _("Officer sign-in")\n')
    (app / "templates" / "page.html").write_text(
        '{% load i18n %}{% translate "Another absent message" %}{% blocktranslate trimmed %}\n'
        '  Hello {{ name }}\n{% endblocktranslate %}'
    )
    po = app / "locale" / "vi" / "LC_MESSAGES"
    po.mkdir(parents=True)
    (po / "django.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Language: vi\\n"\n\n'
        'msgid "Dossiers"\nmsgstr "Ho so"\n\n#, fuzzy\nmsgid "Procedures"\nmsgstr "Thủ tục"\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(checker, "PACKAGE", tmp_path / "motcua")
    for extractor in ("auto", "builtin"):
        found = checker.check(["sample"], extractor)
        msgids = [message.msgid for message, _places in found.missing["sample"]]
        assert msgids == ["A message no catalogue will ever have", "Another absent message", "Hello %(name)s"]
        assert [(msgid, msgstr) for _path, msgid, msgstr in found.unaccented] == [("Dossiers", "Ho so")]
        assert [msgid for _path, msgid in found.fuzzy] == ["Procedures"]
        assert found.failed


def _text(response) -> str:
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# (url, Vietnamese strings, English strings); the procedure is created by the fixture.
PAGES = [
    ("/", ["Dịch vụ hành chính công một cửa", "Tra cứu thủ tục", "Chuyển đến nội dung chính"],
     ["One-stop administrative procedure service", "Search procedures", "Skip to content"]),
    ("/thu-tuc/", ["Tìm thấy 1 thủ tục", "Cấp thực hiện", "Toàn trình"],
     ["1 procedure found", "Level", "Fully online"]),
    (f"/thu-tuc/{PROCEDURE}/", ["Thời hạn giải quyết", "3 ngày làm việc", "Thành phần hồ sơ", "Bản sao chứng thực",
                                "Phí, lệ phí"],
     ["Time limit", "3 working days", "Documents to bring", "Certified copies", "Fees and charges"]),
    ("/mot-cua/dang-nhap/", ["Đăng nhập cán bộ", "Tên đăng nhập", "Mật khẩu"],
     ["Officer sign-in", "User name", "Password"]),
    ("/admin/login/", ["Hệ thống thông tin giải quyết thủ tục hành chính", "Tên đăng nhập", "Mật khẩu",
                       "Chuyển đến nội dung chính"],
     ["administrative procedure information system", "Username", "Password", "Skip to main content"]),
]


@pytest.mark.django_db
@pytest.mark.parametrize("url, vietnamese, english", PAGES, ids=[p[0] for p in PAGES])
def test_pages_are_vietnamese_by_default_and_english_on_request(org, url, vietnamese, english):  # noqa: F811
    birth_registration(org)
    # An English browser still gets Vietnamese: only ?lang=en (or its cookie) switches.
    response = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").get(url)
    assert response.status_code == 200
    assert response["Content-Language"] == "vi"
    text = _text(response)
    for phrase in vietnamese:
        assert phrase in text, phrase
    for phrase in english:
        assert phrase not in text, phrase

    client = Client()
    response = client.get(url, {"lang": "en"})
    assert response.status_code == 200
    assert response["Content-Language"] == "en"
    text = _text(response)
    for phrase in english:
        assert phrase in text, phrase
    for phrase in vietnamese:
        assert phrase not in text, phrase
    # The choice is remembered for the next page.
    assert _text(client.get(url)).count(english[0]) >= 1
