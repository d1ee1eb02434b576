"""Who may do what at the gates. Staff act by scope (``Kind.ACCESS``: community staff manage
gates, enrolment, credentials and settings; property staff keep the gate as guards). A
resident acts on the consent of the people of her own household: herself, and as guardian
her children."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from community_brain.accounts.permissions import CHANGE, ScopedQuerySet, ScopePaths, access_for
from community_brain.accounts.roles import Kind, Role
from community_brain.places.models import Compound

AccessCompounds = ScopedQuerySet.for_kind(
    Kind.ACCESS, ScopePaths(community="community_id", compound="id")
)


def compounds_for(user, action: str):
    """The compounds where the user may do ``action`` at the gates."""
    return AccessCompounds(model=Compound).restrict(user, action)


def may(user, action: str, compound) -> bool:
    compound_id = getattr(compound, "pk", compound)
    return compound_id is not None and compounds_for(user, action).filter(pk=compound_id).exists()


def require(user, action: str, compound) -> None:
    if not may(user, action, compound):
        raise PermissionDenied(_("You may not do this at this compound's gates."))


def own_household_ids(user) -> list[int]:
    """The households where the user is a resident (her own people)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_access_households", None)
    if cached is None:
        from community_brain.accounts.models import Membership

        cached = list(
            Membership.objects.filter(
                user=user, is_active=True, role=Role.RESIDENT, household__isnull=False
            ).values_list("household_id", flat=True)
        )
        user._access_households = cached
    return cached


def compound_of(resident):
    household = resident.household
    return household.building.compound if household is not None else None


def may_act_for(user, resident) -> bool:
    """Consent for ``resident``: her household's resident user, or staff managing her compound."""
    if resident.household_id and resident.household_id in own_household_ids(user):
        return True
    compound = compound_of(resident)
    return compound is not None and may(user, CHANGE, compound)


def require_act_for(user, resident) -> None:
    if not may_act_for(user, resident):
        raise PermissionDenied(_("You may not act for this resident."))


def is_staff_somewhere(user) -> bool:
    return access_for(user).allows(Kind.ACCESS, "view")
