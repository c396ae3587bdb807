"""Check that every message the UI uses has a Vietnamese translation.

For each app under src/motcua (plus "project": the top-level templates and modules), extract the
msgids its Python code and templates use, and report every one without a non-empty, non-fuzzy
Vietnamese msgstr in any catalogue Django merges at run time (our apps, LOCALE_PATHS, Django and
the third-party apps). Extraction uses Django's makemessages (GNU xgettext) when xgettext is
installed, otherwise a small built-in extractor.

It also flags, in our own catalogues: fuzzy entries, msgstrs that look like Vietnamese typed
without diacritics ("Ho so", "Thu tuc"), and the same msgid translated differently in two apps
(Django takes the first app in INSTALLED_APPS, so the other translation never shows).

    python scripts/check_translations.py [--app catalog --app portal] [--extractor builtin]

Exit status: 1 when a msgid is missing or a msgstr looks unaccented, else 0.
"""
from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"
PACKAGE = SRC / "motcua"
PROJECT = "project"  # the top-level templates/ and modules, whose catalogue is src/motcua/locale
IGNORED_DIRS = {"migrations", "tests", "locale", "static", "__pycache__"}
EXTENSIONS = {".py", ".html", ".txt"}


@dataclass(frozen=True)
class Message:
    msgid: str
    context: str = ""
    plural: str = ""

    @property
    def key(self) -> str:
        return f"{self.context}\x04{self.msgid}" if self.context else self.msgid


@dataclass
class Report:
    missing: dict[str, list[tuple[Message, list[str]]]] = field(default_factory=dict)
    fuzzy: list[tuple[Path, str]] = field(default_factory=list)
    unaccented: list[tuple[Path, str, str]] = field(default_factory=list)
    inconsistent: list[tuple[str, list[tuple[str, str]]]] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return any(self.missing.values()) or bool(self.unaccented)


# --- where things are -------------------------------------------------------------------------

def app_names() -> list[str]:
    names = sorted(p.parent.name for p in PACKAGE.glob("*/apps.py"))
    return names + [PROJECT]


def catalogue_path(app: str) -> Path:
    base = PACKAGE if app == PROJECT else PACKAGE / app
    return base / "locale" / "vi" / "LC_MESSAGES" / "django.po"


def source_files(app: str) -> list[Path]:
    """The files whose messages belong to `app` (tests, migrations and commands excluded)."""
    if app == PROJECT:
        files = [p for p in PACKAGE.glob("*.py")]
        files += [p for p in (PACKAGE / "templates").rglob("*") if p.suffix in EXTENSIONS]
    else:
        files = [p for p in (PACKAGE / app).rglob("*") if p.suffix in EXTENSIONS]
    return sorted(
        p for p in files
        if p.is_file() and not IGNORED_DIRS.intersection(p.relative_to(PACKAGE).parts[:-1])
        and not p.name.startswith("settings")
    )


# --- extraction -------------------------------------------------------------------------------

def extract(app: str, extractor: str = "auto") -> dict[Message, list[str]]:
    """Msgids used by the app's sources, each with the places it is used."""
    files = source_files(app)
    if not files:
        return {}
    if extractor == "xgettext" or (extractor == "auto" and shutil.which("xgettext")):
        return _extract_with_makemessages(files)
    return _extract_builtin(files)


def _extract_with_makemessages(files: list[Path]) -> dict[Message, list[str]]:
    """Run makemessages on a temporary copy, so no real catalogue is touched."""
    from django.core.management import call_command
    from django.test.utils import override_settings

    with tempfile.TemporaryDirectory(prefix="motcua-msgs-") as tmp:
        tmp_path = Path(tmp)
        for path in files:
            target = tmp_path / path.relative_to(PACKAGE)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
        (tmp_path / "locale").mkdir()
        with _cwd(tmp_path), override_settings(LOCALE_PATHS=[]):
            call_command("makemessages", locale=["vi"], verbosity=0, no_wrap=True, no_obsolete=True)
        po_path = tmp_path / "locale" / "vi" / "LC_MESSAGES" / "django.po"
        if not po_path.exists():
            return {}
        found = {}
        for entry in polib.pofile(str(po_path)):
            message = Message(entry.msgid, entry.msgctxt or "", entry.msgid_plural or "")
            found[message] = [f"{name}:{line}" for name, line in entry.occurrences]
        return found


@contextlib.contextmanager
def _cwd(path: Path):
    previous = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(previous)


# The built-in extractor: good enough for the forms this code base uses.
_STRING = r"""(?:"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')"""
_STRINGS = rf"{_STRING}(?:\s*{_STRING})*"  # adjacent literals concatenate
_PY_CALLS = {
    "single": re.compile(rf"\b(?:_|gettext|gettext_lazy|gettext_noop|_lazy)\(\s*({_STRINGS})\s*[,)]"),
    "plural": re.compile(rf"\b(?:ngettext|ngettext_lazy)\(\s*({_STRINGS})\s*,\s*({_STRINGS})\s*,"),
    "context": re.compile(rf"\b(?:pgettext|pgettext_lazy)\(\s*({_STRINGS})\s*,\s*({_STRINGS})\s*[,)]"),
}
_TPL_TRANSLATE = re.compile(rf"{{%\s*(?:translate|trans)\s+({_STRING})(?:\s+context\s+({_STRING}))?[^%]*%}}")
_TPL_FILTER = re.compile(rf"_\(({_STRING})\)")
_TPL_BLOCK = re.compile(
    r"{%\s*(?:blocktranslate|blocktrans)\b([^%]*)%}(.*?)(?:{%\s*plural\s*%}(.*?))?{%\s*(?:endblocktranslate|endblocktrans)\s*%}",
    re.S,
)
_TPL_VAR = re.compile(r"{{\s*([\w.]+)\s*}}")


def _literal(text: str) -> str:
    import ast

    return "".join(ast.literal_eval(part) for part in re.findall(_STRING, text))


def _block_text(text: str, trimmed: bool) -> str:
    text = _TPL_VAR.sub(lambda m: f"%({m.group(1)})s", text.replace("%", "%%"))
    if trimmed:
        text = " ".join(line.strip() for line in text.strip().splitlines() if line.strip())
    return text


def _extract_builtin(files: list[Path]) -> dict[Message, list[str]]:
    found: dict[Message, list[str]] = {}

    def add(message: Message, path: Path, text: str, pos: int):
        if message.msgid:
            where = f"{path.relative_to(PACKAGE)}:{text.count(chr(10), 0, pos) + 1}"
            found.setdefault(message, []).append(where)

    for path in files:
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".py":
            for m in _PY_CALLS["single"].finditer(text):
                add(Message(_literal(m.group(1))), path, text, m.start())
            for m in _PY_CALLS["plural"].finditer(text):
                add(Message(_literal(m.group(1)), plural=_literal(m.group(2))), path, text, m.start())
            for m in _PY_CALLS["context"].finditer(text):
                add(Message(_literal(m.group(2)), context=_literal(m.group(1))), path, text, m.start())
            continue
        for m in _TPL_TRANSLATE.finditer(text):
            context = _literal(m.group(2)) if m.group(2) else ""
            add(Message(_literal(m.group(1)), context=context), path, text, m.start())
        for m in _TPL_FILTER.finditer(text):
            add(Message(_literal(m.group(1))), path, text, m.start())
        for m in _TPL_BLOCK.finditer(text):
            options, singular, plural = m.group(1), m.group(2), m.group(3)
            trimmed = "trimmed" in options.split()
            context_match = re.search(rf"context\s+({_STRING})", options)
            context = _literal(context_match.group(1)) if context_match else ""
            message = Message(
                _block_text(singular, trimmed), context, _block_text(plural, trimmed) if plural else ""
            )
            add(message, path, text, m.start())
    return found


# --- catalogues -------------------------------------------------------------------------------

def _translated(entry) -> bool:
    if "fuzzy" in entry.flags or entry.obsolete:
        return False
    if entry.msgid_plural:
        return bool(entry.msgstr_plural) and all(entry.msgstr_plural.values())
    return bool(entry.msgstr)


def _entry_key(entry) -> str:
    return f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid


def runtime_catalogues() -> list[tuple[str, Path]]:
    """Every vi catalogue Django merges, as (label, file): ours as .po, the others as .mo."""
    from django.apps import apps
    from django.conf import settings

    import django

    found = [("django", Path(django.__file__).parent / "conf" / "locale" / "vi" / "LC_MESSAGES" / "django.mo")]
    for config in apps.get_app_configs():
        found.append((config.label, Path(config.path) / "locale" / "vi" / "LC_MESSAGES" / "django.mo"))
    for locale_path in settings.LOCALE_PATHS:
        found.append((PROJECT, Path(locale_path) / "vi" / "LC_MESSAGES" / "django.mo"))
    result = []
    for label, mo_path in found:
        po_path = mo_path.with_suffix(".po")
        if PACKAGE in po_path.parents and po_path.exists():
            result.append((label, po_path))
        elif mo_path.exists():
            result.append((label, mo_path))
    return result


def load_translations() -> tuple[set[str], dict[str, list[tuple[str, str]]]]:
    """The keys translated somewhere, and our own translations by key (for consistency)."""
    translated: set[str] = set()
    ours: dict[str, list[tuple[str, str]]] = {}
    for label, path in runtime_catalogues():
        catalogue = polib.pofile(str(path)) if path.suffix == ".po" else polib.mofile(str(path))
        for entry in catalogue:
            if not entry.msgid or not _translated(entry):
                continue
            translated.add(_entry_key(entry))
            if path.suffix == ".po":
                text = entry.msgstr or entry.msgstr_plural.get(0, "")
                ours.setdefault(_entry_key(entry), []).append((label, text))
    return translated, ours


# --- Vietnamese typed without diacritics ------------------------------------------------------

# Phrases and syllables that, written in plain ASCII, are Vietnamese with the accents missing.
UNACCENTED_PHRASES = {
    "ho so", "thu tuc", "co quan", "tiep nhan", "ket qua", "tra cuu", "dang nhap", "dang xuat",
    "le phi", "thanh toan", "can bo", "chuyen vien", "lanh dao", "mot cua", "dung han", "qua han",
    "truoc han", "ngay lam viec", "cong dan", "giay to", "phan anh", "kien nghi", "danh gia",
    "nguoi nop", "don vi", "hanh chinh", "trang thai", "tim kiem", "chi tiet", "bao cao",
}
UNACCENTED_WORDS = {
    "khong", "duoc", "nguoi", "cua", "cac", "nhung", "tiep", "nhan", "tuc", "quan", "huyen",
    "tinh", "phuong", "giay", "chua", "dung", "truoc", "thanh", "toan", "nhap", "xuat", "ket",
    "cuu", "hoan", "nop", "luu", "sua", "xoa", "them", "chon", "tim", "kiem", "gui", "danh",
    "sach", "tiet", "trang", "thai", "ngay", "thang", "nam", "gio", "phut", "hoac", "voi",
    "trong", "bang", "dien", "thoai", "chuyen", "vien", "lanh", "dao", "phong", "ban", "nganh",
    "bao", "cao", "thong", "tin", "yeu", "cau", "bo", "sung", "huy", "tu", "choi", "xac",
    "minh", "mat", "khau", "tai", "khoan", "hoso", "thutuc", "la", "va", "cho", "ho", "so",
    "thu", "co", "phi", "le", "han", "qua", "mot", "hai", "ba", "da", "dang",
}


def looks_unaccented(msgstr: str) -> bool:
    """An ASCII-only msgstr that reads as Vietnamese without its diacritics."""
    if not msgstr or not msgstr.isascii():
        return False
    plain = re.sub(r"%\(\w+\)[sd]|%[sd]|\{\w*\}|<[^>]+>", " ", msgstr).lower()
    words = re.findall(r"[a-z]+", plain)
    if len(words) < 2:
        return bool(words) and words[0] in {"khong", "duoc", "nguoi", "huyen", "phuong", "chua"}
    joined = " ".join(words)
    if any(re.search(rf"\b{phrase}\b", joined) for phrase in UNACCENTED_PHRASES):
        return True
    return sum(word in UNACCENTED_WORDS for word in words) / len(words) >= 0.6


# --- the check --------------------------------------------------------------------------------

def check(apps: list[str], extractor: str = "auto") -> Report:
    translated, ours = load_translations()
    report = Report()
    for app in apps:
        used = extract(app, extractor)
        report.missing[app] = sorted(
            ((message, places) for message, places in used.items() if message.key not in translated),
            key=lambda item: item[0].msgid,
        )
        po_path = catalogue_path(app)
        if po_path.exists():
            for entry in polib.pofile(str(po_path)):
                if "fuzzy" in entry.flags and entry.msgid:
                    report.fuzzy.append((po_path, entry.msgid))
                texts = [entry.msgstr, *entry.msgstr_plural.values()]
                if entry.msgid and not entry.obsolete and any(looks_unaccented(t) for t in texts):
                    report.unaccented.append((po_path, entry.msgid, entry.msgstr or texts[-1]))
    for key, translations in sorted(ours.items()):
        if len({text for _, text in translations}) > 1:
            report.inconsistent.append((key, translations))
    return report


def shown_translation(translations: list[tuple[str, str]]) -> str:
    """The one Django uses: LOCALE_PATHS win, then the first app in INSTALLED_APPS."""
    for label, text in translations:
        if label == PROJECT:
            return text
    return translations[0][1]


def print_report(report: Report, out=sys.stdout) -> None:
    for app, missing in report.missing.items():
        for message, places in missing:
            context = f" [context {message.context!r}]" if message.context else ""
            plural = f" / plural {message.plural!r}" if message.plural else ""
            print(f"MISSING {app}: {message.msgid!r}{plural}{context}  ({', '.join(places[:3])})", file=out)
    for path, msgid, msgstr in report.unaccented:
        print(f"UNACCENTED {path.relative_to(ROOT)}: {msgid!r} -> {msgstr!r}", file=out)
    for path, msgid in report.fuzzy:
        print(f"FUZZY {path.relative_to(ROOT)}: {msgid!r}", file=out)
    for key, translations in report.inconsistent:
        variants = "; ".join(f"{label}: {text!r}" for label, text in translations)
        print(f"INCONSISTENT {key!r} (shown: {shown_translation(translations)!r}): {variants}", file=out)
    total = sum(len(m) for m in report.missing.values())
    print(
        f"{total} missing, {len(report.unaccented)} unaccented, {len(report.fuzzy)} fuzzy, "
        f"{len(report.inconsistent)} translated differently across apps",
        file=out,
    )


def setup_django() -> None:
    if str(SRC) not in sys.path:
        sys.path.insert(0, str(SRC))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings_test")
    import django

    django.setup()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--app", action="append", help="limit to this app (repeatable); 'project' for templates/")
    parser.add_argument("--extractor", choices=["auto", "xgettext", "builtin"], default="auto")
    args = parser.parse_args(argv)
    known = app_names()
    apps = args.app or known
    unknown = sorted(set(apps) - set(known))
    if unknown:
        parser.error(f"unknown app(s): {', '.join(unknown)}; known: {', '.join(known)}")
    setup_django()
    report = check(apps, args.extractor)
    print_report(report)
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
