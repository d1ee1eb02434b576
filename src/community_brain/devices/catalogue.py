"""The twelve device types a compound's monitoring uses, with their telemetry keys (unit and
plausible range), the events they send, and the default rules each comes with.

``services.ensure_catalogue()`` writes these as ``DeviceType`` and ``Rule`` rows (upserted by
code and name, so running it again changes nothing and never overwrites a rule someone has
edited). Names are Chinese: they are data, not interface strings.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from community_brain.devices.choices import Operator, Severity, Trigger


def key(label: str, unit: str, lo: float, hi: float) -> dict:
    return {"label": label, "unit": unit, "min": lo, "max": hi}


BATTERY = key("电量", "%", 0, 100)
COMMON_EVENTS = ["tamper", "low_battery", "fault"]


@dataclass(frozen=True)
class RuleSpec:
    """A default rule of a type: ``category`` is a case category code (may be absent)."""

    name: str
    trigger: str
    alarm_type: str
    severity: str
    key: str = ""
    operator: str = ""
    threshold: float | None = None
    clear_threshold: float | None = None
    hold_seconds: int = 0
    event_type: str = ""
    minutes: int | None = None
    active_from: str | None = None
    active_until: str | None = None
    category: str = ""
    notify_on_call: bool = True


@dataclass(frozen=True)
class TypeSpec:
    code: str
    abbr: str  # in device codes: WNJ-SMK-0101
    name: str
    keys: dict
    events: list[str]
    rules: list[RuleSpec] = field(default_factory=list)
    offline_after_minutes: int = 30


def offline_rule(type_name: str) -> RuleSpec:
    return RuleSpec(
        name=f"{type_name}离线30分钟",
        trigger=Trigger.OFFLINE,
        alarm_type="offline",
        severity=Severity.WARNING,
        minutes=30,
        notify_on_call=False,
    )


TYPES: list[TypeSpec] = [
    TypeSpec(
        "smoke_detector",
        "SMK",
        "烟感探测器",
        {"smoke": key("烟雾浓度", "dB/m", 0, 10), "temperature": key("温度", "℃", -20, 80)},
        ["smoke_alarm", *COMMON_EVENTS],
        [
            RuleSpec(
                "烟感报警",
                Trigger.EVENT,
                "smoke",
                Severity.CRITICAL,
                event_type="smoke_alarm",
                category="safety",
            )
        ],
    ),
    TypeSpec(
        "gas_detector",
        "GAS",
        "可燃气体探测器",
        {"gas": key("可燃气体浓度", "%LEL", 0, 100)},
        ["gas_alarm", *COMMON_EVENTS],
        [
            RuleSpec(
                "可燃气体浓度超标",
                Trigger.THRESHOLD,
                "gas_leak",
                Severity.CRITICAL,
                key="gas",
                operator=Operator.GT,
                threshold=25,
                clear_threshold=10,
                hold_seconds=10,
                category="safety-gas",
            )
        ],
    ),
    TypeSpec(
        "water_leak",
        "WLK",
        "水浸传感器",
        {},
        ["water_leak", *COMMON_EVENTS],
        [
            RuleSpec(
                "水浸报警",
                Trigger.EVENT,
                "water_leak",
                Severity.MAJOR,
                event_type="water_leak",
                category="facility-water",
            )
        ],
    ),
    TypeSpec(
        "fire_main_pressure",
        "FMP",
        "消防管网压力计",
        {"pressure": key("管网压力", "MPa", 0, 1.6)},
        ["fault"],
        [
            RuleSpec(
                "消防管网压力过低",
                Trigger.THRESHOLD,
                "pressure_low",
                Severity.MAJOR,
                key="pressure",
                operator=Operator.LT,
                threshold=0.15,
                clear_threshold=0.2,
                hold_seconds=60,
                category="safety",
            )
        ],
    ),
    TypeSpec(
        "water_level",
        "WLV",
        "水位计",
        {"level": key("水位", "cm", 0, 300)},
        ["fault"],
        [
            RuleSpec(
                "地库水位过高",
                Trigger.THRESHOLD,
                "water_level_high",
                Severity.MAJOR,
                key="level",
                operator=Operator.GT,
                threshold=30,
                clear_threshold=15,
                hold_seconds=30,
                category="facility",
            )
        ],
    ),
    TypeSpec(
        "manhole_cover",
        "MHC",
        "井盖倾角传感器",
        {"tilt": key("倾角", "°", 0, 90)},
        ["cover_open", *COMMON_EVENTS],
        [
            RuleSpec(
                "井盖倾斜",
                Trigger.THRESHOLD,
                "manhole_tilt",
                Severity.MAJOR,
                key="tilt",
                operator=Operator.GT,
                threshold=15,
                clear_threshold=5,
                category="safety-manhole",
            )
        ],
    ),
    TypeSpec(
        "fire_lane_camera",
        "FLC",
        "消防通道占用摄像机",
        {},
        ["lane_occupied", "fault"],
        [
            RuleSpec(
                "消防通道占用",
                Trigger.EVENT,
                "fire_lane_blocked",
                Severity.MINOR,
                event_type="lane_occupied",
                category="safety-firelane",
                notify_on_call=False,
            )
        ],
    ),
    TypeSpec(
        "lift_monitor",
        "LFT",
        "电梯运行监测",
        {"floor": key("所在楼层", "层", -3, 40), "speed": key("运行速度", "m/s", 0, 4)},
        ["lift_fault", "trapped", "fault"],
        [
            RuleSpec(
                "电梯故障",
                Trigger.EVENT,
                "lift_fault",
                Severity.MAJOR,
                event_type="lift_fault",
                category="facility-lift",
            ),
            RuleSpec(
                "电梯困人",
                Trigger.EVENT,
                "lift_trapped",
                Severity.CRITICAL,
                event_type="trapped",
                category="facility-lift",
            ),
        ],
    ),
    TypeSpec(
        "throw_camera",
        "HAT",
        "高空抛物摄像机",
        {},
        ["object_thrown", "fault"],
        [
            RuleSpec(
                "高空抛物",
                Trigger.EVENT,
                "high_altitude_throw",
                Severity.MAJOR,
                event_type="object_thrown",
                category="safety-throw",
            )
        ],
    ),
    TypeSpec(
        "ebike_detector",
        "EBK",
        "电动车入梯检测",
        {},
        ["ebike_in_lift", "fault"],
        [
            RuleSpec(
                "电动车进电梯",
                Trigger.EVENT,
                "ebike_in_lift",
                Severity.MAJOR,
                event_type="ebike_in_lift",
                category="safety-ebike",
            )
        ],
    ),
    TypeSpec(
        "door_sensor",
        "DOR",
        "门磁传感器",
        {"open": key("开关状态", "", 0, 1)},
        ["door_open", "door_closed", *COMMON_EVENTS],
        [
            RuleSpec(
                "夜间门被打开",
                Trigger.EVENT,
                "door_open_at_night",
                Severity.WARNING,
                event_type="door_open",
                active_from="22:00",
                active_until="06:00",
                notify_on_call=False,
            )
        ],
    ),
    TypeSpec(
        "elderly_activity",
        "OLD",
        "独居老人活动监测",
        {"motion": key("活动次数", "次", 0, 500)},
        ["fall", "sos", "motion", *COMMON_EVENTS],
        [
            RuleSpec(
                "老人12小时无活动",
                Trigger.INACTIVITY,
                "no_activity",
                Severity.MAJOR,
                minutes=12 * 60,
            ),
            RuleSpec("老人跌倒", Trigger.EVENT, "fall", Severity.CRITICAL, event_type="fall"),
            RuleSpec("老人紧急呼叫", Trigger.EVENT, "sos", Severity.CRITICAL, event_type="sos"),
        ],
        offline_after_minutes=60,
    ),
]

BY_CODE = {t.code: t for t in TYPES}


def with_battery(spec: TypeSpec) -> dict:
    """The telemetry keys of a type: its own plus battery, which every device reports."""
    return {**spec.keys, "battery": BATTERY}
