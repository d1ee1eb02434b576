"""Roles, organisation kinds, and what each role may do to each kind of data."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SYSTEM_ADMIN = "system_admin", _("system administrator")
    COMMUNITY_STAFF = "community_staff", _("community staff")
    GRID_WORKER = "grid_worker", _("grid worker")
    DEPARTMENT_OFFICER = "department_officer", _("department officer")
    PROPERTY_STAFF = "property_staff", _("property-company staff")
    CONTRACTOR = "contractor", _("contractor")
    INSPECTOR = "inspector", _("inspector")
    RESIDENT = "resident", _("resident")


class OrganisationKind(models.TextChoices):
    COMMUNITY_COMMITTEE = "community_committee", _("community committee (社区居委会)")
    STREET_OFFICE = "street_office", _("sub-district office (街道办事处)")
    GOVERNMENT_DEPARTMENT = "government_department", _("government department")
    PROPERTY_COMPANY = "property_company", _("property company (物业公司)")
    DEVELOPER = "developer", _("developer (置业公司)")
    CONTRACTOR = "contractor", _("contractor (施工单位)")
    SUPERVISION_OFFICE = "supervision_office", _("supervision office (监理/总监办)")
    HIGHWAY_CENTRE = "highway_centre", _("highway service centre")
    ESTABLISHMENT_OFFICE = "establishment_office", _("establishment office (编办)")
    JUSTICE_BUREAU = "justice_bureau", _("justice bureau (司法局)")
    OTHER = "other", _("other")


class Level(models.TextChoices):
    """How far a membership reaches."""

    ORGANISATION = "organisation", _("what the organisation serves")
    COMMUNITY = "community", _("community")
    COMPOUND = "compound", _("compound")
    GRID = "grid", _("grid")
    HOUSEHOLD = "household", _("household")


class Kind:
    """Kinds of data with their own permission rules."""

    PERSONAL = "personal"  # residents, households
    PLACES = "places"  # communities, compounds, buildings, grids, shops
    ORGANISATIONS = "organisations"
    CASES = "cases"  # the case ledger
    DEVICES = "devices"  # devices, telemetry, rules, alarms
    ACCESS = "access"  # gates, access events, consent ledger, credentials, face templates


VIEW, CHANGE, IMPORT, EXPORT = "view", "change", "import", "export"
# Case ledger actions: report a problem; dispatch (accept, assign, transfer, verify, close,
# reject, approve extensions); handle (start, resolve, return, pause, ask for more time).
REPORT, DISPATCH, HANDLE = "report", "dispatch", "handle"
# Gates: keep the gate (a guard: open by hand, register visitors, issue their passes).
GUARD = "guard"

# What each role may do with each kind of data, within the scope of its membership.
ROLE_ACTIONS: dict[str, dict[str, frozenset[str]]] = {
    Role.COMMUNITY_STAFF: {
        Kind.PERSONAL: frozenset({VIEW, CHANGE, IMPORT, EXPORT}),
        Kind.PLACES: frozenset({VIEW, CHANGE, IMPORT, EXPORT}),
        Kind.ORGANISATIONS: frozenset({VIEW}),
        Kind.CASES: frozenset({VIEW, REPORT, DISPATCH, HANDLE, EXPORT}),
        Kind.DEVICES: frozenset({VIEW, CHANGE, EXPORT}),
        Kind.ACCESS: frozenset({VIEW, GUARD, CHANGE}),
    },
    Role.GRID_WORKER: {
        Kind.PERSONAL: frozenset({VIEW, CHANGE}),
        Kind.PLACES: frozenset({VIEW}),
        Kind.ORGANISATIONS: frozenset({VIEW}),
        Kind.CASES: frozenset({VIEW, REPORT}),
        Kind.DEVICES: frozenset({VIEW}),
    },
    Role.PROPERTY_STAFF: {
        Kind.PERSONAL: frozenset({VIEW}),
        Kind.PLACES: frozenset({VIEW}),
        Kind.ORGANISATIONS: frozenset({VIEW}),
        Kind.CASES: frozenset({VIEW, HANDLE, EXPORT}),
        Kind.DEVICES: frozenset({VIEW, CHANGE}),
        Kind.ACCESS: frozenset({VIEW, GUARD}),  # the gate's guards work for the property
    },
    Role.DEPARTMENT_OFFICER: {
        Kind.PLACES: frozenset({VIEW}),
        Kind.ORGANISATIONS: frozenset({VIEW}),
        Kind.CASES: frozenset({VIEW, HANDLE, EXPORT}),
        Kind.DEVICES: frozenset({VIEW}),  # e.g. the urban-management office's manhole covers
    },
    Role.INSPECTOR: {
        Kind.ORGANISATIONS: frozenset({VIEW}),
        Kind.CASES: frozenset({VIEW, REPORT, DISPATCH}),
    },
    Role.CONTRACTOR: {
        Kind.ORGANISATIONS: frozenset({VIEW}),
        Kind.CASES: frozenset({VIEW, HANDLE}),
    },
    Role.RESIDENT: {
        Kind.PERSONAL: frozenset({VIEW}),
        Kind.PLACES: frozenset({VIEW}),
        Kind.CASES: frozenset({VIEW, REPORT}),
    },
}


def role_allows(role: str, kind: str, action: str) -> bool:
    return action in ROLE_ACTIONS.get(role, {}).get(kind, frozenset())
