"""The public site of the power-and-responsibility lists (权责清单公示), no login: the list in
force (search, filters, counts per type, .xlsx export), one item with its responsibilities,
accountability cases and history, both as of any past date (``?as_of=YYYY-MM-DD``), and a
plain-language explainer. Read-only: the queries live in ``public_queries``."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from community_brain.core.pagination import CappedPaginator
from community_brain.core.spreadsheets import download, workbook
from community_brain.duties import public_queries as queries
from community_brain.duties.choices import ItemType

PER_PAGE = 30


class ListPaginator(CappedPaginator):
    cap = 5_000  # more than the county's whole list: the count is exact


def _query_strings(request, error: str) -> dict:
    """The query string of the page without ``page`` (for the pager and the export), also
    without ``type`` (for the chips) or without ``as_of`` (back to today). A bad date is
    dropped from all."""
    params = request.GET.copy()
    params.pop("page", None)
    if error:
        params.pop("as_of", None)
    typeless = params.copy()
    typeless.pop("type", None)
    today = params.copy()
    today.pop("as_of", None)
    return {
        "qs": params.urlencode(),
        "qs_typeless": typeless.urlencode(),
        "qs_today": today.urlencode(),
    }


@require_safe
def item_list(request):
    filters, error = queries.Filters.from_params(request.GET)
    page = ListPaginator(queries.list_rows(filters), PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = queries.as_rows(page.object_list, filters)
    return render(
        request,
        "duties/public/list.html",
        {
            "page": page,
            "filters": filters,
            "error": error,
            "as_of": filters.as_of,
            "chips": queries.type_counts(filters),
            "departments": queries.departments(),
            "types": [(code, queries.type_name(code)) for code in ItemType.values],
            **_query_strings(request, error),
        },
        status=400 if error else 200,
    )


@require_safe
def export(request):
    filters, error = queries.Filters.from_params(request.GET)
    if error:
        return item_list(request)
    stem = f"权责清单-截至{filters.as_of:%Y%m%d}" if filters.as_of else "权责清单"
    return download(workbook("权责清单", queries.EXPORT_HEADER, queries.export_rows(filters)), stem)


@require_safe
def item_detail(request, code):
    item_id = queries.item_id_for(code)
    if item_id is None:
        raise Http404(_("No item with this code."))
    error = ""
    try:
        as_of = queries.parse_as_of(request.GET.get("as_of"))
    except queries.BadDate as exc:
        as_of, error = None, str(exc)
    item = queries.past_item(item_id, as_of) if as_of else queries.live_item(item_id)
    if item is None:
        return render(
            request,
            "duties/public/not_listed.html",
            {"code": code, "as_of": as_of},
            status=404,
        )
    return render(
        request,
        "duties/public/item.html",
        {"item": item, "as_of": as_of, "error": error},
        status=400 if error else 200,
    )


@require_safe
def about(request):
    return render(request, "duties/public/about.html")
