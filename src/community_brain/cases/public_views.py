"""The residents' side, with no account: prove a phone number with a one-time code, report a
problem (seeing similar open cases first), follow a case by its number, add information, and
rate the result. Public pages show no one's personal data."""

from __future__ import annotations

import time

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from community_brain.accounts import verification
from community_brain.cases import services
from community_brain.cases.choices import Rating, Source, Status
from community_brain.cases.models import Case, Category
from community_brain.core.errors import IllegalTransition, InvalidInput
from community_brain.core.identifiers import mask_phone
from community_brain.core.middleware import client_ip
from community_brain.places.models import Compound

SESSION_PHONE, SESSION_AT = "verified_phone", "verified_phone_at"
PHONE_VALID_SECONDS = 2 * 3600


def verified_phone(request) -> str:
    phone = request.session.get(SESSION_PHONE, "")
    if phone and time.time() - request.session.get(SESSION_AT, 0) < PHONE_VALID_SECONDS:
        return phone
    return ""


class ResidentReportForm(forms.Form):
    category = forms.ModelChoiceField(
        label=gettext_lazy("what kind of problem"), queryset=Category.objects.none()
    )
    compound = forms.ModelChoiceField(
        label=gettext_lazy("compound"), queryset=Compound.objects.none(), required=False
    )
    address = forms.CharField(label=gettext_lazy("where exactly"), max_length=200, required=False)
    title = forms.CharField(label=gettext_lazy("in a few words"), max_length=120)
    description = forms.CharField(
        label=gettext_lazy("details"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    reporter_name = forms.CharField(
        label=gettext_lazy("your name (optional)"), max_length=50, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = (
            Category.objects.filter(is_active=True, for_public=True, parent__isnull=False)
            .select_related("parent")
            .order_by("order")
        )
        self.fields["category"].label_from_instance = lambda c: f"{c.parent.name} · {c.name}"
        self.fields["compound"].queryset = Compound.objects.order_by("name")


def report(request):
    phone = verified_phone(request)
    if not phone:
        return _verify(request)
    form = ResidentReportForm(request.POST or None)
    if request.method == "POST" and request.POST.get("step") == "report" and form.is_valid():
        data = {
            **form.cleaned_data,
            "category": form.cleaned_data["category"].pk,
            "compound": form.cleaned_data["compound"].pk if form.cleaned_data["compound"] else "",
            "reporter_phone": phone,
        }
        try:
            case = services.report(
                by=None,
                data=data,
                source=Source.RESIDENT_PAGE,
                photos=request.FILES.getlist("photos"),
                client_token=request.POST.get("client_token", ""),
            )
        except InvalidInput as exc:
            for field, msgs in exc.field_errors.items():
                form.add_error(field if field in form.fields else None, " ".join(msgs))
        else:
            request.session.setdefault("my_cases", [])
            request.session["my_cases"] = [case.code, *request.session["my_cases"]][:20]
            messages.success(
                request,
                _("Thank you. Your case number is %(code)s: keep it to follow the case.")
                % {"code": case.code},
            )
            return redirect("public_cases:track", code=case.code)
    return render(
        request, "cases/public/report.html", {"form": form, "phone": phone, "masked": _mask(phone)}
    )


def _mask(phone: str) -> str:
    return mask_phone(phone)


def _verify(request):
    step, phone, error = "phone", request.POST.get("phone", ""), ""
    if request.method == "POST":
        try:
            if request.POST.get("step") == "code":
                verified = verification.check_code(phone, request.POST.get("code", ""))
                request.session[SESSION_PHONE] = verified
                request.session[SESSION_AT] = time.time()
                request.session.cycle_key()
                target = request.GET.get("next", "")
                if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
                    target = request.get_full_path()
                return redirect(target)
            verification.send_code(phone, ip=client_ip(request))
            step = "code"
        except InvalidInput as exc:
            error = " ".join(m for msgs in exc.field_errors.values() for m in msgs)
            step = "code" if request.POST.get("step") == "code" else "phone"
    return render(
        request, "cases/public/verify.html", {"step": step, "phone": phone, "error": error}
    )


def similar(request):
    category = Category.objects.filter(pk=request.GET.get("category") or 0).first()
    compound = Compound.objects.filter(pk=request.GET.get("compound") or 0).first()
    found = services.similar_cases(category=category, compound=compound) if category else []
    return render(request, "cases/public/_similar.html", {"cases": found})


def lookup(request):
    code = (request.GET.get("code") or "").strip().upper()
    if code:
        if Case.objects.filter(code=code).exists():
            return redirect("public_cases:track", code=code)
        messages.error(request, _("No case %(code)s.") % {"code": code})
    return render(
        request,
        "cases/public/lookup.html",
        {"mine": request.session.get("my_cases", []), "code": code},
    )


def track(request, code):
    case = get_object_or_404(
        Case.objects.select_related("category__parent", "compound", "organisation"), code=code
    )
    phone = verified_phone(request)
    owner = bool(phone) and phone == case.reporter_phone
    return render(
        request,
        "cases/public/track.html",
        {
            "case": case,
            "owner": owner,
            "now": timezone.now(),
            "events": case.events.filter(public=True),
            "can_rate": owner
            and (
                case.status == Status.VERIFIED or (case.status == Status.CLOSED and not case.rating)
            ),
            "ratings": Rating.choices,
        },
    )


@require_POST
def add_info(request, code):
    case = get_object_or_404(Case, code=code)
    try:
        services.add_info(
            case,
            text=request.POST.get("text", ""),
            photos=request.FILES.getlist("photos"),
            verified_phone=verified_phone(request),
        )
    except InvalidInput as exc:
        messages.error(request, " ".join(m for msgs in exc.field_errors.values() for m in msgs))
    else:
        messages.success(request, _("Added. The people handling your case are told."))
    return redirect("public_cases:track", code=code)


@require_POST
def rate(request, code):
    case = get_object_or_404(Case, code=code)
    try:
        services.rate(
            case,
            by=None,
            rating=request.POST.get("rating", ""),
            comment=request.POST.get("comment", ""),
            verified_phone=verified_phone(request),
        )
    except InvalidInput as exc:
        messages.error(request, " ".join(m for msgs in exc.field_errors.values() for m in msgs))
    except IllegalTransition:
        messages.error(request, _("This case cannot be rated now."))
    else:
        messages.success(request, _("Thank you for your rating."))
    return redirect("public_cases:track", code=code)
