"""`manage.py load_demo`: the province, its catalogue, accounts, calendar, dossiers, queues and
appointments (with the Saturday roster), in that order, and last the dossiers' synchronisation to
the national portal simulator. A module of its own so that the parts import the province and never
each other."""
from .appointments import load_demo_appointments
from .catalogsync import load_demo_catalogue_sync
from .counterlink import load_demo_counter_links
from .dossiers import load_demo_dossiers
from .history import load_demo_history
from .national import load_demo_national
from .postal import load_demo_postal
from .province import DEMO_PASSWORD, LoadReport, load_accounts, load_catalog, load_organization, seed_calendar
from .queues import load_demo_queues
from .receipts import load_demo_receipts
from .signing import load_demo_signing


def load_demo(with_accounts: bool, stdout=None) -> LoadReport:
    report = load_organization()
    load_catalog(report)
    if with_accounts:
        load_accounts(report)
    seed_calendar(stdout)
    if with_accounts:
        report.created["dossiers"] = load_demo_dossiers() or report.created.get("dossiers", 0)
        if not report.created["dossiers"]:
            del report.created["dossiers"]
    report.created.update(load_demo_queues(with_tickets=with_accounts))
    report.created.update(load_demo_appointments(with_people=with_accounts))
    if with_accounts:
        report.created.update(load_demo_counter_links())
        report.created.update(load_demo_postal())
        report.created.update(load_demo_signing())
        report.created.update(load_demo_receipts())  # after every part that records a payment
        report.created.update(load_demo_history())  # the past year's figures (legacy import)
    report.created.update(load_demo_catalogue_sync(with_accounts, DEMO_PASSWORD))
    report.created.update(load_demo_national())
    return report
