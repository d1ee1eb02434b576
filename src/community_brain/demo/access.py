"""Seed the demo's gates: two entrances per compound, each with a face camera and a card/QR
reader; privacy settings with an impact-assessment record; a few residents who consented to
face recognition (no templates: the demo ships no faces — enrolment from real photographs
happens only in tests); IC cards for many residents; a month of card, QR and guard passages;
and two stranger groups. Every seeded passage is marked ``seeded`` (seeded demo data): there
are no seeded face matches, and the stranger sightings carry no face data at all.

Deterministic (a fixed random seed) and idempotent: a compound that has gates is skipped."""

from __future__ import annotations

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from community_brain.access import strangers
from community_brain.access.choices import CredentialKind, Decision, EventSource, Purpose
from community_brain.access.models import AccessEvent, Consent, Gate, StrangerGroup
from community_brain.access.services import credentials, gates, privacy
from community_brain.access.services.consent import CHILD_UNDER, age_of
from community_brain.accounts.models import User
from community_brain.places.models import Compound, Resident

SEED = 20269
GATES = [("south", "南门", "both"), ("north", "北门", "in")]
CARDS_PER_COMPOUND = 60
CONSENTING = 5
DAYS = 30
PIA = (
    "评估对象：小区出入口人脸识别门禁。\n"
    "处理目的：业主自愿选择的刷脸通行；不作其他用途。\n"
    "必要性：刷脸为可选方式，IC卡、密码、二维码与人工放行同等便利。\n"
    "风险与措施：人脸模板加密存储并优先保存在门禁设备本地；抓拍照片保存7天，通行记录保存90天，"
    "到期自动删除；每次读取生物识别信息均记入审计日志；撤回同意即删除模板。\n"
    "结论：在上述措施下风险可控。下次评估：处理目的变化或发生安全事件时。"
)


def seed(compound_codes=("HXS", "WNJ")) -> int:
    """Seed the gates of the compounds; the number of access events made."""
    admin = User.objects.filter(is_superuser=True).order_by("pk").first()
    made = 0
    for code in compound_codes:
        compound = Compound.objects.filter(code=code).first()
        if compound is None or Gate.objects.filter(compound=compound).exists():
            continue
        made += _seed_compound(compound, admin, random.Random(f"{SEED}-{code}"))
    return made


@transaction.atomic
def _seed_compound(compound: Compound, admin, rng: random.Random) -> int:
    site = []
    for slug, name, direction in GATES:
        gate = gates.create_gate(
            compound,
            by=admin,
            data={"code": f"{compound.code.lower()}-{slug}", "name": name, "direction": direction},
        )
        camera, _ = gates.add_device(
            gate, by=admin, kind="camera", code=f"{compound.code}-GATE-{slug.upper()}-CAM"
        )
        reader, _ = gates.add_device(
            gate, by=admin, kind="reader", code=f"{compound.code}-GATE-{slug.upper()}-RD"
        )
        site.append((gate, camera, reader))
    privacy.update_settings(
        compound,
        by=admin,
        data={
            "processor": "",
            "notice_text": "",
            "snapshot_retention_days": 7,
            "event_retention_days": 90,
            "threshold": 0.6,
            "stranger_distance": 0.5,
            "stranger_sightings": 3,
            "night_from": "23:00",
            "night_until": "05:00",
            "pia_text": PIA,
            "pia_date": (timezone.localdate() - timedelta(days=45)).isoformat(),
        },
    )
    residents = list(
        Resident.objects.filter(household__building__compound=compound, status="active").order_by(
            "id"
        )[: CARDS_PER_COMPOUND * 3]
    )
    holders = rng.sample(residents, min(CARDS_PER_COMPOUND, len(residents)))
    cards = {}
    for n, resident in enumerate(holders):
        number = f"{rng.getrandbits(32):08X}"
        cards[resident.pk] = credentials.issue_card(resident, number, by=admin)
        if n % 10 == 0:
            credentials.issue_qr(resident, by=admin, hours=24 * 90)
    _consents(compound, admin, residents)
    made = _passages(site, list(cards.items()), rng)
    made += _strangers(compound, site, rng)
    return made


def _consents(compound, admin, residents) -> None:
    """A few adults consent (with the notice as shown); none is enrolled in the demo."""
    from community_brain.access.services.consent import give_consent

    ps = privacy.settings_for(compound)
    text = privacy.notice_text(ps)
    adults = [r for r in residents if (age_of(r) or 0) >= CHILD_UNDER]
    demo_user_household = (
        User.objects.filter(username="resident", memberships__household__isnull=False)
        .values_list("memberships__household_id", flat=True)
        .first()
    )
    chosen = [r for r in adults if r.household_id == demo_user_household][:1]
    chosen += [r for r in adults if r not in chosen][: CONSENTING - len(chosen)]
    for resident in chosen:
        if not Consent.objects.filter(resident=resident, purpose=Purpose.FACE_ACCESS).exists():
            give_consent(
                resident,
                by=admin,
                notice_version=ps.notice_version,
                notice_hash=privacy.notice_hash(text),
            )


def _passages(site, cards, rng: random.Random) -> int:
    """A month of card, QR and guard passages, in bulk, all marked seeded demo data."""
    today = timezone.localtime().replace(minute=0, second=0, microsecond=0)
    rows = []
    for day in range(DAYS, 0, -1):
        for _n in range(rng.randint(25, 45)):
            gate, _camera, reader = rng.choice(site)
            hour = rng.choice([6, 7, 7, 8, 8, 9, 11, 12, 13, 17, 18, 18, 19, 20, 21, 22])
            at = (
                today
                - timedelta(days=day)
                + timedelta(hours=hour - today.hour, minutes=rng.randint(0, 59))
            )
            resident_id, credential = rng.choice(cards)
            direction = gate.direction if gate.direction != "both" else rng.choice(["in", "out"])
            if rng.random() < 0.05:
                rows.append(
                    AccessEvent(
                        gate=gate,
                        at=at,
                        direction=direction,
                        kind=CredentialKind.MANUAL,
                        decision=Decision.GRANTED,
                        reason="忘带门禁卡",
                        source=EventSource.SEEDED,
                    )
                )
                continue
            denied = rng.random() < 0.02
            rows.append(
                AccessEvent(
                    gate=gate,
                    device=reader,
                    at=at,
                    direction=direction,
                    kind=CredentialKind.CARD,
                    credential=None if denied else credential,
                    resident_id=None if denied else resident_id,
                    decision=Decision.DENIED if denied else Decision.GRANTED,
                    reason="unknown credential" if denied else "",
                    source=EventSource.SEEDED,
                )
            )
    AccessEvent.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def _strangers(compound, site, rng: random.Random) -> int:
    """Two stranger groups from seeded sightings without face data; the one seen at night
    at both gates has alerted (alarm and case through the gate-alert path)."""
    now = timezone.now()
    made = 0
    for n, (count, night) in enumerate(((4, True), (2, False))):
        first = now - timedelta(days=3 - n)
        group = StrangerGroup.objects.create(
            compound=compound, sightings=count, first_seen=first, last_seen=first
        )
        event = None
        for k in range(count):
            gate, camera, _reader = site[k % len(site)] if night else site[0]
            at = first + timedelta(hours=k * 5)
            if night and k == 0:
                at = timezone.localtime(first).replace(hour=23, minute=40)
            event = AccessEvent.objects.create(
                gate=gate,
                device=camera,
                at=at,
                direction="in",
                kind=CredentialKind.FACE,
                decision=Decision.UNKNOWN,
                reason="seeded demo data",
                source=EventSource.SEEDED,
                stranger=group,
            )
            group.last_seen = max(group.last_seen, at)
            made += 1
        group.save(update_fields=["last_seen"])
        if night:
            strangers.alert(group, event, ["night", "gates"])
    return made
