"""Text helpers for Vietnamese: search that ignores case and diacritics."""
import re
import unicodedata

_SPACES = re.compile(r"\s+")


def fold(text: str | None) -> str:
    """Lower-case, strip diacritics (including đ -> d) and collapse spaces.

    "Đăng ký  Khai sinh" -> "dang ky khai sinh". Used to build and query search columns, so
    that a citizen typing without diacritics finds the procedure.
    """
    if not text:
        return ""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return _SPACES.sub(" ", stripped).strip().lower()
