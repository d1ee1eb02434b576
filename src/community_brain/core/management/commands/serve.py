"""``brain serve``: the web application under uvicorn (ASGI), static files included."""

import os

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve the web application (uvicorn). HOST, PORT and WEB_CONCURRENCY apply."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2"))
        )

    def handle(self, host, port, workers, **options):
        import uvicorn

        uvicorn.run(
            "community_brain.config.asgi:application",
            host=host,
            port=port,
            workers=workers,
            log_level="warning",
            access_log=False,
            proxy_headers=True,
            forwarded_allow_ips="127.0.0.1",
        )
