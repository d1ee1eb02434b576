"""The actions a person can take on a case: their labels, the small form each needs, and the
call to the service. Pages and the API share this table, so nothing is possible in one and
not the other."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

from community_brain.accounts.models import Organisation, User
from community_brain.cases import services
from community_brain.cases.choices import Rating, Resolution
from community_brain.cases.models import Case
from community_brain.core.errors import InvalidInput, validated


def _organisations():
    return Organisation.objects.filter(is_active=True).order_by("kind", "name")


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("note"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class AssignForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("responsible organisation"), queryset=None)
    assignee = forms.ModelChoiceField(label=_("person (optional)"), queryset=None, required=False)
    note = forms.CharField(label=_("note"), required=False, max_length=500)

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = _organisations()
        self.fields["assignee"].queryset = User.objects.filter(
            is_active=True, memberships__is_active=True, memberships__organisation__isnull=False
        ).distinct()
        if case is not None and (case.organisation_id or case.routed_to_id):
            self.initial.setdefault("organisation", case.organisation_id or case.routed_to_id)


class TransferForm(ReasonForm):
    organisation = forms.ModelChoiceField(label=_("transfer to"), queryset=None)

    def __init__(self, *args, **kwargs):
        kwargs.pop("case", None)
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = _organisations()


class CoHandlerForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("co-handler"), queryset=None)

    def __init__(self, *args, **kwargs):
        kwargs.pop("case", None)
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = _organisations()


class ResolveForm(forms.Form):
    resolution = forms.ChoiceField(
        label=_("outcome"), choices=Resolution.choices, initial=Resolution.FIXED
    )
    result = forms.CharField(
        label=_("what was done"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class RateForm(forms.Form):
    rating = forms.ChoiceField(
        label=_("satisfaction"), choices=Rating.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(label=_("comment"), required=False, max_length=500)


class DuplicateForm(forms.Form):
    of = forms.CharField(label=_("same as case number"), max_length=24)
    reason = forms.CharField(label=_("note"), required=False, max_length=500)


class PauseForm(ReasonForm):
    pass


class ExtensionForm(ReasonForm):
    workdays = forms.IntegerField(
        label=_("more working days"), min_value=1, max_value=30, initial=3
    )


class DecideExtensionForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=_("decision"),
        coerce=lambda v: v == "1",
        choices=[("1", _("grant")), ("0", _("refuse"))],
    )
    note = forms.CharField(label=_("note"), required=False, max_length=300)


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("note"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
    public = forms.BooleanField(label=_("show to the reporter"), required=False)


class EmptyForm(forms.Form):
    pass


@dataclass(frozen=True)
class Action:
    label: str
    form: type[forms.Form]
    style: str = "secondary"  # the button's look: primary for the usual next step
    files: bool = False


ACTIONS: dict[str, Action] = {
    "accept": Action(_("accept"), NoteForm, "primary"),
    "assign": Action(_("assign"), AssignForm, "primary"),
    "start": Action(_("start work"), NoteForm, "primary"),
    "resolve": Action(_("report done"), ResolveForm, "primary", files=True),
    "verify": Action(_("verify"), NoteForm, "primary"),
    "rate": Action(_("record satisfaction"), RateForm, "primary"),
    "close": Action(_("close"), NoteForm),
    "send_back": Action(_("send back"), ReasonForm),
    "transfer": Action(_("transfer (转办)"), TransferForm),
    "return": Action(_("return (退单)"), ReasonForm),
    "add_co_handler": Action(_("add a co-handler"), CoHandlerForm),
    "pause": Action(_("pause the clock"), PauseForm),
    "resume": Action(_("resume the clock"), EmptyForm),
    "request_extension": Action(_("ask for more time"), ExtensionForm),
    "decide_extension": Action(_("decide on more time"), DecideExtensionForm, "primary"),
    "reopen": Action(_("reopen (重办)"), ReasonForm),
    "reject": Action(_("reject"), ReasonForm),
    "duplicate": Action(_("mark duplicate"), DuplicateForm),
    "comment": Action(_("add a note"), CommentForm),
}

FIELD_LABELS = {
    "reason": _("reason"),
    "result": _("what was done"),
    "rating": _("satisfaction"),
    "workdays": _("more working days"),
    "organisation": _("organisation"),
    "of": _("same as case number"),
    "text": _("note"),
    "photos": _("photos"),
}


def label(name: str) -> str:
    if name in ACTIONS:
        return str(ACTIONS[name].label)
    return str(FIELD_LABELS.get(name, name))


def applies(action: str, case: Case) -> bool:
    """Actions that the state allows but the case's details rule out."""
    if action == "pause":
        return case.paused_at is None
    if action == "resume":
        return case.paused_at is not None
    pending = case.extensions.filter(state="pending").exists()
    if action == "request_extension":
        return not pending
    if action == "decide_extension":
        return pending
    if action == "rate":
        return case.status == "verified" or not case.rating
    return True


def make_form(action: str, case: Case, data=None):
    cls = ACTIONS[action].form
    if cls in (AssignForm, TransferForm, CoHandlerForm):
        return cls(data, case=case, prefix=action)
    return cls(data, prefix=action)


def forms_for(actions: list[str], case: Case, user) -> list[tuple[str, Action, forms.Form]]:
    out = [(a, ACTIONS[a], make_form(a, case)) for a in actions if a in ACTIONS]
    out.append(("comment", ACTIONS["comment"], make_form("comment", case)))
    return out


def perform(action: str, case: Case, by, data, files=None, *, prefixed: bool = True):
    """Validate the action's form and call its service. ``data`` is a POST (with the form's
    prefix) or, from the API, a plain dict (``prefixed=False``)."""
    form = make_form(action, case, data) if prefixed else _unprefixed(action, case, data)
    cleaned = validated(form)
    photos = (
        files.getlist(f"{action}-photos")
        if files is not None and prefixed
        else ((files or {}).get("photos", []) if not prefixed else [])
    )
    match action:
        case "accept":
            return services.accept(case, by=by, note=cleaned["note"])
        case "assign":
            return services.assign(
                case,
                by=by,
                organisation=cleaned["organisation"],
                assignee=cleaned.get("assignee"),
                note=cleaned["note"],
            )
        case "start":
            return services.start(case, by=by, note=cleaned["note"])
        case "transfer":
            return services.transfer(
                case, by=by, organisation=cleaned["organisation"], reason=cleaned["reason"]
            )
        case "return":
            return services.return_case(case, by=by, reason=cleaned["reason"])
        case "add_co_handler":
            return services.add_co_handler(case, by=by, organisation=cleaned["organisation"])
        case "resolve":
            return services.resolve(
                case,
                by=by,
                result=cleaned["result"],
                resolution=cleaned["resolution"],
                photos=photos,
            )
        case "send_back":
            return services.send_back(case, by=by, reason=cleaned["reason"])
        case "verify":
            return services.verify(case, by=by, note=cleaned["note"])
        case "rate":
            on_behalf = case.reporter_user_id != getattr(by, "pk", None)
            return services.rate(
                case,
                by=by,
                rating=cleaned["rating"],
                comment=cleaned["comment"],
                on_behalf=on_behalf,
            )
        case "close":
            return services.close(case, by=by, note=cleaned["note"])
        case "reopen":
            return services.reopen(case, by=by, reason=cleaned["reason"])
        case "reject":
            return services.reject(case, by=by, reason=cleaned["reason"])
        case "duplicate":
            original = Case.objects.visible_to(by).filter(code=cleaned["of"].strip()).first()
            if original is None:
                raise InvalidInput.single("of", str(_("No such case.")))
            return services.mark_duplicate(case, by=by, of=original, reason=cleaned["reason"])
        case "pause":
            return services.pause(case, by=by, reason=cleaned["reason"])
        case "resume":
            return services.resume(case, by=by)
        case "request_extension":
            return services.request_extension(
                case, by=by, workdays=cleaned["workdays"], reason=cleaned["reason"]
            )
        case "decide_extension":
            return services.decide_extension(
                case, by=by, approve=cleaned["approve"], note=cleaned["note"]
            )
        case "comment":
            return services.comment(case, by=by, text=cleaned["text"], public=cleaned["public"])
    raise InvalidInput.single("action", "unknown action")


def _unprefixed(action: str, case: Case, data: dict):
    cls = ACTIONS[action].form
    if cls in (AssignForm, TransferForm, CoHandlerForm):
        return cls(data, case=case)
    return cls(data)
