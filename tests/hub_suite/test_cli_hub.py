"""``fairer serve`` and ``fairer hub …`` as a user runs them: in their own process, on the same
database as the rest of the suite."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.hub_suite.conftest import DATABASE_URL

FAIRER = [sys.executable, "-m", "fairer.cli"]


def _fairer(*args, check=True):
    env = dict(os.environ)
    if DATABASE_URL:
        env["FAIRER_DATABASE_URL"] = DATABASE_URL
    code = "import sys; from fairer.cli import main; sys.argv = ['fairer', *sys.argv[1:]]; main()"
    proc = subprocess.run([sys.executable, "-c", code, *map(str, args)], capture_output=True,
                          text=True, env=env, timeout=300)  # fmt: skip
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


def test_user_invite_export_import_backup_restore(hub, tmp_path):
    place = hub["place"]
    out = _fairer("hub", "user", place, "cli_partner", "--role", "partner", "--organisation", "NHS")
    assert out.stdout.startswith("cli_partner: partner, password ")
    link = _fairer("hub", "invite", place, "--role", "community").stdout.strip()
    assert link.startswith("http://127.0.0.1:8000/invite/") and len(link) > 60
    bad = _fairer("hub", "user", place, "x", "--role", "mayor", check=False)
    assert bad.returncode == 2 and bad.stderr.startswith("error: role 'mayor'")
    assert "Traceback" not in bad.stderr
    listed = _fairer("hub", "export", place, tmp_path / "offline").stdout
    assert "actions:" in listed and (tmp_path / "offline" / "action_plan.xlsx").exists()
    back = _fairer("hub", "import", place, tmp_path / "offline" / "learning_log.xlsx",
                   "--kind", "learning")  # fmt: skip
    assert "imported learning" in back.stdout
    saved = _fairer("hub", "backup", place, tmp_path / "b.json").stdout
    assert (tmp_path / "b.json").stat().st_size > 1000 and "backup:" in saved
    restored = _fairer("hub", "restore", place, tmp_path / "b.json").stdout
    assert restored.startswith("restored 2 place(s)")
    missing = _fairer("hub", "restore", place, tmp_path / "nope.json", check=False)
    assert missing.returncode == 2 and "backup file not found" in missing.stderr
    not_a_place = tmp_path / "just-a-folder"
    not_a_place.mkdir()
    refused = _fairer("serve", not_a_place, check=False)
    assert refused.returncode == 2 and "place.toml" in refused.stderr
    assert "Traceback" not in refused.stderr and not list(not_a_place.iterdir())  # nothing written


def test_serve_starts_the_hub_and_stops_cleanly(hub):
    from fairer.hub.models import HubPlace

    HubPlace.objects.filter(slug=hub["slug"]).update(public=True)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ)
    if DATABASE_URL:
        env["FAIRER_DATABASE_URL"] = DATABASE_URL
    fairer = shutil.which("fairer", path=str(Path(sys.executable).parent)) or "fairer"
    proc = subprocess.Popen([fairer, "serve", str(hub["place"]), "--port", str(port)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    try:
        body = None
        for _ in range(120):
            try:
                body = urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/").read()
                break
            except OSError:
                time.sleep(0.25)
        assert body is not None and b"Log in" in body
        page = urllib.request.urlopen(f"http://127.0.0.1:{port}/p/{hub['slug']}/")  # public view
        assert page.status == 200 and b"at a glance" in page.read()
    finally:
        proc.terminate()
        proc.wait(timeout=20)
