"""The national business registration database (Cơ sở dữ liệu quốc gia về đăng ký doanh nghiệp),
looked up by tax code (mã số doanh nghiệp), behind one small interface like the population register.

`get_registry()` returns the adapter named by BUSINESS_REGISTRY ("simulator", "http" or "none").
An adapter answers a `BusinessRecord`, None when the registry does not know the code, or raises
`RegistryUnavailable` (timeout: `RegistryTimeout`). Pages ask through `lookups.lookup` (checked,
throttled, audited) or `prefill`, never the adapter directly.
"""
from .base import (
    BusinessRecord,
    BusinessRegistry,
    Representative,
    RegistryTimeout,
    RegistryUnavailable,
    get_registry,
    register,
)
from .taxcode import InvalidTaxCode, check_tax_code
from .lookups import LookupRefused, lookup
from .prefill import prefill

from . import simulator, http  # noqa: E402,F401  isort:skip

__all__ = [
    "BusinessRecord", "BusinessRegistry", "InvalidTaxCode", "LookupRefused", "RegistryTimeout", "RegistryUnavailable",
    "Representative", "check_tax_code", "get_registry", "lookup", "prefill", "register",
]
