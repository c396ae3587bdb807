"""The world of the whole-site tests (fuzzing, access matrix): the demo province plus what the
demo does not create, every object made through the apps' own service functions.

Agency A is the Department of Justice (Sở Tư pháp), agency B the Department of Construction (Sở
Xây dựng); the demo gives each a counter officer and some dossiers in every state. On top of that:
two citizen accounts, each with one online dossier of agency A (its first document uploaded as a
PDF); a rating and a feedback for a returned dossier of each agency; a counter payment today for a
dossier of each agency.

Only synthetic people: generated names, citizen IDs and phones.
"""
import datetime
import io
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from pypdf import PdfWriter

from motcua.accounts import services as accounts
from motcua.accounts.models import AccountKind
from motcua.catalog.models import ProcedureVersion
from motcua.dossiers import services as dossier_services
from motcua.dossiers.models import Dossier, Status
from motcua.feedback import ratings
from motcua.feedback import services as feedback_services
from motcua.feedback.models import Feedback, Level, Rating, SubjectKind
from motcua.demo.province import code_of
from motcua.organization.models import Agency
from motcua.payments import services as payment_services
from motcua.payments.models import Method, Payment

PASSWORD = "Mat-khau-Kiem-thu-2026"
LAST_BUILT = None  # set by a module fixture that builds the world once for its tests


@dataclass
class DemoWorld:
    agency_a: Agency
    agency_b: Agency
    officer_a: object  # counter officer of agency A
    officer_b: object  # counter officer of agency B
    province_admin: object
    citizen: object  # the user of a citizen account
    other_citizen: object
    dossier_a: Dossier  # received at A's counter
    dossier_b: Dossier
    citizen_dossier: Dossier  # submitted online by `citizen` to agency A
    other_citizen_dossier: Dossier
    feedback_a: Feedback
    feedback_b: Feedback
    rating_a: Rating
    rating_b: Rating
    payment_a: Payment
    payment_b: Payment


def _citizen(full_name: str, citizen_id: str, phone: str, email: str):
    account = accounts.sign_up(
        {"kind": AccountKind.PERSON, "full_name": full_name, "citizen_id": citizen_id,
         "birth_date": datetime.date(1990, 5, 2), "phone": phone, "email": email, "address": "Thôn Thử, xã Đồi Chè"},
        PASSWORD,
    )
    return account.user


def _online_dossier(user, agency: Agency, applicant: dict) -> Dossier:
    version = (ProcedureVersion.objects.filter(status=ProcedureVersion.Status.PUBLISHED, accepts_online=True,
                                               competent_agencies=agency).order_by("procedure__code").first())
    case = version.cases.order_by("order", "pk").first()
    documents = [{"required_document": doc.pk, "originals": doc.originals, "copies": doc.copies,
                  "certified_copies": doc.certified_copies}
                 for doc in version.documents.filter(case__isnull=True) | version.documents.filter(case=case)]
    # The first document is uploaded (a one-page PDF in the media storage), as the portal files it.
    documents[0].update(digitization=1, file=default_storage.save("dossiers/demo-world/don.pdf", ContentFile(_pdf())))
    return dossier_services.submit_online(user, procedure_version=version, case=case, applicant=applicant,
                                          documents=documents, competent_agency=agency)


def _pdf() -> bytes:
    buffer = io.BytesIO()
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.write(buffer)
    return buffer.getvalue()


def _applicant(name: str, citizen_id: str, phone: str) -> dict:
    return {"kind": "person", "name": name, "id_number": citizen_id, "birth_date": datetime.date(1990, 5, 2),
            "phone": phone, "address": "Thôn Thử, xã Đồi Chè"}


def _paid_today(officer, agency: Agency) -> Payment:
    dossier = Dossier.objects.filter(competent_agency=agency, status=Status.PROCESSING).order_by("code").first()
    dossier = dossier_services.request_payment(officer, dossier, amount=50_000, note="Lệ phí")
    return payment_services.record_counter_payment(officer, dossier, 50_000, Method.CASH, f"BL-{agency.pk}-0001")


def _open_at_counter(agency: Agency) -> Dossier:
    """A dossier the agency received at its counter and is still working on."""
    return (Dossier.objects.filter(receiving_agency=agency, status__in=(Status.RECEIVED, Status.PROCESSING))
            .order_by("status", "code").first())


def build() -> DemoWorld:
    call_command("load_demo", "--demo", verbosity=0)
    User = get_user_model()
    agency_a, agency_b = Agency.objects.get(code=code_of("tu_phap")), Agency.objects.get(code=code_of("xay_dung"))
    officer_a, officer_b = User.objects.get(username="motcua.tuphap"), User.objects.get(username="motcua.xaydung")
    citizen = _citizen("Trần Thị Thử", "038190004321", "0987000111", "thu.tran@example.test")
    other_citizen = _citizen("Lê Văn Khác", "038190009876", "0987000222", "khac.le@example.test")
    returned_a, returned_b = (
        Dossier.objects.filter(competent_agency=agency, status=Status.RETURNED).order_by("code").first()
        for agency in (agency_a, agency_b)
    )
    feedback = [
        feedback_services.submit_from_portal(
            subject_kind=SubjectKind.DOSSIER, content=f"Hồ sơ {dossier.code} chờ quá lâu ở quầy.",
            sender_name="Trần Thị Thử", sender_phone="0987000111", dossier_code=dossier.code,
            client_ip=f"192.0.2.{index}",
        )
        for index, dossier in enumerate((returned_a, returned_b), start=10)
    ]
    return DemoWorld(
        agency_a=agency_a, agency_b=agency_b, officer_a=officer_a, officer_b=officer_b,
        province_admin=User.objects.get(username="quantri.tinh"),
        citizen=citizen, other_citizen=other_citizen,
        dossier_a=_open_at_counter(agency_a),
        dossier_b=_open_at_counter(agency_b),
        citizen_dossier=_online_dossier(citizen, agency_a, _applicant("Trần Thị Thử", "038190004321", "0987000111")),
        other_citizen_dossier=_online_dossier(other_citizen, agency_a,
                                              _applicant("Lê Văn Khác", "038190009876", "0987000222")),
        feedback_a=feedback[0], feedback_b=feedback[1],
        rating_a=ratings.rate(returned_a, level=Level.SATISFIED, comment="Cán bộ hướng dẫn tận tình."),
        rating_b=ratings.rate(returned_b, level=Level.DISSATISFIED, comment="Phải đi lại nhiều lần."),
        payment_a=_paid_today(officer_a, agency_a),
        payment_b=_paid_today(officer_b, agency_b),
    )
