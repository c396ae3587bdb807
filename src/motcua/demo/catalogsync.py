"""Demo of the national integrations, part B: a catalogue sync from the national procedure
database simulator waiting for an administrator's review (quantri.tinh, "Đồng bộ danh mục"), and a
business account whose tax code the business registry simulator knows (its online form pre-fills
the business). Only where simulators may run; a re-run adds nothing."""
from motcua.core.simulators import simulators_allowed

DEMO_BUSINESS_PHONE = "0999000951"


def load_demo_catalogue_sync(with_accounts: bool, password: str | None = None) -> dict:
    from motcua.catalog import national_sync
    from motcua.catalog.models import CatalogueSync
    from motcua.integrations.procedures import get_catalogue, unit_code

    created = {}
    if not simulators_allowed():
        return created
    if not CatalogueSync.objects.exists():
        run = national_sync.sync(get_catalogue("simulator"), unit=unit_code())
        created["catalogue sync drafts"] = run.items.filter(review="pending").count()
    if with_accounts and password:
        created.update(_business_account(password))
    return created


def _business_account(password: str) -> dict:
    from motcua.accounts import services as accounts
    from motcua.accounts.models import AccountKind, CitizenAccount
    from motcua.integrations.business.simulator import example

    if CitizenAccount.objects.filter(phone=DEMO_BUSINESS_PHONE).exists():
        return {}
    business = example("active")
    account = accounts.sign_up(
        {"kind": AccountKind.BUSINESS, "full_name": business.representatives[0].full_name, "phone": DEMO_BUSINESS_PHONE,
         "email": "doanhnghiep@demo.motcua.invalid", "address": business.head_office,
         "business_name": business.name, "tax_code": business.tax_code}, password)
    accounts.trust_contacts(account)
    return {"business accounts": 1}
