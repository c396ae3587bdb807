"""Cleaning what people type, and removing personal data from what is published."""
import re

from django.core.exceptions import ValidationError
from django.utils.html import strip_tags

from motcua.core.validators import check_length

from .errors import FeedbackError

_SPACES = re.compile(r"[ \t\r\f\v]+")
_BLANK_LINES = re.compile(r"\n{3,}")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
# Phone numbers, citizen IDs and tax codes: runs of 9 or more digits, spaces/dots/dashes allowed inside.
_LONG_NUMBER = re.compile(r"(?<!\w)\+?\d(?:[ .-]?\d){8,}(?!\w)")
MASK = "***"


def clean_text(value: str | None, max_length: int = 5000, label=None) -> str:
    """Plain text: tags stripped, control characters dropped, spaces collapsed, trimmed. Longer
    than `max_length` is refused (FeedbackError "invalid", saying the maximum), never cut."""
    text = strip_tags(value or "")
    text = "".join(ch for ch in text if ch in "\n\t" or ch.isprintable())
    lines = [_SPACES.sub(" ", line).strip() for line in text.replace("\r\n", "\n").split("\n")]
    text = _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
    try:
        check_length(text, max_length, label)
    except ValidationError as exc:
        raise FeedbackError("invalid", exc.messages[0]) from None
    return text


def scrub_personal_data(text: str, names=()) -> str:
    """Mask e-mail addresses, long numbers (phones, citizen IDs) and the given names."""
    text = _EMAIL.sub(MASK, text or "")
    text = _LONG_NUMBER.sub(MASK, text)
    for name in sorted({n.strip() for n in names if n and len(n.strip()) >= 2}, key=len, reverse=True):
        text = re.sub(re.escape(name), MASK, text, flags=re.IGNORECASE)
    return text
