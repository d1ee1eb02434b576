"""ECharts options of the device pages (served locally, drawn by core/app.js)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from community_brain.core.charts import PALETTE


def online_by_type(counts: list[dict]) -> dict:
    """Stacked bars: devices online and offline per type (over the filtered compounds)."""
    by_type: dict[str, list[int]] = {}
    for row in counts:
        pair = by_type.setdefault(row["type__name"], [0, 0])
        pair[0] += row["online_n"]
        pair[1] += row["offline_n"]
    labels = list(by_type)
    return {
        "animation": False,
        "grid": {"left": 40, "right": 10, "top": 30, "bottom": 60},
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "xAxis": {"type": "category", "data": labels, "axisLabel": {"rotate": 30, "interval": 0}},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [
            {
                "type": "bar",
                "name": _("online"),
                "stack": "n",
                "data": [by_type[n][0] for n in labels],
                "itemStyle": {"color": "#2e7d32"},
            },
            {
                "type": "bar",
                "name": _("offline"),
                "stack": "n",
                "data": [by_type[n][1] for n in labels],
                "itemStyle": {"color": "#9e9e9e"},
            },
        ],
    }


def _ms(ts) -> int:
    """Beijing wall-clock time as if it were UTC: with ``useUTC`` the chart shows the times
    people in China read, whatever the viewing browser's time zone."""
    local = timezone.localtime(ts)
    return int((local.timestamp() + local.utcoffset().total_seconds()) * 1000)


def day_series(device, series: dict[str, list[tuple]]) -> list[dict]:
    """One chart per telemetry key: its values over the day, with the key's range shaded."""
    keys = device.type.keys or {}
    out = []
    for i, (key, points) in enumerate(sorted(series.items())):
        spec = keys.get(key, {})
        unit = spec.get("unit", "")
        option = {
            "useUTC": True,
            "animation": False,
            "grid": {"left": 48, "right": 16, "top": 30, "bottom": 30},
            "tooltip": {"trigger": "axis"},
            "title": {
                "text": f"{spec.get('label', key)}{f' ({unit})' if unit else ''}",
                "textStyle": {"fontSize": 13},
            },
            "xAxis": {"type": "time", "splitNumber": 4},
            "yAxis": {"type": "value", "scale": True},
            "series": [
                {
                    "type": "line",
                    "name": spec.get("label", key),
                    "showSymbol": False,
                    "data": [[_ms(ts), round(v, 3)] for ts, v in points],
                    "itemStyle": {"color": PALETTE[i % len(PALETTE)]},
                }
            ],
        }
        out.append({"key": key, "id": f"chart-{key}", "option": option, "n": len(points)})
    return out


def local(ts) -> str:
    return timezone.localtime(ts).strftime("%m-%d %H:%M") if ts else ""
