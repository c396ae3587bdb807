"""The national procedure database (Cơ sở dữ liệu quốc gia về thủ tục hành chính), behind one small
interface, for the catalogue sync (`catalog.national_sync`).

`get_catalogue()` returns the adapter named by the setting NATIONAL_CATALOGUE ("simulator", "http"
or "none"). An adapter answers the database's own records as plain dicts (field names as the
database spells them: MATTHC, TENTTHC, CACHTHUCTHUCHIEN ...), or raises `CatalogueUnavailable`
(a `catalog.national_sync.SourceUnavailable`): outage, timeout, an error code, a malformed answer.
Reading those records into catalogue content is the catalog's job, not the adapter's.
"""
from .base import CatalogueTimeout, CatalogueUnavailable, NationalCatalogue, get_catalogue, register, unit_code

# Import the adapters so that they register their names.
from . import simulator, http  # noqa: E402,F401  isort:skip

__all__ = ["CatalogueTimeout", "CatalogueUnavailable", "NationalCatalogue", "get_catalogue", "register", "unit_code"]
