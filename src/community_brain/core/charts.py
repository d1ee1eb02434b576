"""ECharts options built on the server and handed to the page with ``json_script``."""

from __future__ import annotations

RED = "#c8161d"


def bar(labels: list[str], values: list[int], *, color: str = RED) -> dict:
    return {
        "animation": False,
        "grid": {"left": 40, "right": 10, "top": 24, "bottom": 30},
        "tooltip": {"trigger": "axis"},
        "xAxis": {"type": "category", "data": labels},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [
            {
                "type": "bar",
                "data": values,
                "itemStyle": {"color": color},
                "label": {"show": True, "position": "top"},
            }
        ],
    }


PALETTE = ["#c8161d", "#1565c0", "#2e7d32", "#ed6c02", "#6a1b9a", "#00838f", "#8d6e63"]


def lines(
    labels: list[str],
    series: dict[str, list],
    *,
    percent: bool = False,
    bars: dict[str, list] | None = None,
) -> dict:
    """Trend lines (optionally over bars on a second axis)."""
    out = [
        {
            "type": "line",
            "name": name,
            "data": values,
            "smooth": True,
            "connectNulls": True,
            "itemStyle": {"color": PALETTE[i % len(PALETTE)]},
        }
        for i, (name, values) in enumerate(series.items())
    ]
    y_axes = [
        {
            "type": "value",
            "max": 100 if percent else None,
            "min": 0,
            "axisLabel": {"formatter": "{value}%" if percent else "{value}"},
        }
    ]
    if bars:
        y_axes.append({"type": "value", "minInterval": 1, "splitLine": {"show": False}})
        out += [
            {
                "type": "bar",
                "name": name,
                "data": values,
                "yAxisIndex": 1,
                "itemStyle": {"color": "#cfd8dc"},
                "barMaxWidth": 18,
            }
            for name, values in bars.items()
        ]
    return {
        "animation": False,
        "grid": {"left": 48, "right": 48 if bars else 16, "top": 36, "bottom": 30},
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "xAxis": {"type": "category", "data": labels},
        "yAxis": y_axes,
        "series": out,
    }


def pie(items: list[tuple[str, int]]) -> dict:
    return {
        "animation": False,
        "tooltip": {"trigger": "item", "formatter": "{b}: {c} ({d}%)"},
        "legend": {"bottom": 0},
        "color": PALETTE,
        "series": [
            {
                "type": "pie",
                "radius": ["35%", "65%"],
                "center": ["50%", "45%"],
                "data": [{"name": n, "value": v} for n, v in items],
                "label": {"formatter": "{b}\n{c}"},
            }
        ],
    }


def stacked_bars(labels: list[str], series: dict[str, list[int]], *, horizontal=False) -> dict:
    """Bars stacked per label, one colour per series (e.g. departments × item types)."""
    category = {"type": "category", "data": labels}
    if horizontal:  # every department's name, one per bar
        category["axisLabel"] = {"interval": 0}
    value = {"type": "value", "minInterval": 1}
    return {
        "animation": False,
        "grid": {"left": 150 if horizontal else 48, "right": 16, "top": 40, "bottom": 30},
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "legend": {"top": 0, "type": "scroll"},
        "color": PALETTE,
        "xAxis": value if horizontal else category,
        "yAxis": category if horizontal else value,
        "series": [
            {"type": "bar", "name": name, "stack": "all", "data": values, "barMaxWidth": 22}
            for name, values in series.items()
        ],
    }
