"""Seed community life: the rooms of the source (the 160 m² 牵手屋 with its elders' and
children's sides, the yoga room, the table-tennis room) with their opening hours and the
last eight weeks' bookings and the next fortnight's; a year of activities (lectures, free
clinics, health talks, the neighbours' festival, volunteer service) with sign-ups,
check-ins and a waiting list; volunteers with their service hours.

Made through the real services at their historical moments (``core.clock.at``);
deterministic; idempotent: nothing is made when the community has rooms already.
"""

from __future__ import annotations

import io
import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile

from community_brain.accounts.models import User
from community_brain.activities import events, rooms, volunteers
from community_brain.activities.models import OpeningHours, Room, Volunteer
from community_brain.core import clock
from community_brain.core.errors import InvalidInput
from community_brain.demo.history import TODAY
from community_brain.places.models import Community, Resident

SH = ZoneInfo("Asia/Shanghai")
SEED = 160
ROOMS = [  # code, name, m², capacity, description, opening (weekday range, times)
    ("qsw-elders", "牵手屋·长者区", 90, 30, "象棋、扑克、麻将、台球", (range(7), "08:30", "20:30")),
    ("qsw-children", "牵手屋·儿童区", 70, 25, "儿童游乐场", (range(7), "09:00", "19:00")),
    ("yoga", "瑜伽室", 60, 15, "瑜伽垫、音响", (range(7), "07:00", "21:00")),
    ("table-tennis", "乒乓球室", 50, 8, "两张球台", (range(7), "08:00", "21:30")),
]
ACTIVITIES = [  # kind, title, room or address, capacity, hours
    ("lecture", "民法典进社区讲座", "qsw-elders", 30, 2),
    ("clinic", "社区义诊：量血压、测血糖", "社区卫生室门前", 80, 3),
    ("health_talk", "健康讲座：高血压的防治", "qsw-elders", 30, 1.5),
    ("lecture", "防范电信诈骗讲座", "qsw-elders", 30, 1.5),
    ("volunteering", "志愿服务：楼道清理", "各小区楼道", 20, 2),
    ("health_talk", "中医养生讲座", "qsw-elders", 30, 2),
    ("clinic", "口腔义诊", "社区卫生室门前", 60, 3),
    ("lecture", "垃圾分类知识讲座", "qsw-children", 25, 1),
]
ROOM_CODES = {r[0] for r in ROOMS}
FESTIVALS = {5: ("festival", "千乘社区邻居节", "社区文化广场", 300, 4)}
VOLUNTEER_SKILLS = ["理发", "量血压", "维修家电", "书法", "心理疏导", "摄影", "清洁", "讲解政策"]


def at(day: date, hhmm: str) -> datetime:
    h, m = (int(x) for x in hhmm.split(":"))
    return datetime.combine(day, time(h, m), tzinfo=SH)


def seed() -> dict:
    community = Community.objects.filter(code="QC").first() or Community.objects.first()
    if community is None or Room.objects.filter(community=community).exists():
        return {}
    rng = random.Random(SEED)
    staff = User.objects.get(username="staff")
    made = {"rooms": 0, "bookings": 0, "activities": 0, "sign-ups": 0, "volunteers": 0}
    the_rooms = _rooms(community, made)
    _bookings(rng, staff, the_rooms, made)
    people = list(
        Resident.objects.filter(community=community, status="active", birth_date__isnull=False)
        .exclude(phone="")
        .order_by("id")[:600]
    )
    helpers = _volunteers(rng, staff, community, people, made)
    _activities(rng, staff, community, people, helpers, made)
    return made


def _rooms(community, made) -> dict[str, Room]:
    out = {}
    for code, name, area, capacity, description, (days, opens, closes) in ROOMS:
        room = Room.objects.create(
            community=community,
            code=code,
            name=name,
            area_m2=area,
            capacity=capacity,
            description=description,
        )
        for weekday in days:
            OpeningHours.objects.create(
                room=room,
                weekday=weekday,
                opens=time.fromisoformat(opens),
                closes=time.fromisoformat(closes),
            )
        out[code] = room
        made["rooms"] += 1
    return out


PURPOSES = {
    "qsw-elders": ["象棋比赛", "老年人打扑克", "台球友谊赛", "书法练习"],
    "qsw-children": ["亲子游戏", "儿童绘本共读", "少儿手工课"],
    "yoga": ["瑜伽晨练", "广场舞排练", "太极拳"],
    "table-tennis": ["乒乓球练习", "乒乓球友谊赛"],
}


def _bookings(rng, staff, the_rooms, made) -> None:
    resident = User.objects.filter(username="resident").first() or staff
    today = clock.today()
    start = today - timedelta(weeks=8)
    for offset in range((today + timedelta(days=14) - start).days):
        day = start + timedelta(days=offset)
        for code, room in the_rooms.items():
            for _ in range(rng.choice([0, 1, 1, 2, 3])):
                hour = rng.choice([8, 9, 10, 14, 15, 16, 18, 19])
                length = rng.choice([1, 1.5, 2, 2])
                ends = hour + length
                data = {
                    "day": day.isoformat(),
                    "starts": f"{hour:02d}:00",
                    "ends": f"{int(ends):02d}:{int(ends % 1 * 60):02d}",
                    "purpose": rng.choice(PURPOSES[code]),
                    "people": rng.randint(2, room.capacity),
                }
                who = resident if rng.random() < 0.3 else staff
                with clock.at(at(day, "07:00") - timedelta(days=rng.randint(1, 6))):
                    try:
                        rooms.book(by=who, room=room, data=data)
                        made["bookings"] += 1
                    except InvalidInput:
                        pass  # taken or closed: people pick another time


def _volunteers(rng, staff, community, people, made) -> list[Volunteer]:
    helpers = []
    with clock.at(at(TODAY - timedelta(days=365), "09:00")):
        for person in rng.sample(people, 14):
            helpers.append(
                volunteers.register(
                    by=staff,
                    community=community,
                    resident=person,
                    data={
                        "name": person.name,
                        "phone": person.phone,
                        "skills": "、".join(rng.sample(VOLUNTEER_SKILLS, 2)),
                    },
                )
            )
            made["volunteers"] += 1
    return helpers


def _photo(rng) -> SimpleUploadedFile:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (960, 540), (200, 40 + rng.randint(0, 60), 40))
    draw = ImageDraw.Draw(image)
    for _ in range(30):
        x, y = rng.randint(0, 900), rng.randint(0, 480)
        draw.ellipse((x, y, x + 60, y + 60), fill=(250, 220, rng.randint(0, 120)))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return SimpleUploadedFile("photo.jpg", out.getvalue(), content_type="image/jpeg")


def _activity_days() -> list[date]:
    """Two a fortnight over the past year, and the coming fortnight's."""
    first = TODAY - timedelta(days=360)
    days, day = [], first
    while day <= clock.today() + timedelta(days=14):
        days += [day + timedelta(days=2), day + timedelta(days=9)]
        day += timedelta(days=14)
    return days


def _activities(rng, staff, community, people, helpers, made) -> None:
    resident = User.objects.filter(username="resident").first()
    festival_done = set()
    for day in _activity_days():
        spec = ACTIVITIES[rng.randrange(len(ACTIVITIES))]
        if day.month in FESTIVALS and day.month not in festival_done and day.day > 10:
            spec = FESTIVALS[day.month]
            festival_done.add(day.month)
        kind, title, where, capacity, hours = spec
        begins = at(day, rng.choice(["09:00", "14:30", "15:00"]))
        data = {
            "kind": kind,
            "title": title,
            "description": "欢迎居民朋友踊跃参加。",
            "starts_at": begins.strftime("%Y-%m-%d %H:%M"),
            "ends_at": (begins + timedelta(hours=hours)).strftime("%Y-%m-%d %H:%M"),
            "capacity": capacity,
            "room": where if where in ROOM_CODES else "",
            "address": "" if where in ROOM_CODES else where,
        }
        with clock.at(begins - timedelta(days=10)):
            activity = events.create(by=staff, community=community, data=data)
            made["activities"] += 1
        upcoming = begins > clock.now()
        wanted = capacity + 3 if upcoming and rng.random() < 0.3 else int(capacity * 0.8)
        crowd = rng.sample(people, min(wanted, len(people)))
        with clock.at(begins - timedelta(days=rng.randint(2, 8))):
            if resident is not None and (upcoming or rng.random() < 0.4):
                events.sign_up(by=resident, activity=activity)
                made["sign-ups"] += 1
            for person in crowd:
                try:
                    events.sign_up(by=staff, activity=activity, resident=person)
                    made["sign-ups"] += 1
                except InvalidInput:
                    pass
        if upcoming:
            continue
        with clock.at(begins - timedelta(minutes=10)):
            for signup in activity.signups.filter(status="confirmed"):
                if rng.random() < 0.85:
                    events.check_in(by=staff, signup=signup)
        with clock.at(begins + timedelta(hours=hours)):
            if kind in ("festival", "clinic", "volunteering"):
                events.add_photo(by=staff, activity=activity, upload=_photo(rng))
            for helper in rng.sample(helpers, rng.randint(2, 4)):
                volunteers.record_service(
                    by=staff,
                    volunteer=helper,
                    activity=activity,
                    data={
                        "served_on": day.isoformat(),
                        "hours": str(hours + rng.choice([0.5, 1, 1.5])),
                        "description": rng.choice(["签到引导", "维持秩序", "布置场地", "拍照记录"]),
                    },
                )
