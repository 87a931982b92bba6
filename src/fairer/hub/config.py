"""The hub's Django settings, built from a place folder or a database URL (no settings module).

The embedded default is one SQLite file in the place folder (``PLACE/hub.sqlite3``): a place's
hub travels with the place. ``database_url`` (``postgresql://user:pass@host/db``) runs it shared,
for a partnership with many users and several places.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

from fairer.errors import FairerError

HUB_DATABASE = "hub.sqlite3"
SECRET_FILE = ".hub_secret"
MAX_UPLOAD_BYTES = 10 * 1024 * 1024


def database_url_for(place_dir: str | Path | None, database_url: str | None = None) -> str:
    """The hub database: ``database_url`` if given, else the place's own SQLite file.

    Parameters
    ----------
    place_dir : path-like or None
        A place folder (``fairer init``).
    database_url : str, optional
        ``postgresql://…`` or ``sqlite:///…``.

    Returns
    -------
    str

    Examples
    --------
    >>> database_url_for('places/x').endswith('places/x/hub.sqlite3')
    True
    """
    if database_url:
        if not database_url.startswith(("postgres://", "postgresql://", "sqlite://")):
            raise FairerError(
                f"database URL '{database_url.split('://')[0]}://…' is not supported: use "
                "postgresql://user:password@host:5432/name or sqlite:///path"
            )
        return database_url
    if place_dir is None:
        raise FairerError("give a place folder or --database-url")
    return f"sqlite:///{(Path(place_dir).resolve() / HUB_DATABASE).as_posix()}"


def _secret_key(place_dir: str | Path | None) -> str:
    """One secret per hub, kept beside its database (or in FAIRER_HUB_SECRET_KEY when shared)."""
    if os.environ.get("FAIRER_HUB_SECRET_KEY"):
        return os.environ["FAIRER_HUB_SECRET_KEY"]
    if place_dir is None:
        raise FairerError("a shared hub needs FAIRER_HUB_SECRET_KEY (a long random string)")
    path = Path(place_dir) / SECRET_FILE
    if not path.exists():  # created readable by its owner only (never world-readable, even briefly)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(secrets.token_urlsafe(50))
    return path.read_text(encoding="utf-8").strip()


def hub_settings(
    database_url: str,
    secret_key: str,
    *,
    secure_cookies: bool = False,
    allowed_hosts: tuple[str, ...] = ("127.0.0.1", "localhost"),
) -> dict:
    """Django settings for the hub.

    Parameters
    ----------
    database_url : str
        From :func:`database_url_for`.
    secret_key : str
    secure_cookies : bool
        Send session and CSRF cookies over HTTPS only: on for any hub served beyond loopback
        (behind TLS); off on ``127.0.0.1``, where a browser would drop them over plain HTTP.
    allowed_hosts : tuple of str

    Returns
    -------
    dict
        Keyword arguments for ``django.conf.settings.configure``.

    Examples
    --------
    >>> s = hub_settings('sqlite:///hub.sqlite3', 'k' * 50)
    >>> s['SESSION_COOKIE_HTTPONLY'], s['CONTENT_SECURITY_POLICY']['DIRECTIVES']['script-src']
    (True, ["'self'"])
    """
    import dj_database_url

    here = Path(__file__).parent
    database = dj_database_url.parse(database_url, conn_max_age=60)
    if database["ENGINE"].endswith("sqlite3"):
        # many partners at once on one file: write-ahead log (readers never wait for a writer),
        # writers take the lock up front and wait for it rather than fail
        database["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
        database["CONN_MAX_AGE"] = 0
    return {
        "DEBUG": False,
        "SECRET_KEY": secret_key,
        "ALLOWED_HOSTS": list(allowed_hosts),
        "DATABASES": {"default": database},
        "DEFAULT_AUTO_FIELD": "django.db.models.BigAutoField",
        "INSTALLED_APPS": [
            "django.contrib.admin",
            "django.contrib.auth",
            "django.contrib.contenttypes",
            "django.contrib.sessions",
            "django.contrib.messages",
            "django.contrib.staticfiles",
            "axes",
            "csp",
            "fairer.hub.apps.HubConfig",
        ],
        "MIDDLEWARE": [
            "django.middleware.security.SecurityMiddleware",
            "whitenoise.middleware.WhiteNoiseMiddleware",
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.middleware.common.CommonMiddleware",
            "django.middleware.csrf.CsrfViewMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
            "django.contrib.messages.middleware.MessageMiddleware",
            "django.middleware.clickjacking.XFrameOptionsMiddleware",
            "csp.middleware.CSPMiddleware",
            "axes.middleware.AxesMiddleware",
        ],
        "AUTHENTICATION_BACKENDS": [
            "axes.backends.AxesStandaloneBackend",
            "django.contrib.auth.backends.ModelBackend",
        ],
        "ROOT_URLCONF": "fairer.hub.urls",
        "TEMPLATES": [
            {
                "BACKEND": "django.template.backends.django.DjangoTemplates",
                "DIRS": [],
                "APP_DIRS": True,
                "OPTIONS": {
                    "context_processors": [
                        "django.template.context_processors.request",
                        "django.contrib.auth.context_processors.auth",
                        "django.contrib.messages.context_processors.messages",
                        "csp.context_processors.nonce",
                    ]
                },
            }
        ],
        "STATIC_URL": "/static/",
        "STATIC_ROOT": str(here / "static"),
        "WHITENOISE_USE_FINDERS": True,
        "WHITENOISE_AUTOREFRESH": False,
        "LOGIN_URL": "/accounts/login/",
        "LOGIN_REDIRECT_URL": "/",
        "LOGOUT_REDIRECT_URL": "/accounts/login/",
        "USE_TZ": True,
        "TIME_ZONE": "Europe/London",
        "LANGUAGE_CODE": "en-gb",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": secure_cookies,
        "SESSION_COOKIE_AGE": 60 * 60 * 12,
        "CSRF_COOKIE_HTTPONLY": True,
        "CSRF_COOKIE_SAMESITE": "Strict",
        "CSRF_COOKIE_SECURE": secure_cookies,
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
        "SECURE_REFERRER_POLICY": "same-origin",
        "X_FRAME_OPTIONS": "DENY",
        "CONTENT_SECURITY_POLICY": {
            "DIRECTIVES": {
                "default-src": ["'self'"],
                "script-src": ["'self'"],
                "style-src": ["'self'"],
                "img-src": ["'self'", "data:"],
                "object-src": ["'none'"],
                "base-uri": ["'none'"],
                "form-action": ["'self'"],
                "frame-ancestors": ["'none'"],
            }
        },
        "AXES_FAILURE_LIMIT": 5,
        "AXES_COOLOFF_TIME": timedelta(minutes=15),
        "AXES_LOCKOUT_PARAMETERS": [["username", "ip_address"]],
        "AXES_RESET_ON_SUCCESS": True,
        "AXES_VERBOSE": False,
        "DATA_UPLOAD_MAX_MEMORY_SIZE": MAX_UPLOAD_BYTES,
        "FILE_UPLOAD_MAX_MEMORY_SIZE": MAX_UPLOAD_BYTES,
        "AUTH_PASSWORD_VALIDATORS": [
            {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
            {
                "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
                "OPTIONS": {"min_length": 10},
            },
            {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
            {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
        ],
        "LOGGING": {
            "version": 1,
            "disable_existing_loggers": False,
            "handlers": {"null": {"class": "logging.NullHandler"}},
            "loggers": {"django": {"handlers": ["null"], "propagate": False}},
        },
    }


_CONFIGURED: dict[str, str] = {}


def configure(
    place_dir: str | Path | None = None,
    database_url: str | None = None,
    *,
    secure_cookies: bool = False,
    allowed_hosts: tuple[str, ...] = ("127.0.0.1", "localhost"),
    migrate: bool = True,
) -> str:
    """Set Django up for this process on the hub's database and bring its tables up to date.

    Django's settings are per process: a second call with another database is refused.

    Parameters
    ----------
    place_dir : path-like, optional
        The place whose SQLite hub to use (and whose folder keeps the secret key).
    database_url : str, optional
        A shared database instead (PostgreSQL).
    secure_cookies : bool
    allowed_hosts : tuple of str
    migrate : bool
        Run the migrations forward (idempotent).

    Returns
    -------
    str
        The database URL in use.

    Examples
    --------
    >>> import tempfile
    >>> url = configure(tempfile.mkdtemp())  # doctest: +SKIP
    """
    if place_dir is not None:  # a folder that is not a place gets one line, and nothing written
        from fairer.place import load_place

        load_place(place_dir)
    url = database_url_for(place_dir, database_url)
    if _CONFIGURED:
        if _CONFIGURED["url"] != url:
            raise FairerError("this process already runs a hub on another database")
        return url
    import django
    from django.conf import settings

    secret_home = Path(place_dir) if place_dir is not None else None
    settings.configure(
        **hub_settings(
            url,
            _secret_key(secret_home),
            secure_cookies=secure_cookies,
            allowed_hosts=allowed_hosts,
        )
    )
    django.setup()
    _CONFIGURED["url"] = url
    if migrate:
        migrate_database()
    return url


def migrate_database() -> None:
    """Run the hub's migrations forward on the configured database (safe to repeat).

    Returns
    -------
    None

    Raises
    ------
    FairerError
        The database cannot be reached or migrated (one line, not a traceback).
    """
    from django.core.management import call_command

    try:
        call_command("migrate", interactive=False, verbosity=0)
    except Exception as exc:  # a database that cannot be reached: one line, not a traceback
        raise FairerError(f"the hub database could not be brought up to date: {exc}") from exc
