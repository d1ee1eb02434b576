"""Project configuration: settings, URL map and the ASGI/WSGI entry points."""
