"""API: who am I, organisations."""

from __future__ import annotations

from ninja import Router, Schema
from ninja.pagination import paginate

from community_brain.accounts.models import Organisation
from community_brain.accounts.permissions import access_for
from community_brain.accounts.views import primary_role

router = Router(tags=["accounts"])


class MembershipOut(Schema):
    role: str
    organisation: str | None
    scope: str


class MeOut(Schema):
    id: int
    username: str
    name: str
    role: str
    memberships: list[MembershipOut]


class OrganisationOut(Schema):
    id: int
    name: str
    short_name: str
    kind: str
    code: str
    community_id: int | None
    phone: str


@router.get("/me", response=MeOut)
def me(request):
    user = request.user
    return {
        "id": user.pk,
        "username": user.username,
        "name": str(user),
        "role": primary_role(access_for(user)),
        "memberships": [
            {
                "role": m.role,
                "organisation": str(m.organisation) if m.organisation else None,
                "scope": m.scope_label,
            }
            for m in user.memberships.filter(is_active=True).select_related(
                "organisation", "community", "compound", "grid", "household"
            )
        ],
    }


@router.get("/organisations", response=list[OrganisationOut])
@paginate
def organisations(request, kind: str | None = None, q: str | None = None):
    qs = Organisation.objects.visible_to(request.user).filter(is_active=True)
    if kind:
        qs = qs.filter(kind=kind)
    if q:
        qs = qs.filter(name__contains=q)
    return qs.order_by("id")
