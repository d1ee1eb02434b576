"""Shared pieces of the HTTP API: authentication, error bodies, partial updates."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404
from django.utils import timezone
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaValidationError
from ninja.security import APIKeyQuery, HttpBearer, django_auth

from community_brain.core.errors import IllegalTransition, InvalidInput


def authenticate_token(request, raw: str):
    from community_brain.accounts.models import ApiToken

    token = ApiToken.objects.authenticate(raw)
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    request.user = token.user
    return token.user


class BearerToken(HttpBearer):
    """``Authorization: Bearer <token>``; ``brain api-token USERNAME`` prints one."""

    def authenticate(self, request, token):
        user = authenticate_token(request, token)
        if user is None:
            # A wrong token is the answer; trying the session next would answer a POST with
            # the session's CSRF refusal instead.
            raise AuthenticationError(message=BAD_TOKEN)
        return user


BAD_TOKEN = "the API token is not known, was revoked, or its account is inactive"


class ApiKeyQuery(APIKeyQuery):
    """``?api_key=<token>``, as Open311 clients send it."""

    param_name = "api_key"

    def authenticate(self, request, key):
        return authenticate_token(request, key or "")


AUTH = [BearerToken(), django_auth]


def _loc_name(loc) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "payload", "data")]
    return ".".join(parts) or "__all__"


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(InvalidInput)
    def invalid_input(request, exc: InvalidInput):
        return api.create_response(
            request, {"detail": "invalid input", "errors": exc.field_errors}, status=400
        )

    @api.exception_handler(SchemaValidationError)
    def schema_error(request, exc: SchemaValidationError):
        errors: dict[str, list[str]] = {}
        for err in exc.errors:
            errors.setdefault(_loc_name(err.get("loc", ())), []).append(err.get("msg", "invalid"))
        return api.create_response(
            request, {"detail": "invalid input", "errors": errors}, status=400
        )

    @api.exception_handler(IllegalTransition)
    def illegal(request, exc: IllegalTransition):
        return api.create_response(
            request, {"detail": str(exc), "current": exc.current, "wanted": exc.wanted}, status=409
        )

    @api.exception_handler(PermissionDenied)
    def forbidden(request, exc):
        return api.create_response(request, {"detail": str(exc) or "forbidden"}, status=403)

    @api.exception_handler(AuthenticationError)
    def unauthorised(request, exc):
        detail = exc.message if exc.message == BAD_TOKEN else None
        return api.create_response(
            request,
            {"detail": detail or "authentication required: send Authorization: Bearer <token>"},
            status=401,
        )

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return api.create_response(request, {"detail": str(exc) or "not found"}, status=404)

    @api.exception_handler(ObjectDoesNotExist)
    def no_object(request, exc):
        return api.create_response(request, {"detail": "not found"}, status=404)

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        return api.create_response(request, {"detail": exc.message}, status=exc.status_code)


def merged(instance, fields: list[str], patch: dict) -> dict:
    """The instance's current values, overlaid with a partial update, as form data."""
    data = {}
    for name in fields:
        value = getattr(instance, name, None)
        if hasattr(value, "all") and callable(value.all):
            value = [v.pk for v in value.all()]
        elif hasattr(value, "pk"):
            value = value.pk
        data[name] = "" if value is None else value
    for key, value in patch.items():
        data[key] = "" if value is None else value
    return data
