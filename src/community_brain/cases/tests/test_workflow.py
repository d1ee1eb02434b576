"""A case's life: every transition, the timeline, illegal moves refused by name."""

import pytest
from django.core.exceptions import PermissionDenied

from community_brain.cases import services
from community_brain.cases.choices import Status
from community_brain.cases.models import Case
from community_brain.core.errors import IllegalTransition, InvalidInput
from community_brain.testing import report_case


def kinds(case):
    return list(case.events.values_list("kind", flat=True))


def test_staff_report_is_routed_to_the_property_company_and_dispatched(world, cats):
    case = report_case(world, cats, building="a1")
    assert case.code.startswith("TS-") and case.code.endswith("000001")
    assert case.organisation == world.orgs["prop_a"]
    assert case.status == Status.ASSIGNED
    assert case.grid == world.grids["a1"]
    assert case.respond_by and case.resolve_by and case.resolve_by > case.respond_by
    assert kinds(case) == ["reported", "assigned"]


def test_full_walk_to_a_satisfied_close(world, cats):
    case = report_case(world, cats, by="resident", source="resident_page")
    assert case.status == Status.REPORTED  # residents' reports wait for triage
    staff, prop = world.users["staff"], world.users["property"]
    services.accept(case, by=staff)
    services.assign(case, by=staff)
    services.start(case, by=prop, note="师傅已出发")
    services.resolve(case, by=prop, result="更换了楼道灯泡和声控开关")
    services.verify(case, by=staff, note="现场查看已亮")
    services.rate(case, by=world.users["resident"], rating="satisfied", comment="谢谢")
    case.refresh_from_db()
    assert case.status == Status.CLOSED
    assert case.resolution == "fixed" and case.resolved_on_time is True
    assert case.responded_on_time is True
    assert all(
        [
            case.accepted_at,
            case.assigned_at,
            case.started_at,
            case.resolved_at,
            case.verified_at,
            case.rated_at,
            case.closed_at,
        ]
    )
    assert kinds(case) == [
        "reported",
        "accepted",
        "assigned",
        "started",
        "resolved",
        "verified",
        "rated",
        "closed",
    ]


def test_an_illegal_move_names_the_current_state(world, cats):
    case = report_case(world, cats)
    with pytest.raises(IllegalTransition) as exc:
        services.verify(case, by=world.users["staff"])
    assert exc.value.current == "assigned"
    assert "assigned" in str(exc.value)


def test_unsatisfied_reopens_for_redo(world, cats):
    case = report_case(world, cats, by="resident", source="resident_page")
    staff, prop = world.users["staff"], world.users["property"]
    services.assign(case, by=staff)
    services.resolve(case, by=prop, result="已处理完毕")
    services.verify(case, by=staff)
    services.rate(case, by=world.users["resident"], rating="unsatisfied", comment="灯还是不亮")
    case.refresh_from_db()
    assert case.status == Status.ASSIGNED and case.reopen_count == 1
    assert case.rating == "unsatisfied" and case.resolved_at is None
    assert kinds(case)[-2:] == ["rated", "reopened"]


def test_two_bounces_flag_the_case_for_supervision(world, cats):
    case = report_case(world, cats, category="road", compound="b")
    staff = world.users["staff"]
    assert case.organisation == world.orgs["dept"]
    with pytest.raises(InvalidInput):
        services.return_case(case, by=world.users["officer"], reason="")
    services.return_case(case, by=world.users["officer"], reason="属于物业管理范围")
    case.refresh_from_db()
    assert case.status == Status.ACCEPTED and case.organisation is None
    services.assign(case, by=staff, organisation=world.orgs["prop_b"])
    services.transfer(case, by=staff, organisation=world.orgs["dept"], reason="市政道路")
    case.refresh_from_db()
    assert case.bounce_count == 2 and case.flagged
    assert "flagged" in kinds(case)


def test_reject_and_duplicate_need_reasons_and_end_the_case(world, cats):
    staff = world.users["staff"]
    first = report_case(world, cats, by="resident", source="resident_page")
    second = report_case(world, cats, by="resident", source="resident_page")
    third = report_case(world, cats, by="resident", source="resident_page")
    with pytest.raises(InvalidInput):
        services.reject(third, by=staff, reason=" ")
    services.reject(third, by=staff, reason="不属于社区职责范围")
    services.mark_duplicate(second, by=staff, of=first)
    second.refresh_from_db()
    assert second.status == Status.DUPLICATE and second.duplicate_of == first
    with pytest.raises(IllegalTransition):
        services.accept(second, by=staff)


def test_only_the_right_people_may_act(world, cats):
    case = report_case(world, cats)  # with prop_a
    with pytest.raises(PermissionDenied):
        services.start(case, by=world.users["officer"])  # another organisation
    services.start(case, by=world.users["property"])
    services.resolve(case, by=world.users["property"], result="已修好了")
    with pytest.raises(PermissionDenied):
        services.verify(case, by=world.users["property"])  # handlers do not check themselves
    services.verify(case, by=world.users["staff"])
    with pytest.raises(PermissionDenied):
        services.rate(case, by=world.users["grid"], rating="satisfied")  # not the reporter


def test_joint_handling_gives_co_handlers_the_case(world, cats):
    case = report_case(world, cats)
    services.add_co_handler(case, by=world.users["staff"], organisation=world.orgs["dept"])
    assert Case.objects.visible_to(world.users["officer"]).filter(pk=case.pk).exists()
    services.start(case, by=world.users["officer"])


def test_replaying_a_report_creates_one_case(world, cats):
    data = {
        "title": "井盖松动很危险",
        "category": cats["road"].pk,
        "compound": world.compounds["a"].pk,
    }
    first = services.report(
        by=world.users["staff"], data=data, source="staff", client_token="abc-123"
    )
    again = services.report(
        by=world.users["staff"], data=data, source="staff", client_token="abc-123"
    )
    assert first.pk == again.pk and Case.objects.count() == 1


def test_bad_reports_name_the_field(world, cats):
    with pytest.raises(InvalidInput) as exc:
        services.report(
            by=world.users["staff"], source="staff", data={"title": "坏", "category": 9999}
        )
    assert {"title", "category"} <= set(exc.value.field_errors)
    with pytest.raises(InvalidInput) as exc:
        services.report(
            by=world.users["staff"],
            source="staff",
            data={"title": "路面坑洼", "category": cats["road"].pk},
        )
    assert "address" in exc.value.field_errors


def test_a_dispatcher_may_not_return_a_case_or_ask_time_for_the_handler(world, cats):
    case = report_case(world, cats)  # dispatched to the property company
    staff = world.users["staff"]
    with pytest.raises(PermissionDenied):
        services.return_case(case, by=staff, reason="不属于物业职责")
    with pytest.raises(PermissionDenied):
        services.request_extension(case, by=staff, workdays=2, reason="等待配件")
    services.start(case, by=staff)  # recording work phoned in is fine


def test_a_reopened_case_is_rated_afresh(world, cats):
    case = report_case(world, cats)
    staff, handler = world.users["staff"], world.users["property"]
    case = services.resolve(case, by=handler, result="已更换楼道灯泡", resolution="fixed")
    case = services.verify(case, by=staff)
    case = services.rate(case, by=staff, rating="basically", on_behalf=True)
    assert case.status == Status.CLOSED and case.rating == "basically"
    case = services.reopen(case, by=staff, reason="回访发现仍有问题")
    assert case.rating == "" and case.rated_at is None


def test_a_module_that_knows_the_responsible_organisation_routes_there(world, cats):
    case = services.report(
        by=None,
        data={
            "title": "清单审核发现的问题",
            "category": cats["road"].pk,
            "compound": world.compounds["a"].pk,
        },
        source="list_audit",
        route_to=world.orgs["prop_b"],
    )
    assert case.organisation == world.orgs["prop_b"] and case.status == Status.ASSIGNED
    assert case.events.get(kind="reported").data["why"] == "given by the reporting module"


def test_the_sentence_naming_the_rule_follows_an_edit_of_the_rule(world, cats):
    from community_brain.cases import routing
    from community_brain.cases.models import RoutingRule

    organisation, why = routing.route(cats["road"], world.compounds["a"], None)
    rule = RoutingRule.objects.get(category=cats["road"])
    assert organisation == world.orgs["dept"] and why.startswith(f"rule #{rule.pk}: ")
    assert routing.route(cats["road"], world.compounds["a"], None)[1] == why  # remembered
    rule.organisation = world.orgs["committee"]
    rule.save()  # the snapshot reloads: a new rule object, a new sentence
    organisation, again = routing.route(cats["road"], world.compounds["a"], None)
    assert organisation == world.orgs["committee"] and again != why
    assert again == f"rule #{rule.pk}: {RoutingRule.objects.get(pk=rule.pk)}"
