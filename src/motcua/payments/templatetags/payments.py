from django import template

register = template.Library()


@register.filter
def dong(value):
    """50000 -> "50.000 đ" (Vietnamese thousands separator)."""
    try:
        return f"{int(value):,} đ".replace(",", ".")
    except (TypeError, ValueError):
        return ""


@register.inclusion_tag("payments/_fee_quote.html")
def fee_quote(version, case=None, chosen=()):
    """Counter intake: the catalogue's quote for a procedure version and case
    (`fees.compute_fee`, counter so no online discount) with the exemptions of each line as
    checkboxes (`fee_exemption`); `chosen`: the ticked exemption ids, or the posted data holding
    them (a failed submit keeps them)."""
    from ..fees import FeeError, compute_fee

    if hasattr(chosen, "getlist"):  # the posted form's data
        chosen = chosen.getlist("fee_exemption")
    chosen_ids = set()
    for value in chosen or ():
        try:
            chosen_ids.add(int(value))
        except (TypeError, ValueError):
            continue
    case_id = getattr(case, "pk", case)
    fees = [f for f in version.fees.prefetch_related("exemptions") if f.case_id is None or f.case_id == case_id]
    rows = [{"fee": f, "exemptions": list(f.exemptions.all())} for f in fees]
    valid = {e.pk for row in rows for e in row["exemptions"]}
    try:
        quote = compute_fee(version, case_id, online=False, exemption_ids=chosen_ids & valid)
    except FeeError:
        quote = compute_fee(version, case_id, online=False)
    return {"version": version, "rows": rows, "quote": quote, "chosen": chosen_ids,
            "has_exemptions": bool(valid)}


@register.simple_tag(takes_context=True)
def dossier_fee(context, dossier):
    """`services.fee_summary(dossier)` (quote, due, paid, owed, when payable) and `can_collect`:
    the signed-in officer takes payments for the dossier's agency (the counter page's rule)."""
    from motcua.dossiers.services import agency_ids_with

    from ..services import fee_summary

    summary = fee_summary(dossier)
    user = context.get("user")
    may_take = bool(
        getattr(user, "is_authenticated", False)
        and agency_ids_with(user, "dossier.receive")
        & {dossier.receiving_agency_id, dossier.current_agency_id or dossier.competent_agency_id}
    )
    summary["can_collect"] = may_take and bool(summary["owed"])
    summary["can_open_counter"] = may_take  # the counter page: payments, refunds, electronic receipts
    return summary


@register.simple_tag
def online_payment_enabled():
    from ..services import online_payment_enabled as enabled

    return enabled()
