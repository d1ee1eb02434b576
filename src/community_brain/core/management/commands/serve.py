"""``brain serve``: the web application under gunicorn (WSGI, threaded workers), static files
included. HOST, PORT, WEB_CONCURRENCY (processes) and WEB_THREADS apply.

Measured here (2 cores, PostgreSQL): gunicorn's threaded workers answer ~10× more requests
than Django under an ASGI server, whose per-request threads defeat persistent connections."""

import os

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve the web application (gunicorn, threaded workers)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2"))
        )
        parser.add_argument("--threads", type=int, default=int(os.environ.get("WEB_THREADS", "4")))

    def handle(self, host, port, workers, threads, **options):
        from gunicorn.app.base import BaseApplication

        from community_brain.config.wsgi import application

        class Server(BaseApplication):
            def load_config(self):
                for key, value in {
                    "bind": f"{host}:{port}",
                    "workers": workers,
                    "threads": threads,
                    "worker_class": "gthread",
                    "timeout": 60,
                    "graceful_timeout": 20,
                    "keepalive": 5,
                    "accesslog": None,
                    "errorlog": "-",
                    "loglevel": "warning",
                    "forwarded_allow_ips": "127.0.0.1",
                }.items():
                    self.cfg.set(key, value)

            def load(self):
                return application

        Server().run()
