"""Fixtures of the notify tests: a world with a rota, a fake robot server, helpers."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(*args) -> datetime:
    """A moment in Beijing time: at(2026, 10, 1, 2, 30)."""
    return datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def _english(settings):
    """Assertions read the English source texts, whatever the translation says."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def robot():
    from community_brain.notify.fake_robot import FakeRobot

    with FakeRobot() as server:
        yield server


@pytest.fixture
def sms_outbox():
    from community_brain.notify.channels.sms import LoggingSmsBackend

    LoggingSmsBackend.outbox.clear()
    yield LoggingSmsBackend.outbox
    LoggingSmsBackend.outbox.clear()


class Crew:
    """The property company ``prop_a`` of the test world with its on-call people: alice and
    bob (rostered), carol (holiday duty), and lee, the company's leader."""

    def __init__(self, world):
        from community_brain.accounts import services as account_services
        from community_brain.accounts.roles import Role
        from community_brain.testing import PASSWORD

        self.world = world
        self.org = world.orgs["prop_a"]
        self.admin = world.users["admin"]
        self.people = {}
        for i, (name, label, leader) in enumerate(
            (
                ("alice", "值班甲", False),
                ("bob", "值班乙", False),
                ("carol", "值班丙", False),
                ("lee", "李经理", True),
            ),
            start=1,
        ):
            user = account_services.create_user(
                by=None,
                username=name,
                password=PASSWORD,
                display_name=label,
                phone=f"1390000000{i}",
            )
            user.email = f"{name}@example.org"
            user.save(update_fields=["email"])
            account_services.add_membership(
                by=None,
                user=user,
                role=Role.PROPERTY_STAFF,
                organisation=self.org,
                is_leader=leader,
            )
            self.people[name] = user

    def __getattr__(self, name):
        try:
            return self.__dict__["people"][name]
        except KeyError:
            raise AttributeError(name) from None

    def shift(self, user, start: str, end: str, order: int = 1, compound=None):
        from community_brain.notify import services

        return services.add_shift(
            by=self.admin,
            data={
                "organisation": self.org.pk,
                "compound": compound.pk if compound else "",
                "user": user.pk,
                "starts_at": start,
                "ends_at": end,
                "order": order,
            },
        )


@pytest.fixture
def crew(world):
    return Crew(world)


@pytest.fixture
def live_crew(live_world):
    return Crew(live_world)
