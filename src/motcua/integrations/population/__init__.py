"""The national population register (Cơ sở dữ liệu quốc gia về dân cư), behind one small interface.

`get_register()` returns the adapter named by the setting POPULATION_REGISTER ("simulator" or
"http"); `prefill(citizen_id)` gives the fields a form can pre-fill. An adapter answers a
`PersonRecord`, None when the register does not know the number, or raises `RegisterUnavailable`
(timeout, outage, bad answer): callers must handle that and let the person type the data in.
"""
from .base import PersonRecord, PopulationRegister, RegisterTimeout, RegisterUnavailable, get_register, register
from .prefill import prefill
from .lookups import LookupRefused

# Import the adapters so that they register their names.
from . import simulator, http  # noqa: E402,F401  isort:skip

__all__ = [
    "LookupRefused",
    "PersonRecord",
    "PopulationRegister",
    "RegisterTimeout",
    "RegisterUnavailable",
    "get_register",
    "prefill",
    "register",
]
