"""The office's list audits: completeness, the peer comparison, and the cases they open."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from community_brain.accounts.models import Organisation
from community_brain.accounts.roles import OrganisationKind
from community_brain.cases.choices import Source, Status
from community_brain.cases.models import Case
from community_brain.duties import audits, services
from community_brain.places.models import Community

RESP = [{"stage": "受理", "content": "依法受理申请", "basis": "《某法》第十条"}]
ACC = [{"situation": "不依法受理的", "basis": "《某法》第五十条"}]


@pytest.fixture(autouse=True)
def _in_english():
    """The findings' words are compared as written in the source (English)."""
    from django.utils import translation

    with translation.override("en"):
        yield


def item(dept, code, kind="XK", *, basis="《某法》第十条", resp=True, acc=True):
    return services.create_item(
        by=None,
        department=dept,
        fields={"code": code, "name": f"事项{code}", "type": kind, "basis": basis},
        responsibilities=RESP if resp else (),
        accountabilities=ACC if acc else (),
    )


@pytest.fixture
def community(db):
    return Community.objects.create(name="桓台县", code="HT", region_code="370321")


def test_completeness_lists_what_each_item_misses(county):
    market, edu = county["depts"]["market"], county["depts"]["edu"]
    item(market, "XK0001")  # complete
    item(market, "XK0002", resp=False)
    item(market, "XK0003", acc=False, basis="  \n")
    item(edu, "CF0001", "CF", resp=False, acc=False, basis="")
    gone = item(edu, "CF0002", "CF", resp=False)
    services.cancel_item(by=None, item=gone, reason="上位法已废止，事项取消。")

    assert audits.completeness() == [
        {
            "department_id": market.pk,
            "name": "县市场监督管理局",
            "items": [
                {"code": "XK0002", "name": "事项XK0002", "missing": ["no responsibility entry"]},
                {
                    "code": "XK0003",
                    "name": "事项XK0003",
                    "missing": ["no accountability case", "no legal basis"],
                },
            ],
        },
        {
            "department_id": edu.pk,
            "name": "县教育和体育局",
            "items": [
                {
                    "code": "CF0001",
                    "name": "事项CF0001",
                    "missing": [
                        "no responsibility entry",
                        "no accountability case",
                        "no legal basis",
                    ],
                }
            ],
        },
    ]


def test_the_peer_rule_flags_outliers_and_missing_types(county, client):
    depts = county["depts"]
    more = {
        code: Organisation.objects.create(
            code=code, name=name, kind=OrganisationKind.GOVERNMENT_DEPARTMENT
        )
        for code, name in (("water", "县水利局"), ("traffic", "县交通运输局"))
    }
    Organisation.objects.create(  # no list: not a peer
        code="archive", name="县档案馆", kind=OrganisationKind.GOVERNMENT_DEPARTMENT
    )
    lists = {
        depts["edu"]: ["XK"],  # 1: below half the median; no CF
        depts["market"]: ["CF", "CF", "XK", "JC"],
        depts["env"]: ["CF"] * 4,  # no XK
        more["water"]: ["CF"] * 3 + ["XK"] * 2,
        more["traffic"]: ["CF"] * 9,  # 9: above twice the median; no XK
    }
    n = 0
    for dept, kinds in lists.items():
        for kind in kinds:
            n += 1
            item(dept, f"{kind}{n:04d}", kind)
    item(county["office"], "QT9999", "QT")  # the office is not a government department

    peers = audits.peer_comparison()
    assert peers["enough"] and peers["median"] == 4
    rows = {r["name"]: r for r in peers["departments"]}
    assert set(rows) == {d.name for d in lists}
    flags = {name: r["flag"] for name, r in rows.items()}
    assert flags == {
        "县教育和体育局": "low",
        "县市场监督管理局": "",
        "市生态环境局桓台分局": "",
        "县水利局": "",
        "县交通运输局": "high",
    }
    missing = {name: [t for t, _label in r["missing_types"]] for name, r in rows.items()}
    assert missing == {
        "县教育和体育局": ["CF"],
        "县市场监督管理局": [],
        "市生态环境局桓台分局": ["XK"],
        "县水利局": [],
        "县交通运输局": ["XK"],
    }
    assert [t for t, _label in peers["common_types"]] == ["XK", "CF"]
    client.force_login(county["users"]["office"])
    page = client.get("/duties/audits/").content.decode()
    assert 'data-department="县交通运输局" data-flag="high"' in page


def test_too_few_peers_compare_nothing(county):
    item(county["depts"]["market"], "XK0001")
    item(county["depts"]["edu"], "XK0002")
    peers = audits.peer_comparison()
    assert not peers["enough"]
    assert all(r["flag"] == "" and not r["missing_types"] for r in peers["departments"])


def test_run_opens_one_case_per_department_routed_to_it_once_a_day(county, community):
    market, edu, env = (county["depts"][k] for k in ("market", "edu", "env"))
    item(market, "XK0001", resp=False)
    item(market, "XK0002", acc=False)
    item(edu, "XK0003")
    item(env, "XK0004")
    office = county["users"]["office"]

    run = audits.run_audits(by=office, day=date(2026, 3, 2))
    assert run.opened == 1 and len(run.cases) == 1
    case = Case.objects.get()
    assert case.organisation == market and case.status == Status.ASSIGNED
    assert case.source == Source.LIST_AUDIT
    assert case.external_ref == f"duties-audit:{market.pk}"
    assert case.category.code == "list-audit" and case.category.resolve_workdays == 10
    assert case.address == market.name
    lines = case.description.splitlines()
    assert len(lines) == 2 and lines[0].startswith("XK0001") and lines[1].startswith("XK0002")

    again = audits.run_audits(by=office, day=date(2026, 3, 2))
    assert again.opened == 0 and again.cases[0].pk == case.pk
    assert Case.objects.count() == 1
    audits.run_audits(by=office, day=date(2026, 3, 3))
    assert Case.objects.filter(organisation=market).count() == 2


def test_only_the_office_runs_audits(county, community):
    item(county["depts"]["market"], "XK0001", resp=False)
    with pytest.raises(PermissionDenied):
        audits.run_audits(by=county["users"]["market"])
    assert not Case.objects.exists()


def test_long_findings_are_cut_with_a_count():
    lines = [f"XK{n:04d} 某个事项的名称比较长：缺少责任事项。" for n in range(400)]
    text = audits.describe(lines)
    assert len(text) <= 3900 + 30
    kept = text.splitlines()
    assert kept[-1] == f"…and {400 - (len(kept) - 1)} more"


def test_the_audits_page(county, community, client):
    item(county["depts"]["market"], "XK0001", resp=False)
    client.force_login(county["users"]["market"])
    assert client.get("/duties/audits/").status_code == 403
    assert client.post("/duties/audits/run/").status_code == 403
    client.force_login(county["users"]["office"])
    page = client.get("/duties/audits/")
    assert page.status_code == 200 and "XK0001" in page.content.decode()
    done = client.post("/duties/audits/run/", follow=True)
    assert done.status_code == 200
    assert Case.objects.filter(organisation=county["depts"]["market"]).count() == 1
    assert "县市场监督管理局" in done.content.decode()
