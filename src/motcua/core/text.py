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


# Vietnamese alphabet order (with f, j, w, z at their Latin places for foreign words): Đ comes after
# D, Ă and Â after A, and so on. Tone marks are a second level, as in a dictionary and in ICU's "vi"
# collation: "Ba" < "Bà" < "Bá" < "Bả" < "Bã" < "Bạ" < "Bác".
_ALPHABET = ["a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "f", "g", "h", "i", "j", "k", "l", "m", "n",
             "o", "ô", "ơ", "p", "q", "r", "s", "t", "u", "ư", "v", "w", "x", "y", "z"]
_LETTER_RANK = {letter: rank for rank, letter in enumerate(_ALPHABET, start=1)}
_VOWEL_MARKS = {"\u0306", "\u0302", "\u031b"}  # breve (ă), circumflex (â ê ô), horn (ơ ư)
# No tone, then huyền, sắc, hỏi, ngã, nặng.
_TONES = {"\u0300": 1, "\u0301": 2, "\u0309": 3, "\u0303": 4, "\u0323": 5}


def vi_sort_key(text: str | None) -> tuple:
    """A key that sorts Vietnamese text in dictionary order, ignoring case: ``sorted(names,
    key=vi_sort_key)`` puts "Dân số" before "Đất đai" and "Ấn phẩm" before "Bảo hiểm" (Python's
    own order puts every accented capital after "Z"). Letters first, tones break ties, then the
    text itself so that the order is total. Spaces and punctuation sort before letters."""
    if not text:
        return ((), (), "")
    letters, tones = [], []
    for char in text.lower():
        decomposed = unicodedata.normalize("NFD", char)
        base = "".join(c for c in decomposed if c not in _TONES)
        tone = next((_TONES[c] for c in decomposed if c in _TONES), 0)
        base = unicodedata.normalize("NFC", base)
        if base in _LETTER_RANK:
            letters.append(_LETTER_RANK[base])
        elif base in "0123456789":
            letters.append(int(base) - 10)  # digits before letters
        elif base.isalpha():
            # Another script's letter: after the Vietnamese alphabet, by code point.
            letters.append(len(_ALPHABET) + ord(base[0]))
        else:
            letters.append(-20)  # space, punctuation
        tones.append(tone)
    return (tuple(letters), tuple(tones), text)
