"""The hub's suite: one Django process per database (tests/test_hub.py runs it on SQLite and on
PostgreSQL). ``FAIRER_HUB_TEST_DEMO`` names a demo folder to copy (else one is built here);
``FAIRER_TEST_DATABASE_URL`` a PostgreSQL database to use instead of the place's SQLite file
(it is emptied first)."""

from __future__ import annotations

import os
import socket
import threading
from pathlib import Path

import pytest

DATABASE_URL = os.environ.get("FAIRER_TEST_DATABASE_URL") or None
# Playwright's sync API keeps an event loop on the test thread; the ORM calls the tests make
# there are ordinary blocking ones (Django's documented switch for this case).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _copy(src: Path, target: Path) -> Path:
    from fairer.demo import copy_demo

    return copy_demo(src, target) / "place"


@pytest.fixture(scope="session")
def hub(tmp_path_factory):
    """A hub on a copy of the demo place, with the demo's users (one per role) and a second
    place (a copy under another name) to prove places never see each other's objects."""
    given = os.environ.get("FAIRER_HUB_TEST_DEMO")
    root = tmp_path_factory.mktemp("hub")
    if given:
        src = Path(given)
    else:
        from fairer.demo import run_demo

        src = root / "built"
        run_demo(src, seed=2024)
    place = _copy(src, root / "demo")
    other = _copy(src, root / "other")
    text = (other / "place.toml").read_text(encoding="utf-8")
    (other / "place.toml").write_text(
        text.replace('name = "Fairhaven (synthetic borough)"', 'name = "Otherton (synthetic)"'),
        encoding="utf-8",
    )
    from fairer.hub import configure, prepare_hub

    configure(place, DATABASE_URL, allowed_hosts=("127.0.0.1", "localhost", "testserver"))
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client keeps each response's template context
    if DATABASE_URL:
        from django.core.management import call_command

        call_command("flush", interactive=False, verbosity=0)
    setup = prepare_hub(place, DATABASE_URL, demo_users=True)
    from fairer.hub.service import add_user, register_place

    other_place, _ = register_place(other)
    add_user(
        other_place.slug, "other_owner", "owner", "Otherton Council", password="otherton-pass-2026"
    )
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_user("outsider", password="outsider-pass-2026")
    return {"place": place, "slug": setup.slug, "other": other_place.slug, "setup": setup}


@pytest.fixture
def client_for(hub):
    """A test client logged in as a user (None: anonymous)."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    def make(username: str | None, csrf: bool = False):
        c = Client(enforce_csrf_checks=csrf)
        if username:
            c.force_login(get_user_model().objects.get(username=username))
        return c

    return make


@pytest.fixture(scope="session")
def live_hub(hub):
    """The hub served by waitress on a free loopback port (a real HTTP server)."""
    import waitress.server

    from fairer.hub.wsgi import application

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = waitress.server.create_server(application(), host="127.0.0.1", port=port, threads=8)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    server.close()
