"""The HTTP API under /api/v1/ (OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs)."""

from datetime import datetime

from django.utils import timezone
from ninja import NinjaAPI
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder

from community_brain import __version__
from community_brain.access.api import router as access_router
from community_brain.accounts.api import router as accounts_router
from community_brain.activities.api import router as activities_router
from community_brain.bulletins.api import router as bulletins_router
from community_brain.cases.api import router as cases_router
from community_brain.core.api import AUTH, install_error_handlers
from community_brain.devices.api import router as devices_router
from community_brain.inspections.api import router as inspections_router
from community_brain.notify.api import router as notify_router
from community_brain.places.api import router as places_router


class LocalTimeEncoder(NinjaJSONEncoder):
    """Times in the project's time zone (+08:00), however they were obtained: a time read
    from the database is in UTC, a deadline just computed is local, and the same case must
    read the same in both."""

    def default(self, o):
        if isinstance(o, datetime) and timezone.is_aware(o):
            o = timezone.localtime(o)
        return super().default(o)


class Utf8JSONRenderer(JSONRenderer):
    """Chinese text as UTF-8, not \\u escapes; times in China's time zone."""

    encoder_class = LocalTimeEncoder
    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    renderer=Utf8JSONRenderer(),
    title="Community Brain API",
    version=__version__,
    description=(
        "The register, organisations and (as modules land) cases, devices, gates, duty items "
        "and inspections. Authenticate with `Authorization: Bearer <token>` "
        "(`brain api-token USERNAME` prints one). Lists answer `{items, count}` and take "
        "`limit`/`offset`. Errors answer JSON: `{detail, errors: {field: [messages]}}`."
    ),
    auth=AUTH,
    urls_namespace="api",
)
install_error_handlers(api)
api.add_router("/", accounts_router)
api.add_router("/", places_router)
api.add_router("/", cases_router)
api.add_router("/", notify_router)
api.add_router("/", devices_router)
api.add_router("/", inspections_router)
api.add_router("/", access_router)
api.add_router("/", activities_router)
api.add_router("/", bulletins_router)
