"""Open311 GeoReport v2 views (/open311/v2/). Thin: the arguments are read and the answers
shaped in ``mapping``, written out in ``render``; the case is created by
``cases.services.report``."""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from community_brain.accounts.permissions import access_for
from community_brain.accounts.roles import REPORT, Kind
from community_brain.cases import services as case_services
from community_brain.cases.choices import Source
from community_brain.cases.models import Case
from community_brain.cases.open311 import mapping, render
from community_brain.cases.open311.render import FORMATS, Error, Open311Error
from community_brain.core.api import authenticate_token
from community_brain.core.errors import InvalidInput
from community_brain.places.models import Community

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def endpoint(*methods: str):
    """Check the format suffix (.json or .xml, else 404) and the method (else 405); answer
    an ``Open311Error`` in the spec's error format."""
    allowed = set(methods) | ({"HEAD"} if "GET" in methods else set())

    def wrap(view):
        @wraps(view)
        def inner(request, *args, fmt: str, **kwargs):
            if fmt not in FORMATS:
                return render.errors(
                    "xml", [Error(404, f"unknown format {fmt!r}: ask for .xml or .json")]
                )
            if request.method not in allowed:
                response = render.errors(
                    fmt, [Error(405, f"{request.method} is not allowed here")], status=405
                )
                response["Allow"] = ", ".join(sorted(allowed))
                return response
            try:
                response = view(request, *args, fmt=fmt, **kwargs)
            except Open311Error as exc:
                response = render.errors(fmt, exc.errors)
            if request.method in ("GET", "HEAD"):
                response["Access-Control-Allow-Origin"] = "*"  # public, read-only data
            return response

        return inner

    return wrap


def _params(request):
    """The arguments: the query string, overlaid by a form body."""
    params = request.GET.copy()
    if request.method == "POST":
        for key in request.POST:
            params.setlist(key, request.POST.getlist(key))
    return params


def _jurisdiction(request, params) -> tuple[Community | None, list[Error]]:
    """One endpoint serves the whole site, so ``jurisdiction_id`` is optional. When sent it
    must be this endpoint's id (the host name, or ``settings.OPEN311_JURISDICTION_ID``) or a
    community's code; a community's code narrows ``GET requests`` to that community."""
    raw = mapping.param(params, "jurisdiction_id")
    if not raw:
        return None, []
    own = {request.get_host().split(":")[0].lower()}
    if getattr(settings, "OPEN311_JURISDICTION_ID", ""):
        own.add(str(settings.OPEN311_JURISDICTION_ID).lower())
    if raw.lower() in own:
        return None, []
    community = Community.objects.filter(code__iexact=raw).first()
    if community is not None:
        return community, []
    return None, [Error(404, f"jurisdiction_id {raw!r} is not served by this endpoint")]


def _check_jurisdiction(request, params) -> Community | None:
    community, errors = _jurisdiction(request, params)
    if errors:
        raise Open311Error(errors)
    return community


@endpoint("GET")
def discovery(request, fmt: str):
    path = reverse("open311:discovery", kwargs={"fmt": fmt}).rsplit("/", 1)[0]
    document = mapping.discovery(request.build_absolute_uri(path))
    return render.respond(fmt, "discovery", document)


@endpoint("GET")
def services(request, fmt: str):
    _check_jurisdiction(request, request.GET)
    rows = [mapping.service_row(c) for c in mapping.service_categories()]
    return render.respond(fmt, "services", rows)


@endpoint("GET")
def service_definition(request, service_code: str, fmt: str):
    _check_jurisdiction(request, request.GET)
    cat = mapping.find_service(service_code)
    if cat is None:
        raise Open311Error([Error(404, f"service_code {service_code!r} is not a service")])
    return render.respond(fmt, "service_definition", mapping.service_definition(cat))


@csrf_exempt  # clients are programs that authenticate with api_key, not browsers
@endpoint("GET", "POST")
def requests(request, fmt: str):
    if request.method == "POST":
        return _create(request, fmt)
    params = request.GET
    community, errors = _jurisdiction(request, params)
    qs, filter_errors = mapping.filter_requests(params)
    errors += filter_errors
    if errors:
        raise Open311Error(errors)
    if community is not None:
        qs = qs.filter(community=community)
    rows = mapping.request_rows(mapping.listed(qs))
    return render.respond(fmt, "service_requests", rows)


def _create(request, fmt: str):
    params = _params(request)
    errors: list[Error] = []
    content_type = request.content_type or ""
    if content_type not in FORM_TYPES and request.body:
        errors.append(
            Error(
                400,
                "send the arguments as application/x-www-form-urlencoded (or "
                f"multipart/form-data), not {content_type or 'an unnamed type'}",
            )
        )
    api_key = mapping.param(params, "api_key")
    user = authenticate_token(request, api_key) if api_key else None
    if not api_key:
        errors.append(Error(403, "api_key is required to post a request"))
    elif user is None:
        errors.append(Error(403, "api_key is not valid (unknown or revoked)"))
    elif not access_for(user).allows(Kind.CASES, REPORT):
        errors.append(Error(403, "the account of this api_key may not report cases"))
        user = None
    errors += _jurisdiction(request, params)[1]
    submission = mapping.read_submission(params, request.FILES, user, errors)
    if errors:
        raise Open311Error(errors)

    now = timezone.now()
    token, earlier = mapping.client_tokens(request, user, params, request.FILES, now=now)
    case = mapping.earlier_submission(earlier, now=now)
    if case is None:
        case = _report(user, submission, token)
    answer = {
        "service_request_id": case.code,
        "service_notice": mapping.notice(case),
        "account_id": submission.account_id or None,
    }
    return render.respond(fmt, "service_requests", [answer])


def _report(user, submission: mapping.Submission, token: str) -> Case:
    try:
        return case_services.report(
            by=user,
            data=submission.data,
            source=Source.OPEN311,
            photos=submission.photos,
            client_token=token,
            auto_dispatch=False,  # an outside report: community staff accept it first
        )
    except InvalidInput as exc:
        raise Open311Error(
            [
                Error(400, f"{mapping.form_field_name(name)}: {' '.join(messages)}")
                for name, messages in exc.field_errors.items()
            ]
        ) from None
    except PermissionDenied as exc:
        raise Open311Error([Error(403, str(exc) or "not allowed to report")]) from None
    except IntegrityError:  # the same submission, sent twice at the same moment
        existing = token and Case.objects.filter(source=Source.OPEN311, client_token=token).first()
        if not existing:
            raise
        return existing


@endpoint("GET")
def request_detail(request, service_request_id: str, fmt: str):
    _check_jurisdiction(request, request.GET)
    case = mapping.find_request(service_request_id)
    if case is None:
        raise Open311Error([Error(404, f"service_request_id {service_request_id!r} is unknown")])
    return render.respond(fmt, "service_requests", mapping.request_rows([case]))


@endpoint("GET")
def tokens(request, token: str, fmt: str):
    """A request's token is its case number: the answer to POST already carries it."""
    _check_jurisdiction(request, request.GET)
    case = Case.objects.filter(source=Source.OPEN311, code=token.strip()).only("code").first()
    if case is None:
        raise Open311Error([Error(404, f"token {token!r} is unknown")])
    return render.respond(
        fmt, "service_requests", [{"service_request_id": case.code, "token": case.code}]
    )
