"""Delivery is claimed row by row: a worker killed mid-delivery loses no notice (another takes
it when the lease runs out), racing workers never send one notice twice, failures are
retried with exponential backoff and finally given up."""

import os
import subprocess
import sys
import threading
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.db import connection, connections
from django.db.models import F

from community_brain.notify import conf, delivery, services
from community_brain.notify.choices import State
from community_brain.notify.models import Notice, WebhookEndpoint
from community_brain.notify.tests.conftest import at

START = at(2026, 3, 10, 9, 0)


def _robot(crew, robot, token="k1"):
    return WebhookEndpoint.objects.create(
        organisation=crew.org, name="物业群", kind="wecom", url=robot.url("wecom", token)
    )


def _post(crew, n=1, prefix="alarm"):
    """Notices for the group robot only; their delivery tasks are not run (the worker does)."""
    out = []
    for i in range(n):
        out += services.notify(
            recipients=[],
            template="alarm.raised",
            payload={"place": f"{prefix}-{i}", "title": "烟感报警"},
            idempotency_key=f"{prefix}:{i}",
            organisation=crew.org,
            channels=["webhook"],
        )
    return out


def _texts(robot):
    return [r.body["markdown"]["content"] for r in robot.received]


def test_killed_before_sending_the_notice_is_taken_over_after_the_lease(crew, robot):
    _robot(crew, robot)
    with time_machine.travel(START, tick=False) as clock:
        (notice,) = _post(crew)
        assert delivery.claim(notice.pk, "worker-a")  # … and worker-a dies here
        assert delivery.sweep(worker="worker-b") == 0  # still worker-a's
        clock.shift(conf.lease() - timedelta(seconds=1))
        assert delivery.sweep(worker="worker-b") == 0
        assert robot.received == []
        clock.shift(timedelta(seconds=2))  # the lease ran out
        assert delivery.sweep(worker="worker-b") == 1
        notice.refresh_from_db()
        assert notice.state == State.DELIVERED and notice.claimed_by == "worker-b"
        assert notice.attempts == 2 and notice.delivered_at == START + conf.lease() + timedelta(
            seconds=1
        )
        # worker-a was only frozen, not dead: its late outcome is not recorded
        assert not delivery._delivered(notice, "worker-a")
        clock.shift(conf.lease() * 3)
        assert delivery.sweep(worker="worker-c") == 0
    assert len(robot.received) == 1


def test_killed_while_sending_loses_nothing(crew, robot, monkeypatch):
    _robot(crew, robot)

    class Killed(BaseException):
        """SIGKILL in the middle of the HTTP request."""

    with time_machine.travel(START, tick=False) as clock:
        (notice,) = _post(crew)
        with monkeypatch.context() as patch:
            patch.setattr(
                "community_brain.notify.channels.robots.post",
                lambda *a, **k: (_ for _ in ()).throw(Killed()),
            )
            with pytest.raises(Killed):
                delivery.deliver(notice.pk, worker="worker-a")
        notice.refresh_from_db()
        assert notice.state == State.SENDING and notice.claimed_by == "worker-a"
        clock.shift(conf.lease() + timedelta(seconds=1))
        assert delivery.sweep(worker="worker-a-restarted") == 1
        assert delivery.sweep(worker="worker-a-restarted") == 0
    assert len(robot.received) == 1
    notice.refresh_from_db()
    assert notice.state == State.DELIVERED


def test_killed_between_sending_and_recording_sends_again_but_records_once(
    crew, robot, monkeypatch
):
    """The one window no outbox can close (the robots take no idempotency key): the post
    arrived, the worker died before writing it down. It is sent again — at least once —
    and recorded once. The window is the time of one UPDATE."""
    _robot(crew, robot)
    with time_machine.travel(START, tick=False) as clock:
        (notice,) = _post(crew)
        with monkeypatch.context() as patch:
            patch.setattr(delivery, "_delivered", lambda *a: (_ for _ in ()).throw(SystemExit()))
            with pytest.raises(SystemExit):
                delivery.deliver(notice.pk, worker="worker-a")
        clock.shift(conf.lease() + timedelta(seconds=1))
        assert delivery.sweep(worker="worker-b") == 1
    assert len(robot.received) == 2
    assert Notice.objects.filter(state=State.DELIVERED).count() == 1


def test_two_workers_never_claim_the_same_notice(crew, robot):
    _robot(crew, robot)
    (notice,) = _post(crew)
    assert delivery.claim(notice.pk, "worker-a")
    assert not delivery.claim(notice.pk, "worker-b")
    assert delivery.deliver(notice.pk, worker="worker-b") is False
    assert robot.received == []


def test_a_notice_the_queue_lost_is_found_by_the_sweep(crew, robot):
    _robot(crew, robot)
    _post(crew, 3)  # the on-commit enqueue never ran (say, the queue was down)
    assert delivery.sweep() == 3
    assert Notice.objects.filter(state=State.DELIVERED).count() == 3


def test_failures_are_retried_with_exponential_backoff(crew, robot):
    _robot(crew, robot)
    robot.fail_next = 2
    with time_machine.travel(START, tick=False) as clock:
        (notice,) = _post(crew)
        assert delivery.sweep() == 0
        notice.refresh_from_db()
        assert notice.state == State.FAILED and "45009" in notice.last_error
        assert notice.next_attempt_at == START + timedelta(seconds=30)
        clock.shift(timedelta(seconds=29))
        assert delivery.sweep() == 0 and len(robot.received) == 1
        clock.shift(timedelta(seconds=1))
        assert delivery.sweep() == 0
        notice.refresh_from_db()
        assert notice.next_attempt_at == START + timedelta(seconds=30 + 60)
        clock.shift(timedelta(seconds=60))
        assert delivery.sweep() == 1
    notice.refresh_from_db()
    assert notice.state == State.DELIVERED and notice.attempts == 3 and notice.last_error == ""


def test_backoff_is_capped():
    assert [conf.retry_delay(n).total_seconds() for n in (1, 2, 3, 8, 20)] == [
        30,
        60,
        120,
        3600,
        3600,
    ]


def test_given_up_after_the_last_attempt_and_requeued_by_hand(crew, robot, settings):
    settings.NOTIFY_MAX_ATTEMPTS = 3
    _robot(crew, robot)
    robot.fail_next = 100
    with time_machine.travel(START, tick=False) as clock:
        (notice,) = _post(crew)
        for _attempt in range(5):
            delivery.sweep()
            clock.shift(timedelta(hours=1))
    notice.refresh_from_db()
    assert notice.state == State.DEAD and notice.attempts == 3 and len(robot.received) == 3
    robot.fail_next = 0
    with pytest.raises(PermissionDenied):
        services.requeue(by=crew.alice, notices=[notice])
    assert services.requeue(by=crew.admin, notices=[notice]) == 1
    assert delivery.sweep() == 1
    notice.refresh_from_db()
    assert notice.state == State.DELIVERED


def test_a_robot_switched_off_is_given_up_at_once(crew, robot):
    endpoint = _robot(crew, robot)
    (notice,) = _post(crew)
    endpoint.is_active = False
    endpoint.save()
    assert delivery.sweep() == 0
    notice.refresh_from_db()
    assert notice.state == State.DEAD and notice.attempts == 1 and robot.received == []


@pytest.mark.django_db(transaction=True)
def test_racing_workers_on_separate_connections_send_each_notice_once(live_crew, robot, settings):
    """Real concurrency: four workers (threads, each with its own database connection)
    sweep the same notices at the same moment."""
    if connection.vendor != "postgresql":
        pytest.skip("threads share SQLite's in-memory test database; the PostgreSQL run covers it")
    settings.TASKS = {  # queued, not run at once: the workers below take them
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["notify"]}
    }
    _robot(live_crew, robot)
    notices = _post(live_crew, 60, prefix="race")
    start = threading.Barrier(4)
    delivered: dict[str, int] = {}
    errors = []

    def worker(name):
        try:
            start.wait()
            delivered[name] = delivery.sweep(worker=name)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(f"w{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    assert sum(delivered.values()) == len(notices) == 60
    texts = _texts(robot)
    assert len(texts) == 60 and len(set(texts)) == 60  # each sent once
    assert Notice.objects.filter(state=State.DELIVERED, attempts=1).count() == 60


def _database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_killing_the_real_worker_process_mid_delivery(live_crew, robot, settings):
    """``brain worker`` as a real process, killed (SIGKILL) while its POST is in flight; a
    second ``brain worker`` takes the notice over once the lease has run out."""
    if connection.vendor != "postgresql":
        pytest.skip("the worker processes need a database server; the PostgreSQL run covers it")
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks_db.DatabaseBackend",
            "QUEUES": ["default", "imports", "notify"],
        }
    }
    _robot(live_crew, robot)
    release = robot.hold = threading.Event()
    (notice,) = _post(live_crew)
    env = {**os.environ, "DATABASE_URL": _database_url(), "LOG_LEVEL": "WARNING"}
    env.pop("TASK_BACKEND", None)
    brain = [sys.executable, "-c", "from community_brain.cli import main; main()", "worker"]
    first = subprocess.Popen([*brain, "--no-periodic", "--interval", "0.1"], env=env)
    try:
        assert robot.arrived.wait(60), "the worker never posted"
    finally:
        first.kill()
        first.wait(30)
    release.set()
    notice.refresh_from_db()
    assert notice.state == State.SENDING and f":{first.pid}:" in notice.claimed_by
    # … time passes beyond the lease (the frozen-clock tests above cover the timing)
    Notice.objects.filter(pk=notice.pk).update(
        claimed_at=F("claimed_at") - conf.lease() - timedelta(seconds=1)
    )
    subprocess.run([*brain, "--batch"], env=env, check=True, timeout=120)
    notice.refresh_from_db()
    assert notice.state == State.DELIVERED and notice.attempts == 2
    assert len(robot.accepted()) == 1  # the killed worker's request was never processed
