"""Small builders for organisation tests (explicit, no magic)."""
import datetime
import itertools

from django.contrib.auth import get_user_model

from motcua.organization.models import AdministrativeLevel, AdministrativeUnit, Agency, Counter, ServicePoint

_seq = itertools.count(1)


def level(code="tinh", rank=1, **extra):
    return AdministrativeLevel.objects.get_or_create(code=code, defaults={"name": f"Cấp {code}", "rank": rank, **extra})[0]


def unit(code=None, name="Xã Mẫu", lvl=None, **extra):
    return AdministrativeUnit.objects.create(code=code or f"U{next(_seq)}", name=name, level=lvl or level(), **extra)


def agency(code=None, name=None, **extra):
    n = next(_seq)
    return Agency.objects.create(
        code=code or f"000.00.{n % 100:02d}.H99", name=name or f"Cơ quan {n}", level=extra.pop("level", None) or level(),
        **extra,
    )


def service_point(code=None, **extra):
    n = next(_seq)
    return ServicePoint.objects.create(
        code=code or f"sp-{n}", name=f"Nơi tiếp nhận {n}", kind=extra.pop("kind", ServicePoint.Kind.PROVINCIAL_CENTRE), **extra
    )


def counter(point=None, number=None, agencies=()):
    c = Counter.objects.create(service_point=point or service_point(), number=number or next(_seq), name="Quầy")
    c.agencies.set(agencies)
    return c


def user(username=None, **extra):
    return get_user_model().objects.create_user(username=username or f"u{next(_seq)}", password="x", **extra)


YESTERDAY = datetime.date.today() - datetime.timedelta(days=1)
TOMORROW = datetime.date.today() + datetime.timedelta(days=1)
