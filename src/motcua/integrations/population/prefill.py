"""What a form may pre-fill from the register, for the profile page and the counter intake."""
from django.core.exceptions import ValidationError

from motcua.core.identity_numbers import validate_citizen_id

from .base import get_register


def prefill(citizen_id: str, user=None, page: str | None = None) -> dict:
    """Fields known for this citizen ID: {} when the number is malformed or unknown.

    Asked for a person (`user`, from a page), the lookup is checked, throttled and logged
    (`lookups.lookup`: raises LookupRefused); every page passes its user. Raises RegisterUnavailable
    when the register cannot answer; the caller tells the person and lets them type the data in.
    """
    citizen_id = (citizen_id or "").strip()
    try:
        validate_citizen_id(citizen_id)
    except ValidationError:
        return {}
    if user is not None:
        from .lookups import lookup

        record = lookup(user, citizen_id, page)
    else:
        record = get_register().lookup(citizen_id)
    if record is None:
        return {}
    return {
        "citizen_id": record.citizen_id,
        "full_name": record.full_name,
        "birth_date": record.birth_date,
        "sex": record.sex,
        "address": record.permanent_address,
        "place_of_origin": record.place_of_origin,
    }
