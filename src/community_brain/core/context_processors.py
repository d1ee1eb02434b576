"""Template context shared by every page."""

from django.conf import settings


def brain(request):
    return {"site_name": settings.BRAIN_SITE_NAME}
