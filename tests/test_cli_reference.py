"""docs/cli.md is generated from the commands: it must be current."""

from __future__ import annotations

from pathlib import Path

DOC = Path(__file__).resolve().parents[1] / "docs" / "cli.md"


def test_cli_reference_is_current():
    from fairer.cli import cli_reference

    assert DOC.read_text(encoding="utf-8") == cli_reference(), (
        "docs/cli.md is out of date with the commands: run `make docs`"
    )


def test_every_command_is_in_the_reference():
    import typer

    from fairer.cli import app

    root = typer.main.get_command(app)
    text = DOC.read_text(encoding="utf-8")
    for name, cmd in root.commands.items():
        subs = getattr(cmd, "commands", {name: cmd})
        for sub in subs:
            heading = f"## `fairer {name}`" if sub == name else f"## `fairer {name} {sub}`"
            assert heading in text, heading
