"""Reading the pages as a browser does: the forms (with their defaults, select options and file
inputs) and the links; filling a form the way a person would (keep what the page pre-filled,
choose the selected or the first option, tick what is asked, type synthetic values)."""
from __future__ import annotations

import re
from html.parser import HTMLParser

# A tiny valid PDF, the "scan" a citizen uploads (1 page; the upload checks look at the magic bytes).
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
       b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


class Form:
    def __init__(self, attrs: dict):
        self.action = attrs.get("action") or ""
        self.method = (attrs.get("method") or "get").lower()
        self.id = attrs.get("id") or ""
        self.fields: dict[str, str] = {}       # name -> value a browser would send as it stands
        self.kinds: dict[str, str] = {}        # name -> input type ("select", "textarea", "file", ...)
        self.required: set[str] = set()
        self.options: dict[str, list[str]] = {}  # select name -> option values
        self.checkboxes: dict[str, str] = {}   # name -> value when ticked

    def names(self) -> set[str]:
        return set(self.kinds)


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.links: list[str] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self._form = Form(a)
            self.forms.append(self._form)
        elif tag == "a" and a.get("href"):
            self.links.append(a["href"])
        form, name = self._form, a.get("name")
        if form is None:
            return
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset"):
                form.kinds.setdefault(name, kind)
                return
            form.kinds[name] = kind
            if "required" in a:
                form.required.add(name)
            if kind in ("checkbox", "radio"):
                form.checkboxes[name] = a.get("value", "on")
                if "checked" in a:
                    form.fields[name] = a.get("value", "on")
            elif kind != "file":
                form.fields.setdefault(name, a.get("value", ""))
        elif tag == "select" and name:
            form.kinds[name], self._select = "select", name
            form.options[name] = []
            if "required" in a:
                form.required.add(name)
        elif tag == "option" and self._select:
            value = a.get("value", "")
            form.options[self._select].append(value)
            if "selected" in a:
                form.fields[self._select] = value
        elif tag == "textarea" and name:
            form.kinds[name], self._textarea = "textarea", name
            form.fields[name] = ""
            if "required" in a:
                form.required.add(name)

    def handle_data(self, data):
        if self._textarea and self._form is not None:
            self._form.fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            if self._form is not None and self._select and self._select not in self._form.fields:
                options = self._form.options[self._select]  # nothing selected: a browser sends the first
                self._form.fields[self._select] = options[0] if options else ""
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def parse(html: str) -> _Parser:
    parser = _Parser()
    parser.feed(html)
    return parser


def find_form(html: str, having: str) -> Form | None:
    """The first POST form with a field named `having`."""
    for form in parse(html).forms:
        if form.method == "post" and having in form.kinds:
            return form
    return None


def links(html: str, pattern: str) -> list[str]:
    return [href for href in parse(html).links if re.search(pattern, href)]


def fill(form: Form, values: dict | None = None, tick: str | None = None) -> dict:
    """The data a person sends: the page's values, each required select set (its first real
    option when nothing is selected), the checkboxes matching `tick` ticked, `values` typed over."""
    data = dict(form.fields)
    for name, options in form.options.items():
        if not data.get(name):
            real = [o for o in options if o]
            if real and (name in form.required or not options or options[0]):
                data[name] = real[0]
    if tick:
        for name, value in form.checkboxes.items():
            if re.fullmatch(tick, name):
                data[name] = value
    data.update(values or {})
    return {k: v for k, v in data.items() if v is not None}


FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ")
MIDDLE = ("Văn", "Thị", "Minh", "Thu", "Đức", "Ngọc", "Quang", "Thanh", "Hữu", "Kim")
GIVEN = ("An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Khánh", "Lan", "Mai", "Nam", "Oanh", "Phúc", "Quyên",
         "Sơn", "Tâm", "Uyên", "Vinh", "Xuân", "Yến", "Thử")


def synthetic_name(i: int) -> str:
    """A made-up name (letters only, as the forms ask), 2,000 of them."""
    return f"{FAMILY[i % 10]} {MIDDLE[i // 10 % 10]} {GIVEN[i // 100 % 20]}"


def synthetic_person(i: int) -> dict:
    """A synthetic applicant at the counter (citizen ID: province 001, a century-and-sex digit,
    a birth year, six digits; not a real person's)."""
    return {"name": synthetic_name(i), "citizen_id": f"001{i % 2}{90 + i % 10:02d}{i % 1_000_000:06d}",
            "phone": f"09880{i % 100000:05d}", "address": f"Số {i % 500} đường Thử, phường Bến Đò, tỉnh Sông Mây"}
