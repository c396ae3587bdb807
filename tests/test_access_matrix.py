"""Who sees what: every officer page and API of dossiers, dossier files, feedback, payments
reconciliation, ratings and printouts, and the citizen's own pages and `/api/v1/me/` endpoints,
asked by five people:

    anonymous   nobody signed in
    citizen     a citizen account with one online dossier of agency A
    officer_a   the counter officer of agency A (Department of Justice)
    officer_b   the counter officer of agency B (Department of Construction)
    admin       the province administrator (province-wide roles)

Each cell states the status, the marks the answer must show and, beyond that, the answer may never
show a mark that is not the caller's (another agency's dossier, feedback, rating or payment, another
citizen's dossier or ID), except on the public tracking pages, which show a dossier to whoever has
its code. The objects come from the demo province and the apps' service functions (tests/demo_world.py).
"""
import io
from dataclasses import dataclass, field

import pytest
from django.test import Client
from pypdf import PdfReader

from motcua.testing.once import rolled_back_at_the_end
from tests import demo_world

CALLERS = ("anonymous", "citizen", "officer_a", "officer_b", "admin")

# What is not the caller's: a 200 answer must not contain any of these marks.
FOREIGN = {
    "anonymous": {"dA", "dB", "dC", "dO", "fA", "fB", "rA", "rB", "pA", "pB", "cit", "oth"},
    "citizen": {"dA", "dB", "dO", "fA", "fB", "rA", "rB", "pA", "pB", "oth"},
    "officer_a": {"dB", "fB", "rB", "pB"},
    "officer_b": {"dA", "dC", "dO", "fA", "rA", "pA", "cit", "oth"},
    "admin": set(),
}
SIGN_IN = 302  # officer and citizen pages send an anonymous visitor to the sign-in page


@dataclass(frozen=True)
class Cell:
    status: int
    shows: tuple = ()


@dataclass(frozen=True)
class Row:
    name: str
    url: str  # formatted with the marks: {dA}, {fA}, {agency_b}...
    cells: dict
    public: set = field(default_factory=set)  # marks this row may show anyone (public tracking)


def cells(anonymous, citizen, officer_a, officer_b, admin) -> dict:
    def cell(value):
        return value if isinstance(value, Cell) else Cell(value)

    return dict(zip(CALLERS, map(cell, (anonymous, citizen, officer_a, officer_b, admin))))


C = Cell
ROWS = [
    # --- officer pages ----------------------------------------------------------------------------
    Row("work queue of the unit", "/mot-cua/ho-so/?scope=unit",
        cells(SIGN_IN, 403, C(200, ("dA",)), C(200, ("dB",)), 200)),
    Row("dossier page of A", "/mot-cua/ho-so/{dA}/", cells(SIGN_IN, 403, C(200, ("dA",)), 404, C(200, ("dA",)))),
    Row("dossier page of B", "/mot-cua/ho-so/{dB}/", cells(SIGN_IN, 403, 404, C(200, ("dB",)), C(200, ("dB",)))),
    Row("citizen's online dossier, officer page", "/mot-cua/ho-so/{dC}/",
        cells(SIGN_IN, 403, C(200, ("dC",)), 404, C(200, ("dC",)))),
    Row("receipt (form 01 page) of A", "/mot-cua/tiep-nhan/{dA}/giay-tiep-nhan/",
        cells(SIGN_IN, 403, C(200, ("dA",)), 404, C(200, ("dA",)))),
    Row("tracking book (HTML) of the caller's agencies", "/mot-cua/so-theo-doi-html/?date_from={since}&date_to={today}",
        cells(SIGN_IN, 403, C(200, ("dA",)), C(200, ("dB",)), C(200, ("dA", "dB")))),
    Row("feedback list", "/mot-cua/phan-anh/",
        cells(SIGN_IN, 403, C(200, ("fA",)), C(200, ("fB",)), C(200, ("fA", "fB")))),
    Row("feedback of A", "/mot-cua/phan-anh/{fA}/", cells(SIGN_IN, 403, C(200, ("fA",)), 404, C(200, ("fA",)))),
    Row("feedback of B", "/mot-cua/phan-anh/{fB}/", cells(SIGN_IN, 403, 404, C(200, ("fB",)), C(200, ("fB",)))),
    Row("rating report", "/mot-cua/danh-gia/",
        cells(SIGN_IN, 403, C(200, ("rA",)), C(200, ("rB",)), C(200, ("rA", "rB")))),
    Row("payments reconciliation of today", "/thanh-toan/doi-soat/",
        cells(SIGN_IN, 403, C(200, ("pA",)), C(200, ("pB",)), C(200, ("pA", "pB")))),
    Row("reconciliation asking for agency B", "/thanh-toan/doi-soat/?agency={agency_b}",
        cells(SIGN_IN, 403, 400, C(200, ("pB",)), C(200, ("pB",)))),
    Row("counter payment page of A's dossier", "/thanh-toan/quay/{paid_a}/",
        cells(SIGN_IN, 403, C(200, ("pA",)), 404, 404)),
    Row("a file the citizen uploaded, officer URL", "/mot-cua/ho-so/{dC}/tai-lieu/{file_c}/",
        cells(SIGN_IN, 404, 200, 404, 200)),
    Row("document access log (managers)", "/mot-cua/nhat-ky-mo-tai-lieu/", cells(SIGN_IN, 403, 403, 403, 200)),
    # --- printouts (PDF) ----------------------------------------------------------------------------
    Row("form 01 of A as PDF", "/mot-cua/ho-so/{dA}/in/01/",
        cells(SIGN_IN, 404, C(200, ("dA",)), 404, C(200, ("dA",)))),
    Row("form 05 of B as PDF", "/mot-cua/ho-so/{dB}/in/05/",
        cells(SIGN_IN, 404, 404, C(200, ("dB",)), C(200, ("dB",)))),
    Row("tracking book PDF", "/mot-cua/so-theo-doi/?from={since}&to={today}",
        cells(SIGN_IN, 404, C(200, ("dA",)), C(200, ("dB",)), C(200, ("dA", "dB")))),
    # --- dossier API --------------------------------------------------------------------------------
    Row("API dossier list", "/api/v1/dossiers/?page_size=100",
        cells(403, 200, C(200, ("dA", "dC")), C(200, ("dB",)), 200)),
    Row("API dossier of A", "/api/v1/dossiers/{dA}/", cells(403, 404, C(200, ("dA",)), 404, C(200, ("dA",)))),
    Row("API dossier of B", "/api/v1/dossiers/{dB}/", cells(403, 404, 404, C(200, ("dB",)), C(200, ("dB",)))),
    Row("API citizen's dossier, officer view", "/api/v1/dossiers/{dC}/",
        cells(403, 404, C(200, ("dC", "cit")), 404, C(200, ("dC", "cit")))),
    Row("API public tracking of A", "/api/v1/tracking/{dA}/",
        cells(C(200, ("dA",)), C(200, ("dA",)), C(200, ("dA",)), C(200, ("dA",)), C(200, ("dA",))), public={"dA"}),
    # --- feedback and ratings API -------------------------------------------------------------------
    Row("API ratings", "/api/v1/ratings/", cells(403, 403, C(200, ("rA",)), C(200, ("rB",)), C(200, ("rA", "rB")))),
    Row("API feedback tracked by its code", "/api/v1/feedback/{fA}/",
        cells(*[C(200, ("fA",))] * 5), public={"fA", "dA"}),
    # --- the citizen's own ------------------------------------------------------------------------
    Row("API me", "/api/v1/me/", cells(403, C(200, ("cit",)), 403, 403, 403)),
    Row("API my dossiers", "/api/v1/me/dossiers/", cells(403, C(200, ("dC",)), 200, 200, 200)),
    Row("API my dossier", "/api/v1/me/dossiers/{dC}/", cells(403, C(200, ("dC",)), 404, 404, 404)),
    Row("API another citizen's dossier", "/api/v1/me/dossiers/{dO}/", cells(403, 404, 404, 404, 404)),
    Row("API my documents", "/api/v1/me/documents/", cells(403, 200, 200, 200, 200)),
    Row("my dossiers page", "/ca-nhan/ho-so/", cells(SIGN_IN, C(200, ("dC",)), 200, 200, 200)),
    Row("my dossier page", "/ca-nhan/ho-so/{dC}/", cells(SIGN_IN, C(200, ("dC",)), 404, 404, 404)),
    Row("another citizen's dossier page", "/ca-nhan/ho-so/{dO}/", cells(SIGN_IN, 404, 404, 404, 404)),
    Row("my dossier's file", "/ca-nhan/ho-so/{dC}/tai-lieu/{file_c}/", cells(SIGN_IN, 200, 404, 404, 404)),
    Row("another citizen's dossier file", "/ca-nhan/ho-so/{dO}/tai-lieu/{file_o}/", cells(SIGN_IN, *[404] * 4)),
    Row("my account page", "/tai-khoan/", cells(SIGN_IN, C(200, ("cit",)), SIGN_IN, SIGN_IN, SIGN_IN)),
]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The demo world, built once and rolled back at the end (each test nests a savepoint)."""
    with rolled_back_at_the_end(django_db_blocker):
        yield demo_world.build()


def marks_of(world: demo_world.DemoWorld) -> dict:
    return {
        "dA": world.dossier_a.code, "dB": world.dossier_b.code, "dC": world.citizen_dossier.code,
        "dO": world.other_citizen_dossier.code, "fA": world.feedback_a.code, "fB": world.feedback_b.code,
        "rA": world.rating_a.comment, "rB": world.rating_b.comment,
        "pA": world.payment_a.order_ref, "pB": world.payment_b.order_ref,
        "cit": world.citizen.citizen_account.citizen_id, "oth": world.other_citizen.citizen_account.citizen_id,
    }


def user_of(world, caller):
    return {"anonymous": None, "citizen": world.citizen, "officer_a": world.officer_a,
            "officer_b": world.officer_b, "admin": world.province_admin}[caller]


def url_of(row: Row, world) -> str:
    from django.utils import timezone

    return row.url.format(
        **marks_of(world), agency_b=world.agency_b.pk, paid_a=world.payment_a.dossier.code,
        file_c=world.citizen_dossier.documents.exclude(file="").first().pk,
        file_o=world.other_citizen_dossier.documents.exclude(file="").first().pk,
        since=min(timezone.localtime(d.received_at).date() for d in (world.dossier_a, world.dossier_b)).isoformat(),
        today=timezone.localdate().isoformat(),
    )


def text_of(response) -> str:
    """The text a person would read: HTML and JSON as they are, a PDF's extracted text (a printout or
    a dossier's file)."""
    kind = response.get("Content-Type", "")
    content = b"".join(response.streaming_content) if response.streaming else response.content  # files stream
    if kind == "application/pdf":
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return content.decode() if kind.startswith(("text/", "application/json")) else ""


@pytest.mark.django_db
@pytest.mark.parametrize("row", ROWS, ids=[row.name for row in ROWS])
def test_access(world, row):
    marks = marks_of(world)
    url = url_of(row, world)
    for caller in CALLERS:
        client = Client()
        if user_of(world, caller) is not None:
            client.force_login(user_of(world, caller))
        response = client.get(url)
        expected = row.cells[caller]
        assert response.status_code == expected.status, (caller, url, response.status_code)
        if response.status_code == 302:
            assert "/dang-nhap/" in response["Location"] or "/login/" in response["Location"], (caller, url)
        body = text_of(response)
        for mark in expected.shows:
            assert marks[mark] in body, f"{caller} should see {mark} on {url}"
        for mark in FOREIGN[caller] - row.public:
            assert marks[mark] not in body, f"{caller} sees {mark} ({marks[mark]}) on {url}"


@pytest.mark.django_db
def test_pdf_printouts_are_real_pdfs_for_the_agency_only(world):
    client = Client()
    client.force_login(world.officer_a)
    pdf = client.get(f"/mot-cua/ho-so/{world.dossier_a.code}/in/01/")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert client.get(f"/mot-cua/ho-so/{world.dossier_b.code}/in/01/").status_code == 404


@pytest.mark.django_db
def test_an_officer_cannot_act_on_another_agencys_dossier_or_feedback(world):
    """Writes are scoped like reads: the API answers 404 and nothing changes."""
    client = Client()
    client.force_login(world.officer_b)
    version = world.dossier_a.version
    response = client.post(f"/api/v1/dossiers/{world.dossier_a.code}/actions/start_processing/", {},
                           content_type="application/json")
    assert response.status_code == 404
    world.dossier_a.refresh_from_db()
    assert world.dossier_a.version == version
    refused = client.post(f"/api/v1/feedback/{world.feedback_a.code}/actions/refuse/", {"reason": "Không"},
                          content_type="application/json")
    assert refused.status_code == 404
    world.feedback_a.refresh_from_db()
    assert world.feedback_a.state == "received"


@pytest.mark.django_db
def test_token_callers_get_the_same_scope_as_session_callers(world):
    """Partners and mobile apps use DRF tokens: the same scoping applies."""
    from rest_framework.authtoken.models import Token

    def get(user, url):
        token = Token.objects.get_or_create(user=user)[0].key
        return Client().get(url, HTTP_AUTHORIZATION=f"Token {token}")

    codes_a = {row["code"] for row in get(world.officer_a, "/api/v1/dossiers/?page_size=100").json()["results"]}
    assert world.dossier_a.code in codes_a and world.dossier_b.code not in codes_a
    assert get(world.officer_a, f"/api/v1/dossiers/{world.dossier_b.code}/").status_code == 404
    assert get(world.citizen, "/api/v1/me/").json()["citizen_id"] == world.citizen.citizen_account.citizen_id
    mine = get(world.citizen, "/api/v1/me/dossiers/").json()
    assert [row["code"] for row in mine["results"]] == [world.citizen_dossier.code]
    assert get(world.other_citizen, f"/api/v1/me/dossiers/{world.citizen_dossier.code}/").status_code == 404
