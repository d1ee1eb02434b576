"""Tells the case intake early that a request is about to report a case (see
``intake.expecting_report``): machine clients — the API and Open311 — report at volume, and a
batch that waits a moment for the reports already on their way is written with a fraction
of the round trips."""

from __future__ import annotations

from community_brain.cases.services.intake import expecting_report

# The POSTs that report a case (resolving to the views is tested).
REPORTING_PATHS = frozenset(
    {"/api/v1/cases", "/open311/v2/requests.json", "/open311/v2/requests.xml"}
)


class ReportsOnTheirWay:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and request.path_info in REPORTING_PATHS:
            with expecting_report():
                return self.get_response(request)
        return self.get_response(request)
