"""`manage.py load_demo`: the province, its catalogue, accounts, calendar, dossiers and queues,
in that order. A module of its own so that the parts import the province and never each other."""
from .counterlink import load_demo_counter_links
from .dossiers import load_demo_dossiers
from .postal import load_demo_postal
from .province import LoadReport, load_accounts, load_catalog, load_organization, seed_calendar
from .queues import load_demo_queues
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
    if with_accounts:
        report.created.update(load_demo_counter_links())
        report.created.update(load_demo_postal())
        report.created.update(load_demo_signing())
    return report
