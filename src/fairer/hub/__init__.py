"""The partnership hub: a web place where partners and communities see the place and feed in.

``fairer serve PLACE`` runs it on the place's own SQLite file (``PLACE/hub.sqlite3``);
``--database-url postgresql://…`` runs it shared, on PostgreSQL. It is a Django application:
authentication, sessions, permissions, CSRF protection, migrations and the admin are Django's;
login throttling is django-axes'; the Content-Security-Policy is django-csp's. The analysis stays
in the library: the hub's pages show what the publish step wrote, and its "Publish" runs the
same jobs as ``fairer profile`` and ``fairer report``.

Examples
--------
>>> from fairer.hub import slug_for
>>> slug_for('Stockton-on-Tees')
'stockton-on-tees'
"""

from fairer.hub.config import configure, database_url_for, hub_settings
from fairer.hub.service import (
    DEMO_PASSWORD,
    DEMO_USERS,
    HubSetup,
    add_user,
    backup,
    export_files,
    import_file,
    invite,
    prepare_hub,
    publish,
    restore,
    serve,
    slug_for,
)

__all__ = [
    "DEMO_PASSWORD",
    "DEMO_USERS",
    "HubSetup",
    "add_user",
    "backup",
    "configure",
    "database_url_for",
    "export_files",
    "hub_settings",
    "import_file",
    "invite",
    "prepare_hub",
    "publish",
    "restore",
    "serve",
    "slug_for",
]
