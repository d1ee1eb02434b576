"""The URL map: pages, the API under /api/v1/, the admin, health."""

from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from community_brain.accounts import views as account_views
from community_brain.config.api import api
from community_brain.core import views as core_views
from community_brain.devices import urls as device_urls

admin.site.site_header = "社区大脑 · 后台管理"
admin.site.site_title = "社区大脑"
admin.site.index_title = "后台管理"

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("favicon.ico", RedirectView.as_view(url=static("core/favicon.svg"), permanent=True)),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", account_views.home, name="home"),
    path("accounts/", include("community_brain.accounts.urls")),
    path("register/", include("community_brain.places.urls")),
    path("imports/", include("community_brain.core.imports_urls")),
    path("cases/", include("community_brain.cases.urls")),
    path("open311/v2/", include("community_brain.cases.open311.urls")),
    path("public/duties/", include("community_brain.duties.public_urls")),
    path("public/bulletins/", include("community_brain.bulletins.public_urls")),
    path("public/", include("community_brain.cases.public_urls")),
    path("notices/", include("community_brain.notify.urls")),
    path("devices/", include((device_urls.device_patterns, "devices"))),
    path("alarms/", include((device_urls.alarm_patterns, "alarms"))),
    path("ingest/v1/", include((device_urls.ingest_patterns, "ingest"))),
    path("access/", include("community_brain.access.urls")),
    path("screen/", include("community_brain.screen.urls")),
    path("workbench/", include("community_brain.workbench.urls")),
    path("duties/", include("community_brain.duties.urls")),
    path("inspections/", include("community_brain.inspections.urls")),
    path("activities/", include("community_brain.activities.urls")),
    path("bulletins/", include("community_brain.bulletins.urls")),
    path("admin/", admin.site.urls),
]
