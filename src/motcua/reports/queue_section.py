"""The queue at the counters (issue 12) on the dashboard and as an optional section of the
periodic report: tickets, waiting time (called minus issued) median and p90, service time, share
waiting over 30 minutes, no-shows; per queue and per officer, with the counter tablet's ratings of
the tickets served.

Self-contained so the periodic report's layout can change around it:

    figures = queue_figures(date_from, date_to, agency_ids)      # the dashboard's section
    add_queue_section(content, date_from, date_to, agency_ids)  # appends the report's blocks

Scope: province-wide (agency_ids None) every service point; else the service points with a
counter serving one of the agencies.
"""
from __future__ import annotations

import datetime

from motcua.core.periods import local_day_bounds
from motcua.feedback.models import TicketRating
from motcua.feedback.selectors import rating_breakdown
from motcua.organization.models import ServicePoint
from motcua.queueing import selectors as queue_selectors
from motcua.queueing.selectors import LONG_WAIT_MINUTES

from .exports import _vn_number

SECTION_TITLE = "PHỤ LỤC: TÌNH HÌNH XẾP HÀNG, CHỜ ĐỢI TẠI BỘ PHẬN MỘT CỬA"


def service_points_in_scope(agency_ids=None):
    points = ServicePoint.objects.all()
    if agency_ids is not None:
        points = points.filter(counters__agencies__in=list(agency_ids)).distinct()
    return points


def queue_figures(date_from: datetime.date, date_to: datetime.date, agency_ids=None) -> dict:
    """{"total": figures, "by_queue": [rows], "by_officer": [rows + "ratings", "rate"]} where
    figures are those of `queueing.selectors.statistics` (minutes, rounded to 0.1; shares in %)."""
    points = service_points_in_scope(agency_ids)
    by_officer = queue_selectors.statistics(points, date_from, date_to, by="officer")
    start, end = local_day_bounds(date_from, date_to)
    rated = rating_breakdown(
        TicketRating.objects.filter(ticket__queue__service_point__in=points, created_at__gte=start,
                                    created_at__lt=end), "officer")
    ratings = {row["label"]: row for row in rated}
    for row in by_officer:
        found = ratings.get(row["label"])
        row["ratings"], row["satisfaction"] = (found["count"], found["rate"]) if found else (0, None)
    return {
        "total": queue_selectors.summary(points, date_from, date_to),
        "by_queue": queue_selectors.statistics(points, date_from, date_to, by="queue"),
        "by_officer": by_officer,
        "long_wait": LONG_WAIT_MINUTES,
    }


def _minutes(value) -> str:
    return "-" if value is None else _vn_number(value, 1)


def _share(value) -> str:
    return "-" if value is None else f"{_vn_number(value, 1)}%"


def queue_blocks(figures: dict) -> list[tuple]:
    """The report's blocks (the periodic report's block kinds: heading, bullet, table)."""
    t = figures["total"]
    # Seven columns: periodic.to_pdf's widths overflow the page by a rounding error at 8 or 9.
    headings = ["Hàng chờ", "Số phiếu", "Chờ trung vị (phút)", "Chờ P90 (phút)",
                "Phục vụ trung vị (phút)", f"Chờ quá {figures['long_wait']} phút", "Vắng mặt"]

    def row(label, f):
        return [label, _vn_number(f["tickets"]), _minutes(f["wait_median"]),
                _minutes(f["wait_p90"]), _minutes(f["service_median"]), _share(f["long_wait_share"]),
                _vn_number(f["no_shows"])]

    return [
        ("heading", SECTION_TITLE),
        ("bullet", f"Tổng số phiếu thứ tự đã cấp: {_vn_number(t['tickets'])}, trong đó đã gọi "
                   f"{_vn_number(t['called'])}, vắng mặt khi được gọi {_vn_number(t['no_shows'])}."),
        ("bullet", f"Thời gian chờ (từ khi lấy số đến khi được gọi): trung vị {_minutes(t['wait_median'])} phút, "
                   f"90% người dân chờ không quá {_minutes(t['wait_p90'])} phút; tỷ lệ chờ quá "
                   f"{figures['long_wait']} phút: {_share(t['long_wait_share'])}."),
        ("bullet", f"Thời gian phục vụ tại quầy: trung vị {_minutes(t['service_median'])} phút, P90 "
                   f"{_minutes(t['service_p90'])} phút."),
        ("table", headings, [row(r["label"], r) for r in figures["by_queue"]] + [row("Tổng cộng", t)]),
    ]


def add_queue_section(content: dict, date_from: datetime.date, date_to: datetime.date, agency_ids=None) -> dict:
    """Append the queue section to a periodic report's content (an annex after its last block)."""
    figures = queue_figures(date_from, date_to, agency_ids)
    content["blocks"] = [*content["blocks"], *queue_blocks(figures)]
    content["queue"] = figures
    return content
