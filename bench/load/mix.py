"""The busiest hour's mix, without locust (imported by the locustfile and by bench/bench_load.py,
which must not import locust: locust monkey-patches the process it is imported in).

Counted per dossier received in the busiest hour; see the locustfile's module doc for the sources.
"""
from __future__ import annotations

import os

PACE = float(os.environ.get("LOAD_PACE", "10"))  # seconds between one user's actions
SLOW = 10  # the counter officers and applicants: one action every SLOW * PACE seconds
# Actions per dossier received: counter receipts (counter and post), online applications,
# tracking look-ups, portal pages, officer pages (queues and dossier pages).
MIX = {"counter": 0.67, "apply": 0.33, "track": 4.0, "browse": 6.0, "officer": 16.0}
REPORTS_PER_HOUR = 200  # manager report views, whatever the rate
MANAGERS = 2


def pace(kind: str, base: float = PACE) -> float:
    return base * SLOW if kind in ("counter", "apply") else base


def weight(kind: str) -> int:
    """Integer locust weight: the users of a class are its actions per dossier times its pace."""
    return round(MIX[kind] * pace(kind, 1.0) * 100)


def actions_per_dossier() -> float:
    return sum(MIX.values())


def users_for(rate: float, base: float = PACE) -> int:
    """Users (managers included) that make `rate` actions per second in the MIX."""
    per_action = sum(MIX[k] * pace(k, base) for k in MIX) / actions_per_dossier()
    return max(len(MIX), round(rate * per_action)) + MANAGERS


def dossiers_per_hour(rate: float) -> float:
    """The dossiers received per hour at `rate` actions per second in the MIX."""
    return rate * 3600 * (MIX["counter"] + MIX["apply"]) / actions_per_dossier()
