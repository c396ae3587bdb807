"""What a form prints, as plain data.

Renderers take these dataclasses, never model instances: a form can be rendered and tested
without a database, and a change in the dossier models touches only the adapters in
`adapters.py`.
"""
from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass
class DocumentLine:
    name: str
    originals: int = 0
    copies: int = 0  # plain copies (photocopies)
    note: str = ""
    certified_copies: int = 0
    electronic: bool = False  # handed in as a file (an online submission, a scan)


@dataclass
class StepLine:
    """One hand-off of the process control sheet (form 05)."""

    name: str
    unit: str
    given_by: str = ""
    given_at: datetime | None = None
    taken_by: str = ""
    taken_at: datetime | None = None
    due_at: datetime | None = None
    finished_at: datetime | None = None
    outcome: str = ""  # "early", "on_time", "late" or "" while pending
    note: str = ""


@dataclass
class DossierSheet:
    """Everything forms 01-05 may print about one dossier."""

    code: str
    agency_name: str
    procedure_name: str
    applicant_name: str
    parent_agency_name: str = ""
    place: str = ""  # the place written before the date line ("Hà Nội, ngày ...")
    service_point_name: str = ""
    applicant_id_number: str = ""
    applicant_address: str = ""
    applicant_phone: str = ""
    applicant_email: str = ""
    procedure_code: str = ""
    documents: list[DocumentLine] = field(default_factory=list)
    received_at: datetime | None = None
    due_at: datetime | None = None
    return_channel: str = ""
    return_address: str = ""
    receiving_officer: str = ""
    tracking_url: str = ""
    reason: str = ""  # refusal / supplement / apology reason
    missing_items: list[str] = field(default_factory=list)
    new_due_at: datetime | None = None
    steps: list[StepLine] = field(default_factory=list)
    finished_at: datetime | None = None
    returned_at: datetime | None = None
    status: str = ""
    issued_on: date | None = None  # the date printed on the form; today if None
    # Fees and charges (đồng): due, already paid, and when payable (the catalogue's wording).
    fee_due: int = 0
    fee_paid: int = 0
    fee_payable_at: str = ""
    fee_exemptions: list[str] = field(default_factory=list)

    @property
    def fee_owed(self) -> int:
        return max(self.fee_due - self.fee_paid, 0)

    @property
    def form_date(self) -> date | None:
        """The date that picks the form version: the dossier's receipt date."""
        return self.received_at.date() if self.received_at else self.issued_on


@dataclass
class BookRow:
    code: str
    applicant_name: str
    procedure_name: str
    received_at: datetime | None = None
    due_at: datetime | None = None
    finished_at: datetime | None = None
    returned_at: datetime | None = None
    outcome: str = ""
    status: str = ""


@dataclass
class TrackingBook:
    """Form 06: the register of the dossiers received in a period."""

    agency_name: str
    date_from: date
    date_to: date
    rows: list[BookRow] = field(default_factory=list)
    parent_agency_name: str = ""
    place: str = ""
    issued_on: date | None = None

    @property
    def form_date(self) -> date:
        return self.date_to
