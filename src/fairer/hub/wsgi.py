"""The hub's WSGI application (after :func:`fairer.hub.config.configure`)."""

from __future__ import annotations


def application():
    """Django's WSGI handler for the configured hub."""
    from django.core.wsgi import get_wsgi_application

    return get_wsgi_application()
