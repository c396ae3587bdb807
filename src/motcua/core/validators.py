"""Input rules shared by every entry point (portal, counter, API, import, accounts, feedback).

- A **person's name** holds letters (any script, Vietnamese diacritics included, composed or
  decomposed), spaces and the punctuation names use: apostrophe, hyphen, period. Anything else
  (`<`, `>`, digits, `@`, ...) is refused with a message naming the characters: a name is printed
  verbatim on forms 01, 03 and 06, so markup must never get in. At most `PERSON_NAME_MAX_LENGTH`.
- An **organisation's name** may hold digits and the usual punctuation, but no markup (`<`, `>`)
  and no control characters. At most `ORGANISATION_NAME_MAX_LENGTH`.
- **Too long is refused, never cut**: `check_length` says the maximum and the length typed.
  Forms built on `RefuseOverlongMixin` render no `maxlength` attribute, because a browser silently
  cuts a pasted text at it; the server refuses with the maximum instead.
"""
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

PERSON_NAME_MAX_LENGTH = 200
ORGANISATION_NAME_MAX_LENGTH = 255
# Apostrophes (typed and typographic), hyphens, the period; spaces (incl. no-break) separate words.
NAME_PUNCTUATION = frozenset("'’‘-‐‑.")
NAME_SPACES = frozenset(" \u00a0")
MARKUP = frozenset("<>")
SHOWN_CHARACTERS = 5


def _shown(chars) -> str:
    """The refused characters, each once, in order, quoted ("<", ">", "1")."""
    unique = list(dict.fromkeys(chars))
    shown = ", ".join(f"“{c}”" if c.isprintable() else f"U+{ord(c):04X}" for c in unique[:SHOWN_CHARACTERS])
    return shown + (", …" if len(unique) > SHOWN_CHARACTERS else "")


def check_length(value: str, limit: int, label=None) -> None:
    """Refuse `value` longer than `limit` characters, saying the maximum and the length given."""
    if value is not None and len(value) > limit:
        if label:
            message = _("%(field)s: at most %(limit)d characters, but %(length)d were given.") % {
                "field": label, "limit": limit, "length": len(value)}
        else:
            message = _("At most %(limit)d characters, but %(length)d were given.") % {
                "limit": limit, "length": len(value)}
        raise ValidationError(message, code="max_length", params={"limit": limit, "length": len(value)})


def person_name_refusals(value: str) -> list[str]:
    """The characters of `value` a person's name may not hold."""
    return [c for c in value if not (
        c in NAME_PUNCTUATION or c in NAME_SPACES
        or unicodedata.category(c)[0] == "L"          # letters of any script
        or unicodedata.category(c) in ("Mn", "Mc")    # combining diacritics (decomposed Vietnamese)
    )]


def validate_person_name(value: str, label=None) -> None:
    """A person's name: letters, spaces, ' - . only; at most PERSON_NAME_MAX_LENGTH characters."""
    check_length(value or "", PERSON_NAME_MAX_LENGTH, label)
    validate_person_name_characters(value)


def validate_person_name_characters(value: str) -> None:
    """The character rule alone, for form fields whose `max_length` already checks the length."""
    value = value or ""
    refused = person_name_refusals(value)
    if refused:
        raise ValidationError(
            _("A person's name may hold only letters, spaces and the marks ' - . (not %(chars)s).")
            % {"chars": _shown(refused)},
            code="person_name",
        )
    if value.strip() and not any(unicodedata.category(c)[0] == "L" for c in value):
        raise ValidationError(_("A person's name must contain letters."), code="person_name")


def validate_organisation_name(value: str, label=None) -> None:
    """An organisation's name: no markup and no control characters; at most 255 characters."""
    value = value or ""
    check_length(value, ORGANISATION_NAME_MAX_LENGTH, label)
    refused = [c for c in value if c in MARKUP or unicodedata.category(c) in ("Cc", "Cf")]
    if refused:
        raise ValidationError(
            _("A name may not hold the characters %(chars)s.") % {"chars": _shown(refused)}, code="name_markup")


def validate_party_name(value: str, kind: str = "person", label=None) -> None:
    """The name of an applicant or owner: a person's (the default) or an organisation's."""
    if kind in ("business", "organisation", "organization"):
        validate_organisation_name(value, label)
    else:
        validate_person_name(value, label)


class RefuseOverlongMixin:
    """For forms: render no `maxlength` attribute (a browser silently cuts a pasted text at it),
    so an over-long value reaches the server, which refuses it with the maximum (the field's
    `max_length` validator). Fields added in `__init__` are covered too: the attribute is dropped
    when the bound field is built."""

    def __getitem__(self, name):
        field = self.fields.get(name)
        if field is not None:
            field.widget.attrs.pop("maxlength", None)
        return super().__getitem__(name)


