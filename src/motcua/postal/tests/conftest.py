import datetime

import pytest
from django.contrib.auth import get_user_model

from motcua.dossiers import services as dossier_services
from motcua.dossiers.models import ReturnChannel
from motcua.organization.models import AdministrativeLevel, AdministrativeUnit, Role, RoleAssignment
from motcua.postal.models import Waybill, WaybillPool
from motcua.testing.world import APPLICANT, MONDAY


@pytest.fixture
def postal(world, settings):
    settings.POSTAL_PARTNER = "simulator"
    settings.POSTAL_SIMULATOR_MODE = "normal"
    settings.ALLOW_SIMULATORS = True
    province_level = AdministrativeLevel.objects.get(code="tinh")
    commune_level = AdministrativeLevel.objects.create(code="xa", name="Cấp xã", rank=3)
    province = AdministrativeUnit.objects.create(code="99", name="Tỉnh Thử Nghiệm", level=province_level)
    ward = AdministrativeUnit.objects.create(code="99901", name="Phường Bến Đò", level=commune_level, parent=province)
    new = AdministrativeUnit.objects.create(code="99903", name="Xã Suối Bạc", level=commune_level, parent=province,
                                            valid_from=datetime.date(2025, 7, 1))
    merged = AdministrativeUnit.objects.create(code="99911", name="Xã Thác Trắng", level=commune_level,
                                               parent=province, successor=new, valid_to=datetime.date(2025, 6, 30))
    pool = WaybillPool.objects.create(name="Lô 1", partner="simulator")
    Waybill.objects.bulk_create([Waybill(pool=pool, code=f"EL{n:09d}VN") for n in range(1, 21)])
    worker = get_user_model().objects.create_user(username="buuta", password="x")
    RoleAssignment.objects.create(user=worker, role=Role.POSTAL_WORKER, service_point=world["centre"])
    return {"ward": ward, "new": new, "merged": merged, "pool": pool, "worker": worker}


ADDRESS = {"street": "Số 5 đường Bến Cảng", "receiver_name": "Trần Thị Mẫu", "receiver_phone": "0912345678"}


def birth_dossier(world, when=MONDAY, **overrides):
    docs = list(world["birth"].documents.order_by("order"))
    kwargs = dict(procedure_version=world["birth"], applicant=APPLICANT,
                  documents=[{"required_document": d.pk, "originals": 1, "digitization": 1} for d in docs],
                  service_point=world["centre"], received_at=when)
    kwargs.update(overrides)
    return dossier_services.receive_at_counter(world["justice_counter"], **kwargs)


def resolved(world, when=MONDAY, **overrides):
    dossier = birth_dossier(world, when, **overrides)
    return dossier_services.resolve(world["justice_leader"], dossier, result_description="Giấy khai sinh",
                                    at=when + datetime.timedelta(hours=2))


__all__ = ["ADDRESS", "ReturnChannel", "birth_dossier", "resolved"]
