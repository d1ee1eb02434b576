"""Chart options for the case figures."""

from __future__ import annotations

from django.utils.translation import gettext as _

from community_brain.core import charts


def trend(months: list[dict]) -> dict:
    labels = [m["label"] for m in months]
    return charts.lines(
        labels,
        {
            _("response rate"): [m["response_rate"] for m in months],
            _("on-time rate"): [m["on_time_rate"] for m in months],
            _("resolution rate"): [m["resolution_rate"] for m in months],
            _("satisfaction rate"): [m["satisfaction_rate"] for m in months],
        },
        percent=True,
        bars={_("cases"): [m["total"] for m in months]},
    )


def pie(rows: list[dict]) -> dict:
    return charts.pie([(str(r["label"]), r["total"]) for r in rows])
