"""Pages of the workbenches: ``/workbench/`` sends each person to theirs; the grid worker's
phone home; the handlers' inbox with its accept/start buttons; the secretary's overview.
Thin: the lists come from ``workbench.queries``, every move from ``cases.services``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from community_brain.accounts.permissions import access_for
from community_brain.cases import actions, machine, services
from community_brain.cases.choices import Status
from community_brain.cases.models import Case
from community_brain.cases.services.common import may
from community_brain.core.errors import IllegalTransition, InvalidInput
from community_brain.core.pagination import CappedPaginator
from community_brain.workbench import queries
from community_brain.workbench.deadlines import local_day
from community_brain.workbench.roles import (
    GRID_ROLES,
    INBOX_ROLES,
    OVERVIEW_ROLES,
    landing_for,
    require_role,
)


@login_required
def landing(request):
    return redirect(landing_for(access_for(request.user)))


@login_required
def grid_home(request):
    require_role(request.user, GRID_ROLES)
    now = timezone.now()
    return render(
        request, "workbench/grid.html", {**queries.grid_home(request.user, now), "now": now}
    )


class InboxPaginator(CappedPaginator):
    cap = 2_000


@login_required
def inbox(request):
    require_role(request.user, INBOX_ROLES)
    now = timezone.now()
    waiting = request.GET.get("waiting", "")
    if waiting not in queries.Waiting.labels:
        waiting = ""
    page = InboxPaginator(queries.inbox(request.user, now, waiting), 50).get_page(
        request.GET.get("page")
    )
    rows = list(page.object_list)
    moves = queries.row_actions(request.user, rows)
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "workbench/inbox.html",
        {
            "page": page,
            "rows": [(case, queries.waiting_of(case), moves[case.pk]) for case in rows],
            "counts": queries.inbox_counts(request.user, now),
            "waiting": waiting,
            "tabs": queries.Waiting.labels,
            "labels": {a: actions.label(a) for a in queries.INBOX_ACTIONS},
            "qs": params.urlencode(),
            "now": now,
        },
    )


MOVES = {
    "accept": lambda case, user, note: services.accept(case, by=user, note=note),
    "start": lambda case, user, note: services.start(case, by=user, note=note),
}


@login_required
@require_POST
def inbox_act(request, code, action):
    """One button of an inbox row. The state machine and the user's rights are checked
    here (to say why not) and again by the service (which is the word that counts)."""
    require_role(request.user, INBOX_ROLES)
    if action not in MOVES:
        raise Http404
    case = get_object_or_404(Case.objects.visible_to(request.user), code=code)
    try:
        if action not in machine.allowed_actions(case):
            raise IllegalTransition("case", case.status, action)
        if not may(request.user, case, action):
            raise PermissionDenied
        MOVES[action](case, request.user, request.POST.get("note", "")[:500])
    except IllegalTransition as exc:
        _say(
            request,
            messages.ERROR,
            case,
            _("Not possible now: the case is %(status)s.") % {"status": Status(exc.current).label},
        )
    except PermissionDenied:
        _say(
            request,
            messages.ERROR,
            case,
            _("You may not %(action)s this case.") % {"action": actions.label(action)},
        )
    except InvalidInput as exc:
        _say(
            request, messages.ERROR, case, " ".join(" ".join(m) for m in exc.field_errors.values())
        )
    else:
        _say(
            request,
            messages.SUCCESS,
            case,
            _("Done: %(action)s.") % {"action": actions.label(action)},
        )
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(target)
    return redirect("workbench:inbox")


def _say(request, level: int, case: Case, text: str) -> None:
    """A message about one row, naming its case (the inbox has many)."""
    messages.add_message(request, level, f"{case.code}：{text}")


@login_required
def overview(request):
    require_role(request.user, OVERVIEW_ROLES)
    today = local_day(timezone.now())
    return render(
        request,
        "workbench/overview.html",
        {
            "today": today,
            "tiles": queries.overview_tiles(request.user, today),
            "tables": [
                (
                    _("By organisation"),
                    _("Responsible"),
                    queries.overview_table(request.user, "organisation"),
                ),
                (_("By grid"), _("Grid"), queries.overview_table(request.user, "grid")),
            ],
        },
    )
