"""Code 128 (code set B) bar widths, drawn by the label (fpdf2 draws Code 39 only, and waybill
scanners at the post read Code 128). Pure functions: `encode(text)` gives the symbol values with
the start, checksum and stop; `modules(text)` the widths of bars and spaces, bar first."""
PATTERNS = (
    "212222 222122 222221 121223 121322 131222 122213 122312 132212 221213 221312 231212 112232 122132 "
    "122231 113222 123122 123221 223211 221132 221231 213212 223112 312131 311222 321122 321221 312212 "
    "322112 322211 212123 212321 232121 111323 131123 131321 112313 132113 132311 211313 231113 231311 "
    "112133 112331 132131 113123 113321 133121 313121 211331 231131 213113 213311 213131 311123 311321 "
    "331121 312113 312311 332111 314111 221411 431111 111224 111422 121124 121421 141122 141221 112214 "
    "112412 122114 122411 142112 142211 241211 221114 413111 241112 134111 111242 121142 121241 114212 "
    "124112 124211 411212 421112 421211 212141 214121 412121 111143 111341 131141 114113 114311 411113 "
    "411311 113141 114131 311141 411131 211412 211214 211232 2331112"
).split()
START_B, STOP = 104, 106
QUIET = 10  # modules of white on each side


def encode(text: str) -> list[int]:
    if not text or any(not (32 <= ord(ch) <= 127) for ch in text):
        raise ValueError("Code 128 set B takes printable ASCII only")
    values = [START_B] + [ord(ch) - 32 for ch in text]
    checksum = (values[0] + sum(i * v for i, v in enumerate(values[1:], start=1))) % 103
    return values + [checksum, STOP]


def modules(text: str) -> list[int]:
    return [int(width) for value in encode(text) for width in PATTERNS[value]]


def decode(widths: list[int]) -> str:
    """Back from the widths to the text, checking start, checksum and stop (for the tests)."""
    lookup = {pattern: value for value, pattern in enumerate(PATTERNS)}
    symbols, i = [], 0
    while i < len(widths):
        size = 7 if len(widths) - i == 7 else 6
        symbols.append(lookup["".join(str(w) for w in widths[i:i + size])])
        i += size
    if symbols[0] != START_B or symbols[-1] != STOP:
        raise ValueError("not a Code 128 B symbol")
    data, checksum = symbols[1:-2], symbols[-2]
    if (START_B + sum(i * v for i, v in enumerate(data, start=1))) % 103 != checksum:
        raise ValueError("bad checksum")
    return "".join(chr(v + 32) for v in data)


def draw(pdf, text: str, x: float, y: float, width: float, height: float) -> None:
    """Draw the bars on an fpdf2 page, filling `width` mm (quiet zones included)."""
    widths = modules(text)
    unit = width / (sum(widths) + 2 * QUIET)
    cursor = x + QUIET * unit
    pdf.set_fill_color(0, 0, 0)
    for index, w in enumerate(widths):
        if index % 2 == 0:
            pdf.rect(cursor, y, w * unit, height, style="F")
        cursor += w * unit
