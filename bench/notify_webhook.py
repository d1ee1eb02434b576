"""BENCH notify_webhook: notices delivered through the worker to a local webhook receiver.

``notify()`` queues N notices for a signed DingTalk group robot (a local stand-in that
checks every signature); ``brain worker --batch`` then takes each task from the durable
queue and delivers its notice: claim, render, sign, POST, record. Baseline: the same number
of bare httpx posts of the same JSON to the same receiver, one client, no database."""

from __future__ import annotations

import socket
import time

import httpx
from django.core.management import call_command

N = 2000


def _baseline(robot, url: str, body: dict) -> float:
    started = time.perf_counter()
    transport = httpx.HTTPTransport(socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)])
    with httpx.Client(timeout=10, transport=transport) as client:
        for _ in range(N):
            client.post(url, json=body).raise_for_status()
    elapsed = time.perf_counter() - started
    robot.clear()
    return N / elapsed


def run() -> None:
    from community_brain.accounts.models import Organisation
    from community_brain.accounts.roles import OrganisationKind
    from community_brain.notify import services
    from community_brain.notify.channels.base import Message
    from community_brain.notify.channels.robots import dingtalk_request
    from community_brain.notify.fake_robot import FakeRobot
    from community_brain.notify.models import Notice, WebhookEndpoint

    with FakeRobot() as robot:
        robot.secrets["bench"] = "SECbench"
        organisation, _ = Organisation.objects.get_or_create(
            code="bench-robots",
            defaults={"name": "基准测试物业", "kind": OrganisationKind.PROPERTY_COMPANY},
        )
        WebhookEndpoint.objects.filter(organisation=organisation).delete()
        WebhookEndpoint.objects.create(
            organisation=organisation,
            name="值班群",
            kind="dingtalk",
            url=robot.url("dingtalk", "bench"),
            secret="SECbench",
        )
        message = Message(title="Alarm at 3号楼: 烟感报警", body="2单元5层", url="http://x/")
        url, body = dingtalk_request(robot.url("dingtalk", "bench"), "", message, time.time())
        baseline = _baseline(robot, url, body)

        for i in range(N):
            services.notify(
                recipients=[],
                template="alarm.raised",
                payload={"place": f"{i % 40 + 1}号楼", "title": "烟感报警", "detail": "2单元5层"},
                idempotency_key=f"bench:{time.time_ns()}:{i}",
                organisation=organisation,
                channels=["webhook"],
            )
        started = time.perf_counter()
        call_command("worker", batch=True, no_periodic=True, queue="notify", verbosity=0)
        elapsed = time.perf_counter() - started
        accepted = len(robot.accepted())
        delivered = Notice.objects.filter(
            endpoint__organisation=organisation, state="delivered"
        ).count()
        assert accepted == N and delivered >= N, (accepted, delivered)

    rate = N / elapsed
    print(f"BENCH notify_webhook {rate:.0f} notices/s ratio={rate / baseline:.2f}", flush=True)
    print(f"BENCH notify_webhook_baseline {baseline:.0f} posts/s", flush=True)
