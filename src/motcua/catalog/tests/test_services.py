import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation

from motcua.catalog import services
from motcua.catalog.models import (
    DecisionItem,
    Fee,
    FeeExemption,
    Procedure,
    ProcedureCase,
    ProcedureVersion,
    ProcessStep,
    RequiredDocument,
)

from .conftest import birth_registration

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_create_published_procedure_with_all_content(org, decision):
    version = birth_registration(org, decision=decision)
    assert version.status == "published"
    assert version.number == 1
    assert version.valid_from == datetime.date(2025, 7, 1)
    procedure = Procedure.objects.get(code="1.001193.000.00.00.H99")
    assert procedure.current_version == version
    assert procedure.national_code == "1.001193"
    assert [c.code for c in version.cases.all()] == ["dung-han", "qua-han"]
    assert version.documents.count() == 3
    assert version.documents.get(name="Văn bản cam đoan về việc sinh").case.code == "qua-han"
    assert version.fees.get().exemptions.get().beneficiary == "Hộ nghèo"
    assert version.steps.count() == 4
    assert list(version.levels.values_list("code", flat=True)) == ["tinh"]
    assert version.search_text == "dang ky khai sinh 1.001193.000.00.00.h99 1.001193"
    item = DecisionItem.objects.get()
    assert (item.decision, item.version, item.action) == (decision, version, "publish")


def test_create_draft_and_unknown_codes(org):
    draft = birth_registration(org, publish=False)
    assert draft.status == "draft"
    assert draft.procedure.current_version is None
    with pytest.raises(ValidationError, match="Unknown agency identifier code: 000.00.99.H99"):
        birth_registration(org, code="2.000001.000.00.00.H99", competent_agencies=["000.00.99.H99"])
    assert not Procedure.objects.filter(code="2.000001.000.00.00.H99").exists()  # atomic


def test_new_version_clones_everything_and_old_version_stays(org, decision):
    v1 = birth_registration(org)
    draft = services.new_version(v1.procedure)
    assert (draft.number, draft.status, draft.valid_from) == (2, "draft", None)
    assert draft.cases.count() == 2 and draft.documents.count() == 3 and draft.steps.count() == 4
    assert set(draft.cases.values_list("pk", flat=True)).isdisjoint(v1.cases.values_list("pk", flat=True))
    # case links point at the draft's own cases
    assert draft.documents.get(name="Văn bản cam đoan về việc sinh").case.version == draft
    assert draft.steps.get(order=4).case.version == draft
    assert FeeExemption.objects.filter(fee__version=draft).count() == 1
    assert list(draft.competent_agencies.all()) == [org["justice"]]
    assert list(draft.receiving_agencies.all()) == [org["justice"]]

    with pytest.raises(ValidationError, match="already has a draft"):
        services.new_version(v1.procedure)

    services.update_draft(draft, name="Đăng ký khai sinh (sửa đổi)", time_limit=Decimal("4"))
    services.add_content(draft, documents=[{"name": "Giấy tờ mới", "copies": 1}])
    services.publish(draft, decision=decision, valid_from=datetime.date(2025, 9, 1))

    v1.refresh_from_db()
    draft.refresh_from_db()
    assert v1.status == "superseded"
    assert v1.valid_to == datetime.date(2025, 8, 31)
    assert v1.name == "Đăng ký khai sinh" and v1.time_limit == Decimal("3")
    assert v1.documents.count() == 3
    assert draft.status == "published" and draft.time_limit == Decimal("4") and draft.documents.count() == 4
    assert Procedure.objects.get().current_version == draft
    assert DecisionItem.objects.get(version=draft).action == "amend"


def test_publish_date_must_follow_current_version(org):
    v1 = birth_registration(org)
    draft = services.new_version(v1.procedure)
    with pytest.raises(ValidationError, match="after 2025-07-01"):
        services.publish(draft, valid_from=datetime.date(2025, 7, 1))
    v1.refresh_from_db()
    assert v1.status == "published"


def test_published_version_is_immutable(org):
    version = birth_registration(org)
    version.name = "Tên khác"
    with pytest.raises(ValidationError, match="cannot be changed"):
        version.save()
    with pytest.raises(ValidationError, match="cannot be changed"):
        version.full_clean()
    with pytest.raises(ValidationError):
        version.delete()
    document = RequiredDocument.objects.filter(version=version).first()
    document.copies = 5
    with pytest.raises(ValidationError):
        document.save()
    with pytest.raises(ValidationError):
        document.delete()
    with pytest.raises(ValidationError):
        RequiredDocument.objects.create(version=version, name="Thêm", originals=1)
    with pytest.raises(ValidationError):
        ProcedureCase(version=version, code="moi", name="Mới").save()
    with pytest.raises(ValidationError):
        FeeExemption.objects.create(fee=Fee.objects.get(version=version), beneficiary="Người cao tuổi")
    with pytest.raises(ValidationError):
        ProcessStep.objects.filter(version=version).first().delete()
    # m2m changes run in Django's own atomic block: wrap them so the test transaction survives
    with pytest.raises(ValidationError), transaction.atomic():
        version.levels.add(org["commune"])
    with pytest.raises(ValidationError), transaction.atomic():
        version.competent_agencies.clear()
    with pytest.raises(ValidationError), transaction.atomic():
        org["land"].receives_for.add(version)
    with pytest.raises(ValidationError):
        services.add_content(version, documents=[{"name": "x", "originals": 1}])
    stored = ProcedureVersion.objects.get(pk=version.pk)
    assert stored.name == "Đăng ký khai sinh"
    assert stored.documents.count() == 3 and stored.levels.count() == 1 and stored.competent_agencies.count() == 1


def test_abolish(org, decision):
    version = birth_registration(org, valid_from=datetime.date(2025, 1, 1))
    services.abolish(version.procedure, decision)
    version.refresh_from_db()
    assert version.status == "abolished"
    assert version.valid_to == datetime.date(2025, 6, 30)
    assert Procedure.objects.get().current_version is None
    assert DecisionItem.objects.get(action="abolish").version == version
    assert not services.published_versions().exists()
    with pytest.raises(ValidationError, match="no version in force"):
        services.abolish(version.procedure, decision)


def test_abolish_cannot_precede_the_version(org, decision):
    version = birth_registration(org, valid_from=datetime.date(2025, 8, 1))
    with pytest.raises(ValidationError, match="after 2025-08-01"):
        services.abolish(version.procedure, decision)  # effective 2025-07-01
    version.refresh_from_db()
    assert version.status == "published"


def test_process_budget_validation_names_the_numbers(org):
    # qua-han case: 2 + 10 + 2 common + 16 own = 30 h <= 5 days = 40 h; dung-han: 14 h <= 24 h.
    version = birth_registration(org, publish=False)
    services.validate_process(version)
    services.add_content(version, steps=[{"order": 5, "name": "Ký", "role": "leader", "budget_hours": 12}])
    # dung-han now 26 h > 24 h; qua-han 42 h > 40 h
    with pytest.raises(ValidationError) as error:
        services.publish(version)
    messages = error.value.messages
    assert messages == [
        "Đăng ký đúng hạn: the process steps take 26 working hours, more than the legal limit of 24 working hours "
        "(3 working days).",
        "Đăng ký quá hạn: the process steps take 42 working hours, more than the legal limit of 40 working hours "
        "(5 working days).",
    ]
    version.refresh_from_db()
    assert version.status == "draft"


def test_process_budget_in_hours_calendar_days_and_same_day(org):
    steps = [{"order": 1, "name": "Xử lý", "role": "specialist", "budget_hours": 6}]
    hours = birth_registration(
        org, code="1.000001.000.00.00.H99", time_limit=4, time_limit_unit="working_hours", online_time_limit=None,
        cases=[], documents=[], fees=[], steps=steps, publish=False,
    )
    assert services.process_budget_errors(hours) == [
        "All cases: the process steps take 6 working hours, more than the legal limit of 4 working hours "
        "(4 working hours)."
    ]
    calendar = birth_registration(
        org, code="1.000002.000.00.00.H99", time_limit=1, time_limit_unit="calendar_days", online_time_limit=None,
        cases=[], documents=[], fees=[], steps=steps, publish=False,
    )
    assert services.process_budget_errors(calendar) == []  # 1 calendar day counts as 8 h
    same_day = birth_registration(
        org, code="1.000003.000.00.00.H99", time_limit=3, is_same_day=True, online_time_limit=None,
        cases=[], documents=[], fees=[], publish=False,
        steps=[{"order": 1, "name": "Xử lý", "role": "specialist", "budget_hours": 9}],
    )
    assert "legal limit of 8 working hours" in services.process_budget_errors(same_day)[0]


def test_effective_limit(org):
    version = birth_registration(org)
    on_time = version.cases.get(code="dung-han")
    late = version.cases.get(code="qua-han")
    assert services.effective_limit(version) == (Decimal("3"), "working_days")
    assert services.effective_limit(version, online=True) == (Decimal("2"), "working_days")
    assert services.effective_limit(version, on_time) == (Decimal("3"), "working_days")
    assert services.effective_limit(version, on_time, online=True) == (Decimal("2"), "working_days")
    # the case's own limit wins; it has no online limit of its own, so online gets the same 5 days
    assert services.effective_limit(version, late) == (Decimal("5"), "working_days")
    assert services.effective_limit(version, late, online=True) == (Decimal("5"), "working_days")
    same_day = birth_registration(
        org, code="1.000004.000.00.00.H99", time_limit=0, is_same_day=True, online_time_limit=None,
        cases=[], documents=[], steps=[], publish=False,
    )
    assert services.effective_limit(same_day) == (Decimal("8"), "working_hours")
