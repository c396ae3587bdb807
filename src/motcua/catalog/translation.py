"""The catalogue in other languages (seed 000 section 3d: procedures published in foreign languages).

The Vietnamese text is the official one and is always there. A translatable field `name` has an
optional English twin `name_en` on the same row; the rows that have them list their translatable
fields in `TRANSLATED_FIELDS`. Because translations sit on the version's own rows, they are
drafted, published, cloned into a new version and exported together with the rest of it.

`translated(obj, field, language)` is the one place that picks the text to show: the translation
when the language asks for one and it exists, else the Vietnamese text, saying so. Templates use
it through the `catalog_text` tags, the API through the serializers; nothing else branches on
the language.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import get_language

OFFICIAL_LANGUAGE = "vi"
# Languages a catalogue row may carry a translation for (a column `<field>_<code>` each).
TRANSLATION_LANGUAGES = ("en",)


@dataclass(frozen=True)
class Translated:
    """A text to show and the language it is in; `is_fallback` when the reader asked for another
    language and the catalogue has no translation (the page then marks it as Vietnamese only)."""

    text: str
    language: str
    asked: str

    @property
    def is_fallback(self) -> bool:
        return bool(self.text) and self.language != self.asked

    def __str__(self) -> str:
        return self.text


def base_language(language: str | None) -> str:
    """ "en-us" -> "en"; None (no active language) -> the site's default."""
    return (language or settings.LANGUAGE_CODE).split("-")[0].lower()


def translation_column(field: str, language: str) -> str:
    return f"{field}_{language}"


def translated_fields(model) -> tuple[str, ...]:
    return getattr(model, "TRANSLATED_FIELDS", ())


def translated(obj, field: str, language: str | None = None) -> Translated:
    """The text of `obj.field` in `language` (the active language when None)."""
    if field not in translated_fields(type(obj)):
        raise ValueError(f"{type(obj).__name__}.{field} is not a translatable field")
    asked = base_language(language or get_language())
    official = getattr(obj, field) or ""
    if asked != OFFICIAL_LANGUAGE and asked in TRANSLATION_LANGUAGES:
        text = (getattr(obj, translation_column(field, asked), "") or "").strip()
        if text:
            return Translated(text, asked, asked)
    return Translated(official, OFFICIAL_LANGUAGE, asked)


def translations(obj, language: str) -> dict[str, str]:
    """Every translatable field of `obj` in `language`, "" where there is no translation."""
    return {field: getattr(obj, translation_column(field, language), "") or "" for field in translated_fields(type(obj))}


def is_translated(obj, language: str = "en") -> bool:
    """True if the row's first translatable field (its name) has a translation."""
    fields = translated_fields(type(obj))
    return bool(fields) and bool(translations(obj, language)[fields[0]].strip())
