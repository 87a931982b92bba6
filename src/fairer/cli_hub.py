"""``fairer serve`` and ``fairer hub …``: thin commands over :mod:`fairer.hub`."""

from __future__ import annotations

from pathlib import Path

import typer

hub_app = typer.Typer(
    help="The partnership hub's data: users, invitations, publishing, files, backups.",
    no_args_is_help=True,
)
PlaceArg = typer.Argument(..., help="A place folder (fairer init).")
DatabaseUrl = typer.Option(
    None, "--database-url", envvar="FAIRER_DATABASE_URL",
    help="A shared database (postgresql://user:password@host/name); default PLACE/hub.sqlite3.",
)  # fmt: skip


def serve(
    place_dirs: list[Path] = typer.Argument(None, help="Place folders to serve."),
    database_url: str = DatabaseUrl,
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", help="Port to listen on."),
) -> None:
    """Start the partnership hub at http://HOST:PORT (Ctrl-C stops it)."""
    from fairer.hub import prepare_hub
    from fairer.hub import serve as serve_hub

    for d in place_dirs or []:
        typer.echo(f"{prepare_hub(d, database_url).name}: http://{host}:{port}/")
    serve_hub(place_dirs or [], database_url, host, port)


@hub_app.command("user")
def user(
    place_dir: Path = PlaceArg,
    username: str = typer.Argument(..., help="Login name."),
    role: str = typer.Option(..., "--role", help="owner, analyst, partner or community."),
    organisation: str = typer.Option(None, "--organisation", help="The user's organisation."),
    database_url: str = DatabaseUrl,
) -> None:
    """Add a user to a place (or change their role); prints a new user's password once."""
    from fairer.hub import add_user, prepare_hub

    password = add_user(prepare_hub(place_dir, database_url).slug, username, role, organisation)
    typer.echo(f"{username}: {role}" + (f", password {password}" if password else ""))


@hub_app.command("invite")
def invite(
    place_dir: Path = PlaceArg,
    role: str = typer.Option(..., "--role", help="owner, analyst, partner or community."),
    organisation: str = typer.Option(None, "--organisation", help="Their organisation."),
    base_url: str = typer.Option("http://127.0.0.1:8000", "--base-url", help="The hub's address."),
    database_url: str = DatabaseUrl,
) -> None:
    """Make a one-use invitation link (valid 14 days)."""
    from fairer.hub import invite as make_invite
    from fairer.hub import prepare_hub

    token = make_invite(prepare_hub(place_dir, database_url).slug, role, organisation)
    typer.echo(f"{base_url.rstrip('/')}/invite/{token}/")


@hub_app.command("publish")
def publish(
    place_dir: Path = PlaceArg,
    period: str = typer.Option(None, "--period", help="Progress report period (2026-H1)."),
    database_url: str = DatabaseUrl,
) -> None:
    """Write the hub's records into the place's files and publish (profile and progress report)."""
    from fairer.hub import prepare_hub
    from fairer.hub import publish as publish_place

    for m in publish_place(prepare_hub(place_dir, database_url).slug, period=period):
        typer.echo(f"note: {m}", err=True)
    typer.echo(f"published: {Path(place_dir) / 'output'}")


@hub_app.command("export")
def export(
    place_dir: Path = PlaceArg,
    out: Path = typer.Argument(
        ..., help="Folder for action_plan.xlsx, learning_log.xlsx, assets.csv."
    ),
    database_url: str = DatabaseUrl,
) -> None:
    """Write the hub's action plan, learning log and assets as the files the CLI reads."""
    from fairer.hub import export_files, prepare_hub

    for kind, path in export_files(prepare_hub(place_dir, database_url).slug, out).items():
        typer.echo(f"{kind}: {path}")


@hub_app.command("import")
def import_(
    place_dir: Path = PlaceArg,
    file: Path = typer.Argument(..., help="An action plan, learning log or asset register."),
    kind: str = typer.Option(..., "--kind", help="actions, learning or assets."),
    database_url: str = DatabaseUrl,
) -> None:
    """Bring an edited file back into the hub (the same readers as the CLI; changes recorded)."""
    from fairer.hub import import_file, prepare_hub

    for m in import_file(prepare_hub(place_dir, database_url).slug, kind, file):
        typer.echo(f"note: {m}", err=True)
    typer.echo(f"imported {kind} from {file}")


@hub_app.command("backup")
def backup(
    place_dir: Path = PlaceArg,
    out: Path = typer.Argument(..., help="The backup file (JSON)."),
    database_url: str = DatabaseUrl,
) -> None:
    """Write everything the hub holds (users, places, records, history) to one file."""
    from fairer.hub import backup as backup_hub
    from fairer.hub import prepare_hub

    prepare_hub(place_dir, database_url)
    typer.echo(f"backup: {backup_hub(out)}")


@hub_app.command("restore")
def restore(
    place_dir: Path = PlaceArg,
    file: Path = typer.Argument(..., help="A file written by fairer hub backup."),
    database_url: str = DatabaseUrl,
) -> None:
    """Replace what the hub holds by a backup."""
    from fairer.hub import configure
    from fairer.hub import restore as restore_hub

    configure(place_dir, database_url)
    typer.echo(f"restored {restore_hub(file)} place(s) from {file}")
