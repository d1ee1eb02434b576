"""ASGI entry point (served by uvicorn: ``brain serve``)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "community_brain.config.settings")
application = get_asgi_application()
