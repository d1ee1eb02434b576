"""Permissions live in querysets: ``Model.objects.restrict(user, action)``.

A user's memberships become *grants* (role + level + the object the level names). A model
declares where its rows sit (``ScopePaths``: the lookup to its community, compound, grid,
household); ``restrict`` ORs together the grants whose role allows the action on the model's
kind of data. A grant at a level the model cannot see directly (a grid worker looking at
compounds) falls back to the compounds, then the communities, that the grant reaches.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q

from community_brain.accounts.roles import (  # re-exported for models
    CHANGE,
    EXPORT,
    IMPORT,
    VIEW,
    Kind,
    Level,
    Role,
    role_allows,
)

__all__ = [
    "CHANGE",
    "EXPORT",
    "IMPORT",
    "VIEW",
    "Access",
    "Kind",
    "ScopePaths",
    "ScopedQuerySet",
    "access_for",
    "can",
    "require",
]


class ScopePaths(NamedTuple):
    community: str | None = None
    compound: str | None = None
    grid: str | None = None
    household: str | None = None
    # Where a row names the organisations responsible for it (cases): an organisation-wide
    # membership then reaches the rows given to the organisation, not every row of its places.
    organisation: tuple[str, ...] = ()


@dataclass(frozen=True)
class Grant:
    role: str
    level: str
    object_id: int | None
    compound_ids: frozenset[int]
    community_ids: frozenset[int]
    organisation_id: int | None = None


@dataclass(frozen=True)
class Access:
    user_id: int | None
    is_admin: bool
    grants: tuple[Grant, ...]

    @property
    def roles(self) -> frozenset[str]:
        roles = {g.role for g in self.grants}
        if self.is_admin:
            roles.add(Role.SYSTEM_ADMIN)
        return frozenset(roles)

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles & set(roles))

    def allows(self, kind: str, action: str) -> bool:
        """Whether any grant allows the action on this kind of data, somewhere."""
        return self.is_admin or any(role_allows(g.role, kind, action) for g in self.grants)

    @property
    def organisation_ids(self) -> frozenset[int]:
        return frozenset(g.organisation_id for g in self.grants if g.organisation_id)


ANONYMOUS = Access(user_id=None, is_admin=False, grants=())


# Grants are also kept per process for a few seconds, so a busy API client does not pay
# five queries a request for them. A change to memberships, organisations or places in this
# process forgets them at once (``forget_all_access``, wired in accounts.apps); other
# processes notice within ``ACCESS_CACHE_SECONDS``. Keyed with date_joined as well as the
# primary key, so a reused key never inherits another account's grants.
_shared: dict[tuple, tuple[float, Access]] = {}
_shared_lock = threading.Lock()


def _ttl() -> float:
    return float(getattr(settings, "ACCESS_CACHE_SECONDS", 10))


def access_for(user) -> Access:
    """The user's grants, computed once per user object (i.e. once per request) and shared
    between requests for ``ACCESS_CACHE_SECONDS``."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return ANONYMOUS
    cached = getattr(user, "_brain_access", None)
    if cached is not None:
        return cached
    key = (user.pk, getattr(user, "date_joined", None), bool(user.is_superuser))
    now = time.monotonic()
    hit = _shared.get(key)
    if hit is not None and hit[0] > now:
        access = hit[1]
    else:
        access = _compute_access(user)
        if _ttl() > 0:
            with _shared_lock:
                if len(_shared) > 10_000:
                    _shared.clear()
                _shared[key] = (now + _ttl(), access)
    user._brain_access = access
    return access


def forget_access(user) -> None:
    if hasattr(user, "_brain_access"):
        del user._brain_access
    with _shared_lock:
        for key in [k for k in _shared if k[0] == user.pk]:
            _shared.pop(key, None)


def forget_all_access(**_kwargs) -> None:
    """Signal receiver: something grants are built from has changed."""
    with _shared_lock:
        _shared.clear()


def _compute_access(user) -> Access:
    from community_brain.accounts.models import Membership
    from community_brain.places.models import Building, Compound

    is_admin = (
        bool(user.is_superuser)
        or user.memberships.filter(is_active=True, role=Role.SYSTEM_ADMIN).exists()
    )
    grants = []
    memberships = Membership.objects.filter(user=user, is_active=True).select_related(
        "organisation", "compound", "grid", "household__building__compound"
    )
    for m in memberships:
        if m.role == Role.SYSTEM_ADMIN:
            continue
        level = m.level
        if level == Level.HOUSEHOLD:
            compound_ids = {m.household.building.compound_id}
            object_id = m.household_id
        elif level == Level.GRID:
            compound_ids = set(
                Building.objects.filter(grid_id=m.grid_id).values_list("compound_id", flat=True)
            )
            if m.grid.compound_id:
                compound_ids.add(m.grid.compound_id)
            object_id = m.grid_id
        elif level == Level.COMPOUND:
            compound_ids = {m.compound_id}
            object_id = m.compound_id
        elif level == Level.COMMUNITY:
            compound_ids = set(
                Compound.objects.filter(community_id=m.community_id).values_list("id", flat=True)
            )
            object_id = m.community_id
        else:
            compound_ids = m.organisation.served_compound_ids() if m.organisation else set()
            object_id = None
        community_ids = set(
            Compound.objects.filter(id__in=compound_ids).values_list("community_id", flat=True)
        )
        if level == Level.COMMUNITY:
            community_ids.add(m.community_id)
        elif m.organisation is not None and m.organisation.community_id:
            community_ids.add(m.organisation.community_id)
        grants.append(
            Grant(
                role=m.role,
                level=level,
                object_id=object_id,
                compound_ids=frozenset(compound_ids),
                community_ids=frozenset(community_ids),
                organisation_id=m.organisation_id,
            )
        )
    return Access(user_id=user.pk, is_admin=is_admin, grants=tuple(grants))


def grant_q(grant: Grant, paths: ScopePaths) -> Q | None:
    if paths.organisation and grant.level == Level.ORGANISATION and grant.organisation_id:
        q = Q()
        for path in paths.organisation:
            q |= Q(**{path: grant.organisation_id})
        return q
    direct = {
        Level.COMMUNITY: paths.community,
        Level.COMPOUND: paths.compound,
        Level.GRID: paths.grid,
        Level.HOUSEHOLD: paths.household,
    }.get(grant.level)
    if direct and grant.object_id is not None:
        return Q(**{direct: grant.object_id})
    if paths.compound and grant.compound_ids:
        return Q(**{f"{paths.compound}__in": sorted(grant.compound_ids)})
    if paths.community and grant.community_ids:
        return Q(**{f"{paths.community}__in": sorted(grant.community_ids)})
    return None


class ScopedQuerySet(models.QuerySet):
    scope_kind: str = Kind.PLACES
    scope_paths: ScopePaths = ScopePaths()

    @classmethod
    def for_kind(cls, kind: str, paths: ScopePaths) -> type[ScopedQuerySet]:
        return type(
            f"Scoped{kind.title()}QuerySet",
            (cls,),
            {
                "scope_kind": kind,
                "scope_paths": paths,
                "__module__": cls.__module__,
            },
        )

    def restrict(self, user, action: str = VIEW):
        access = access_for(user)
        if access.is_admin:
            return self
        q = self.scope_q(access, action)
        own = self.own_q(user, action) if access.user_id else None
        if own is not None:
            q = own if q is None else q | own
        return self.none() if q is None else self.filter(q)

    def scope_q(self, access: Access, action: str) -> Q | None:
        q = None
        for grant in access.grants:
            if not role_allows(grant.role, self.scope_kind, action):
                continue
            part = grant_q(grant, self.scope_paths)
            if part is not None:
                q = part if q is None else q | part
        return q

    def own_q(self, user, action: str) -> Q | None:
        """Rows that are the user's own whatever their role (e.g. cases they reported)."""
        return None

    def visible_to(self, user):
        return self.restrict(user, VIEW)


def can(user, action: str, obj) -> bool:
    manager = type(obj)._default_manager
    return manager.filter(pk=obj.pk).restrict(user, action).exists()


def require(user, action: str, obj) -> None:
    if not can(user, action, obj):
        raise PermissionDenied(f"not allowed to {action} this {obj._meta.verbose_name}")


def require_kind(user, kind: str, action: str) -> Access:
    access = access_for(user)
    if not access.allows(kind, action):
        raise PermissionDenied(f"not allowed to {action} {kind} data")
    return access
