"""docs/performance.md: each benchmark owns the text between its two markers and replaces it."""
from __future__ import annotations

from pathlib import Path

PATH = Path(__file__).resolve().parent.parent / "docs" / "performance.md"
HEADER = "# Performance figures\n\nWritten by the benchmarks in `bench/`; each section is replaced when its benchmark runs again.\n"


def read_section(start: str, end: str) -> str | None:
    """The text between the markers, or None when the file or the section is not there yet."""
    content = PATH.read_text(encoding="utf-8") if PATH.exists() else ""
    if start in content and end in content:
        return content.split(start, 1)[1].split(end, 1)[0]
    return None


def replace_section(start: str, end: str, text: str, after: str | None = None) -> Path:
    """Put `text` between the markers, replacing what was there; a new section goes right after
    the marker `after` when that is in the file, else at the end."""
    content = PATH.read_text(encoding="utf-8") if PATH.exists() else HEADER
    section = f"{start}\n{text.strip(chr(10))}\n{end}"
    if start in content and end in content:
        before, rest = content.split(start, 1)
        content = before + section + rest.split(end, 1)[1]
    elif after and after in content:
        before, rest = content.split(after, 1)
        content = f"{before}{after}\n\n{section}{rest}"
    else:
        content = content.rstrip() + "\n\n" + section + "\n"
    PATH.parent.mkdir(parents=True, exist_ok=True)
    PATH.write_text(content, encoding="utf-8")
    return PATH
