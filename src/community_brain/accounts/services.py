"""Writes for people and organisations: users, memberships, API tokens."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from community_brain.accounts.models import ApiToken, Membership, Organisation, User
from community_brain.accounts.permissions import forget_access
from community_brain.core import audit


@transaction.atomic
def create_user(
    *,
    by,
    username: str,
    password: str | None,
    display_name: str = "",
    phone: str = "",
    is_superuser: bool = False,
) -> User:
    user = User(
        username=username,
        display_name=display_name,
        phone=phone,
        is_superuser=is_superuser,
        is_staff=is_superuser,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    audit.record("user.create", user, actor=by, summary=username)
    return user


@transaction.atomic
def add_membership(
    *, by, user: User, role: str, organisation: Organisation | None = None, **scope
) -> Membership:
    membership = Membership(user=user, role=role, organisation=organisation, **scope)
    membership.full_clean()
    membership.save()
    if role in {"community_staff", "system_admin"} and not user.is_staff:
        user.is_staff = True  # the back office is for staff
        user.save(update_fields=["is_staff"])
    forget_access(user)
    audit.record(
        "membership.add",
        membership,
        actor=by,
        summary=str(membership)[:300],
        data={"user": user.pk, "role": role},
    )
    return membership


@transaction.atomic
def issue_api_token(*, by, user: User, name: str = "api") -> str:
    token, raw = ApiToken.issue(user, name=name)
    audit.record("api_token.issue", token, actor=by, summary=f"{user.username} …{token.hint}")
    return raw


@transaction.atomic
def revoke_api_token(*, by, token: ApiToken) -> None:
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit.record("api_token.revoke", token, actor=by, summary=f"…{token.hint}")
