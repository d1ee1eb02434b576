"""The big screen: the page, its data (JSON), and its live stream (server-sent events)."""

from __future__ import annotations

import json
import time

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.http import JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from community_brain.accounts.permissions import access_for
from community_brain.accounts.roles import DISPATCH, Kind
from community_brain.cases.choices import EventKind
from community_brain.core import live
from community_brain.devices.choices import Severity
from community_brain.screen.queries import screen_data

STREAM_SECONDS = 300  # then the browser reconnects (EventSource does it by itself)
HEARTBEAT_SECONDS = 15


def _require_screen(user) -> None:
    """The control centre's people: those who dispatch the community's cases."""
    if not access_for(user).allows(Kind.CASES, DISPATCH):
        raise PermissionDenied("the big screen is for the community's control centre")


@login_required
def page(request):
    _require_screen(request.user)
    return render(request, "screen/screen.html", {"labels": _labels()})


def _labels() -> dict:
    """The words screen.js puts on the page, in the reader's language."""
    return {
        "weekdays": [_("Sun"), _("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat")],
        "severity": dict(Severity.choices),
        "kinds": dict(EventKind.choices),
        "rates": {
            "response": _("response"),
            "on_time": _("on time"),
            "resolution": _("resolution"),
            "satisfaction": _("satisfaction"),
        },
        "as_of": _("as of"),
        "online": _("online"),
        "offline": _("offline"),
        "open_cases": _("open cases"),
        "alarms": _("alarms"),
        "no_alarms": _("No active alarms."),
        "nobody_on_duty": _("Nobody is rostered now."),
        "until": _("until"),
        "new_alarm": _("New alarm"),
        "live": _("live"),
        "reconnecting": _("reconnecting…"),
    }


@never_cache
@login_required
def data(request):
    _require_screen(request.user)
    return JsonResponse(screen_data(request.user), encoder=DjangoJSONEncoder)


@never_cache
@login_required
def stream(request):
    """New alarms and case changes as they are committed, anywhere (``core.live``)."""
    _require_screen(request.user)
    response = StreamingHttpResponse(_events(), content_type="text/event-stream")
    response["X-Accel-Buffering"] = "no"  # nginx: pass each event on at once
    return response


def _events():
    ends = time.monotonic() + STREAM_SECONDS
    with live.subscribe() as sub:
        yield "retry: 2000\n\n"
        while time.monotonic() < ends:
            message = sub.get(timeout=HEARTBEAT_SECONDS)
            if message is None:
                yield ": heartbeat\n\n"
                continue
            payload = json.dumps(message, cls=DjangoJSONEncoder, ensure_ascii=False)
            yield f"event: {message['kind']}\ndata: {payload}\n\n"
