"""The fee of a dossier: fee and charge lines of its procedure version and case, exemptions
(with the reason recorded) and the online discount.

`quote()` is pure arithmetic on plain values; `compute_fee()` loads the lines of a version from
the catalogue and calls it. All amounts are whole đồng.

Rules:
- A line applies if it belongs to the whole version or to the dossier's case.
- An exemption waives `percent` of its own fee line; when several chosen exemptions cover the same
  line, the most generous one applies (they do not add up). The waived part is rounded down, so
  the state never waives more than the rule says.
- The online discount applies to what is left after exemptions, rounded down like the dossier
  engine does (`fee_due` = total x (100 - p) // 100). Its percent is the procedure version's
  `online_fee_discount_percent`, or the global `PAYMENT_ONLINE_DISCOUNT_PERCENT` when the version
  sets none (0).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from motcua.core.errors import DomainError

from . import conf


@dataclass(frozen=True)
class ExemptionRule:
    id: int
    fee_id: int
    beneficiary: str
    percent: int
    legal_basis: str = ""


@dataclass(frozen=True)
class FeeLineInput:
    id: int
    kind: str  # "fee" (phí) or "charge" (lệ phí)
    name: str
    amount: int


@dataclass(frozen=True)
class QuoteLine:
    fee_id: int
    kind: str
    name: str
    amount: int
    waived: int = 0
    exemption: ExemptionRule | None = None

    @property
    def net(self) -> int:
        return self.amount - self.waived


@dataclass(frozen=True)
class FeeQuote:
    lines: tuple[QuoteLine, ...]
    online: bool
    discount_percent: int
    subtotal: int  # after exemptions, before the online discount
    discount: int
    total: int
    exemptions: tuple[ExemptionRule, ...] = field(default=())

    @property
    def gross(self) -> int:
        return sum(line.amount for line in self.lines)

    @property
    def waived(self) -> int:
        return sum(line.waived for line in self.lines)

    def reasons(self) -> list[str]:
        """The exemptions applied, as text to record on the dossier or the receipt."""
        return [
            f"{e.beneficiary} (-{e.percent}%{', ' + e.legal_basis if e.legal_basis else ''})" for e in self.exemptions
        ]

    def as_dict(self) -> dict:
        return {
            "online": self.online,
            "lines": [
                {"fee_id": ln.fee_id, "kind": ln.kind, "name": ln.name, "amount": ln.amount, "waived": ln.waived,
                 "net": ln.net, "exemption": ln.exemption.beneficiary if ln.exemption else None}
                for ln in self.lines
            ],
            "gross": self.gross,
            "waived": self.waived,
            "subtotal": self.subtotal,
            "discount_percent": self.discount_percent,
            "discount": self.discount,
            "total": self.total,
            "exemptions": self.reasons(),
        }


class FeeError(DomainError):
    """A fee rule that cannot be applied: bad input (code `invalid`)."""

    def __init__(self, message):
        super().__init__("invalid", message)


def quote(lines: Iterable[FeeLineInput], exemptions: Iterable[ExemptionRule] = (), *, online: bool,
          discount_percent: int = 0) -> FeeQuote:
    """Pure: the quote for these lines, these chosen exemptions, and an online discount percent."""
    lines = list(lines)
    if not 0 <= discount_percent <= 100:
        raise FeeError(_("The online discount must be between 0 and 100 percent."))
    by_fee: dict[int, ExemptionRule] = {}
    line_ids = {ln.id for ln in lines}
    for rule in exemptions:
        if rule.fee_id not in line_ids:
            raise FeeError(_("The exemption “%(who)s” does not apply to this procedure's fees.")
                           % {"who": rule.beneficiary})
        if not 0 < rule.percent <= 100:
            raise FeeError(_("An exemption waives between 1 and 100 percent."))
        best = by_fee.get(rule.fee_id)
        if best is None or rule.percent > best.percent:
            by_fee[rule.fee_id] = rule
    out = []
    for ln in lines:
        if ln.amount < 0:
            raise FeeError(_("A fee amount cannot be negative."))
        rule = by_fee.get(ln.id)
        waived = ln.amount * rule.percent // 100 if rule else 0
        out.append(QuoteLine(ln.id, ln.kind, ln.name, ln.amount, waived, rule))
    subtotal = sum(line.net for line in out)
    percent = discount_percent if online else 0
    total = subtotal * (100 - percent) // 100
    return FeeQuote(
        lines=tuple(out), online=online, discount_percent=percent, subtotal=subtotal, discount=subtotal - total,
        total=total, exemptions=tuple(r for r in by_fee.values()),
    )


def discount_percent_for(version) -> int:
    """The version's own online discount, else the global default."""
    return int(version.online_fee_discount_percent or 0) or conf.online_discount_percent()


def compute_fee(version, case=None, *, online: bool, exemption_ids: Iterable[int] = ()) -> FeeQuote:
    """The quote for a procedure version (and case) from the catalogue."""
    from motcua.catalog.models import FeeExemption

    case_id = getattr(case, "pk", case)
    fees = [f for f in version.fees.all() if f.case_id is None or (case_id is not None and f.case_id == case_id)]
    lines = [FeeLineInput(f.pk, f.kind, f.name, int(f.amount)) for f in fees]
    ids = {int(i) for i in exemption_ids or ()}
    rules = []
    if ids:
        found = {e.pk: e for e in FeeExemption.objects.filter(pk__in=ids, fee__in=[f.pk for f in fees])}
        missing = ids - set(found)
        if missing:
            raise FeeError(_("Exemption %(ids)s does not apply to this procedure's fees.")
                           % {"ids": ", ".join(str(i) for i in sorted(missing))})
        rules = [ExemptionRule(e.pk, e.fee_id, e.beneficiary, e.percent, e.legal_basis) for e in found.values()]
    return quote(lines, rules, online=online, discount_percent=discount_percent_for(version))
