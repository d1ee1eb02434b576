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
