"""Fixtures of the lists' tests: a county of three departments and its establishment office."""

from __future__ import annotations

import pytest


@pytest.fixture
def county(db):
    from community_brain.accounts.models import Membership, Organisation, User
    from community_brain.accounts.roles import OrganisationKind, Role

    def org(code, name, kind=OrganisationKind.GOVERNMENT_DEPARTMENT):
        return Organisation.objects.create(name=name, kind=kind, code=code)

    depts = {
        "market": org("market", "县市场监督管理局"),
        "env": org("env", "市生态环境局桓台分局"),
        "edu": org("edu", "县教育和体育局"),
    }
    office = org("office", "县委机构编制委员会办公室", OrganisationKind.ESTABLISHMENT_OFFICE)
    users = {}
    for key, organisation in (
        ("market", depts["market"]),
        ("edu", depts["edu"]),
        ("office", office),
    ):
        user = User.objects.create_user(username=f"u-{key}", password="x")
        Membership.objects.create(
            user=user, organisation=organisation, role=Role.DEPARTMENT_OFFICER
        )
        users[key] = user
    return {"depts": depts, "office": office, "users": users}
