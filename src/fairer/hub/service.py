"""The hub's public functions: the CLI (``fairer serve``, ``fairer hub …``) and the pages call
these, and these call the same jobs and the same publish step as every other command."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from fairer.errors import FairerError
from fairer.hub.config import configure

#: the demo's users, one per role (synthetic place, synthetic people; printed by ``fairer demo``)
DEMO_USERS = (
    ("owner", "owner", "Council"),
    ("analyst", "analyst", "Council"),
    ("partner", "partner", "VCSE partnership"),
    ("partner2", "partner", "NHS"),
    ("community", "community", None),
)
DEMO_PASSWORD = "fairhaven-demo-2026"


@dataclass
class HubSetup:
    """What :func:`prepare_hub` made: the place, the database, users created, messages."""

    slug: str
    name: str
    database: str
    users: list[tuple[str, str, str | None]] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)


def slug_for(name: str) -> str:
    """A place's address in the hub, from its name.

    Parameters
    ----------
    name : str

    Returns
    -------
    str

    Examples
    --------
    >>> slug_for('Fairhaven (synthetic borough)')
    'fairhaven-synthetic-borough'
    """
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:50] or "place"


def register_place(place_dir: str | Path, user=None):
    """The hub's record of a place (made, and its files imported, the first time)."""
    from fairer.hub.models import HubPlace
    from fairer.hub.sync import import_place_files
    from fairer.place import load_place

    p = load_place(place_dir)
    folder = str(Path(place_dir).resolve())
    found = HubPlace.objects.filter(folder=folder).first()
    if found is not None:
        return found, []
    slug, n = slug_for(p.name), 1
    while HubPlace.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{slug_for(p.name)}-{n}"
    hp = HubPlace.objects.create(slug=slug, name=p.name, folder=folder)
    return hp, import_place_files(hp, user)


def prepare_hub(
    place_dir: str | Path,
    database_url: str | None = None,
    demo_users: bool = False,
) -> HubSetup:
    """Set up the hub for a place: its database (made or migrated forward), its record, and
    the place's action plan, learning log and assets imported.

    Parameters
    ----------
    place_dir : path-like
        A folder made by ``fairer init`` (or ``fairer demo``).
    database_url : str, optional
        A shared PostgreSQL database; by default ``PLACE/hub.sqlite3``.
    demo_users : bool
        Also create one user per role (the demo's; never for a real place).

    Returns
    -------
    HubSetup

    Examples
    --------
    >>> from fairer.demo import example_place
    >>> setup = prepare_hub(example_place(), demo_users=True)  # doctest: +SKIP
    >>> [u[1] for u in setup.users]  # doctest: +SKIP
    ['owner', 'analyst', 'partner', 'partner', 'community']
    """
    url = configure(place_dir, database_url)
    hp, messages = register_place(place_dir)
    setup = HubSetup(hp.slug, hp.name, _shown(url), messages=messages)
    if demo_users:
        from django.contrib.auth import get_user_model

        known = set(get_user_model().objects.values_list("username", flat=True))
        for username, role, org in DEMO_USERS:  # hashing is slow by design: only new users
            add_user(hp.slug, username, role, org,
                     password=None if username in known else DEMO_PASSWORD)  # fmt: skip
            setup.users.append((username, role, org))
        hp.public = True
        hp.save(update_fields=["public"])
    return setup


def _shown(url: str) -> str:
    """A database URL without its password."""
    return re.sub(r"://([^:/@]+):[^@]*@", r"://\1:***@", url)


def _place(slug: str):
    from fairer.hub.models import HubPlace

    hp = HubPlace.objects.filter(slug=slug).first()
    if hp is None:
        raise FairerError(f"no place '{slug}' in this hub")
    return hp


def add_user(slug: str, username: str, role: str, organisation: str | None = None,
             password: str | None = None) -> str:  # fmt: skip
    """Add (or update) a user's membership of a place; returns the password to give them.

    A new user without ``password`` gets a random one. Passwords are stored with Django's
    hashers, never in clear.

    Parameters
    ----------
    slug : str
        The place's address in the hub (:class:`HubSetup` ``.slug``).
    username : str
    role : {"owner", "analyst", "partner", "community"}
    organisation : str, optional
        Partners edit their organisation's assets, actions and learning.
    password : str, optional

    Returns
    -------
    str
        The password set ("" when an existing user's password was left alone).

    Examples
    --------
    >>> add_user('fairhaven-synthetic-borough', 'sam', 'partner', 'NHS')  # doctest: +SKIP
    'k3…'
    """
    from django.contrib.auth import get_user_model

    from fairer.hub.models import ROLES, Membership
    from fairer.hub.sync import organisation as org_of

    if role not in dict(ROLES):
        raise FairerError(f"role '{role}' is not one of {', '.join(dict(ROLES))}")
    hp = _place(slug)
    user, created = get_user_model().objects.get_or_create(username=username)
    given = password or (secrets.token_urlsafe(12) if created else None)
    if given:
        user.set_password(given)
        user.save()
    Membership.objects.update_or_create(
        user=user, place=hp, defaults={"role": role, "organisation": org_of(hp, organisation or "")}
    )
    return given or ""


def invite(slug: str, role: str, organisation: str | None = None, created_by=None,
           days: int = 14) -> str:  # fmt: skip
    """An invitation token for one person to join a place in a role (valid ``days`` days).

    Parameters
    ----------
    slug : str
    role : {"owner", "analyst", "partner", "community"}
    organisation : str, optional
    created_by : User, optional
    days : int

    Returns
    -------
    str
        The token: the link is ``<hub>/invite/<token>/``; it works once.

    Examples
    --------
    >>> token = invite('fairhaven-synthetic-borough', 'community')  # doctest: +SKIP
    """
    from django.utils import timezone

    from fairer.hub.models import ROLES, Invitation
    from fairer.hub.sync import organisation as org_of

    if role not in dict(ROLES):
        raise FairerError(f"role '{role}' is not one of {', '.join(dict(ROLES))}")
    hp = _place(slug)
    token = secrets.token_urlsafe(32)
    Invitation.objects.create(
        place=hp, role=role, organisation=org_of(hp, organisation or ""), token=token,
        created_by=created_by, expires_at=timezone.now() + timedelta(days=days),
    )  # fmt: skip
    return token


def publish(slug: str, user=None, period: str | None = None, pdf: bool = True) -> list[str]:
    """Publish a place from the hub: write the hub's records into the files the CLI reads, then
    run the same jobs and publish step as ``fairer profile`` and ``fairer report``.

    Parameters
    ----------
    slug : str
    user : User, optional
    period : str, optional
        The progress report's period (default: the current half year, ``2026-H2``).
    pdf : bool
        Also lay out the progress report as PDF (where WeasyPrint can run).

    Returns
    -------
    list of str
        The messages the jobs gave (rows set aside, parts left out).

    Raises
    ------
    FairerError
        A file in ``PLACE/hub_files`` was edited since the hub wrote it (import it first).

    Examples
    --------
    >>> publish('fairhaven-synthetic-borough', pdf=False)  # doctest: +SKIP
    []
    """
    from django.utils import timezone

    from fairer.context import open_place
    from fairer.hub.sync import write_place_files
    from fairer.pipeline import profile_place, progress_report

    hp = _place(slug)
    write_place_files(hp)
    period = period or _current_half(date.today())
    with open_place(hp.folder) as ctx:  # one context: the two reports share every result
        result = profile_place(hp.folder, formats=("csv", "parquet", "xlsx"), ctx=ctx)
        try:
            progress = progress_report(hp.folder, period, pdf=pdf, ctx=ctx)
        except FairerError:
            if not pdf:
                raise
            progress = progress_report(hp.folder, period, pdf=False, ctx=ctx)  # no PDF engine
    hp.published_at = timezone.now()
    hp.save(update_fields=["published_at"])
    return list(result.messages) + list(getattr(progress, "messages", []))


def _current_half(on: date) -> str:
    return f"{on.year}-H{1 if on.month <= 6 else 2}"


def serve(place_dirs: list[str | Path], database_url: str | None = None, host: str = "127.0.0.1",
          port: int = 8000, threads: int = 8) -> None:  # fmt: skip
    """Serve the hub (waitress, a production WSGI server) until interrupted.

    Parameters
    ----------
    place_dirs : list of path-like
        Places to serve (registered on first use).
    database_url : str, optional
        A shared PostgreSQL database; by default the first place's SQLite file.
    host, port : str, int
        Beyond loopback, cookies are sent over HTTPS only: put TLS in front.
    threads : int

    Returns
    -------
    None

    Examples
    --------
    >>> serve(['fairer-demo/place'])  # doctest: +SKIP
    """
    from fairer.hub.wsgi import application

    if not place_dirs and not database_url:
        raise FairerError("give a place folder, or --database-url for a shared hub")
    loopback = host in ("127.0.0.1", "localhost", "::1")
    hosts = ("127.0.0.1", "localhost") if loopback else ("*",)
    configure(place_dirs[0] if place_dirs else None, database_url, secure_cookies=not loopback,
              allowed_hosts=hosts)  # fmt: skip
    for d in place_dirs:
        register_place(d)
    import waitress

    waitress.serve(application(), host=host, port=port, threads=threads, ident="fairer")


def backup(path: str | Path) -> Path:
    """Write everything the hub holds (users, places, records, history) to one JSON file.

    Parameters
    ----------
    path : path-like

    Returns
    -------
    Path

    Examples
    --------
    >>> backup('hub-backup.json')  # doctest: +SKIP
    """
    from django.core.management import call_command

    path = Path(path)
    with open(path, "w", encoding="utf-8") as fh:
        call_command("dumpdata", "auth.user", "hub", natural_foreign=True, indent=1, stdout=fh)
    return path


def restore(path: str | Path) -> int:
    """Replace what the hub holds by a :func:`backup` file (in one transaction).

    Parameters
    ----------
    path : path-like

    Returns
    -------
    int
        The number of places restored.

    Examples
    --------
    >>> restore('hub-backup.json')  # doctest: +SKIP
    1
    """
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import transaction

    from fairer.hub.models import HubPlace

    path = Path(path)
    if not path.exists():
        raise FairerError("backup file not found", path=path)
    with transaction.atomic():
        HubPlace.objects.all().delete()
        get_user_model().objects.all().delete()
        try:
            call_command("loaddata", str(path), verbosity=0)
        except Exception as exc:
            raise FairerError(f"not a hub backup: {exc}", path=path) from exc
    return HubPlace.objects.count()


def export_files(slug: str, folder: str | Path) -> dict[str, Path]:
    """Write the hub's action plan, learning log and asset register into ``folder`` with the
    CLI's writers (formulas neutralised); the hub's own copy is unchanged.

    Parameters
    ----------
    slug : str
    folder : path-like

    Returns
    -------
    dict of kind → Path
        ``actions`` (action_plan.xlsx), ``learning`` (learning_log.xlsx), ``assets``
        (assets.csv), for those the hub holds.

    Examples
    --------
    >>> export_files('fairhaven-synthetic-borough', 'offline')  # doctest: +SKIP
    """
    from fairer.hub.sync import export_files as export

    return export(_place(slug), folder)


def import_file(slug: str, kind: str, path: str | Path, user=None) -> list[str]:
    """Bring a file the CLI reads (``kind``: actions, learning or assets) into the hub,
    recording every change.

    Parameters
    ----------
    slug : str
    kind : {"actions", "learning", "assets"}
    path : path-like
        XLSX, CSV or YAML (assets: CSV, XLSX, GeoJSON), read by the CLI's own reader.
    user : User, optional
        Who the changes are attributed to.

    Returns
    -------
    list of str
        The reader's messages (rows set aside and why).

    Examples
    --------
    >>> import_file('fairhaven-synthetic-borough', 'actions', 'offline/action_plan.xlsx')  # doctest: +SKIP
    []
    """
    from fairer.hub import sync

    readers = {
        "actions": sync.import_action_plan,
        "learning": sync.import_learning_log,
        "assets": lambda hp, p, u: sync.import_assets(hp, p, u)[1],
    }
    if kind not in readers:
        raise FairerError(f"kind '{kind}' is not one of {', '.join(readers)}")
    if not Path(path).exists():
        raise FairerError("file not found", path=path)
    hp = _place(slug)
    messages = readers[kind](hp, path, user)
    if kind in (hp.exported or {}):  # the file is now the hub's again: publishing may overwrite
        hp.exported.pop(kind)
        hp.save(update_fields=["exported"])
    return messages
