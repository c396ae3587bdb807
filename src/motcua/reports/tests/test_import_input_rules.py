"""Legacy import (issue 10 point 10): a value longer than its column is a row error that says the
maximum (never cut), and nothing is imported. Legacy personal data is not migrated, so a name
column in the file, markup or not, never reaches a dossier: the placeholder is stored."""
import pytest
from django.utils import translation

from motcua.dossiers.models import Dossier
from motcua.reports.legacy_import import PLACEHOLDER, import_file

from .test_import import GOOD, HEADER

pytestmark = pytest.mark.django_db


def test_a_too_long_code_is_a_row_error_with_the_maximum_and_nothing_is_imported(world, tmp_path):
    code = "H-" + "9" * 698
    path = tmp_path / "file.csv"
    path.write_text("\n".join([HEADER, *GOOD, f"{code}{GOOD[0][3:]}"]) + "\n", encoding="utf-8")
    with translation.override("vi"):
        result = import_file(path)
    assert result.imported == 0 and Dossier.objects.count() == 0
    assert [(e.line, e.message) for e in result.errors] == [
        (5, f"mã hồ sơ “{code[:40]}…” quá dài: tối đa 40 ký tự, nhưng có 700 ký tự.")]
    with translation.override("en"):
        assert "is too long: at most 40 characters, but 700 were given." in import_file(path).errors[0].message


def test_a_name_column_never_reaches_the_dossier(world, tmp_path):
    path = tmp_path / "file.csv"
    path.write_text("\n".join([HEADER + ",applicant_name", GOOD[0] + ",<script>alert(1)</script>"]) + "\n",
                    encoding="utf-8")
    assert import_file(path).imported == 1
    assert Dossier.objects.get().applicant_name == PLACEHOLDER
