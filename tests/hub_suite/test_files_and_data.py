"""One source of truth: the hub's records round-trip through the files the CLI reads; publishing
runs the CLI's jobs; the database survives restarts and backups restore it."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from fairer.delivery.actions import read_action_plan, write_action_plan
from fairer.delivery.learning import read_learning_log


def _hp(hub):
    from fairer.hub.models import HubPlace

    return HubPlace.objects.get(slug=hub["slug"])


def test_the_demo_files_arrived_whole(hub):
    from fairer.place import load_place

    hp = _hp(hub)
    src = load_place(hub["place"])
    plan = read_action_plan(src.sources_of("actions")[0].path)
    assert hp.actions.count() == len(plan.actions)
    from fairer.hub.models import Milestone

    assert Milestone.objects.filter(action__place=hp).count() >= len(plan.milestones)
    log, _ = read_learning_log(src.sources_of("learning")[0].path)
    assert set(log["entry_id"]) <= set(hp.learning.values_list("entry_id", flat=True))


def test_exports_are_what_the_cli_reads_and_imports_come_back(hub, client_for, tmp_path):
    from fairer.hub.models import Change, Milestone

    hp = _hp(hub)
    c = client_for("analyst")
    body = c.get(f"/p/{hp.slug}/export/actions.xlsx").content
    path = tmp_path / "plan.xlsx"
    path.write_bytes(body)
    plan = read_action_plan(path)  # the CLI's own reader
    assert not plan.messages
    assert set(plan.actions["action_id"]) == set(hp.actions.values_list("action_id", flat=True))
    # an analyst edits the file offline: one milestone done, with a note
    ms = plan.milestones
    target = ms.index[ms["status"] != "done"][0]
    mid = ms.loc[target, "milestone_id"]
    ms.loc[target, ["status", "note"]] = ["done", "signed off at the board"]
    ms.loc[target, "done"] = pd.Timestamp("2026-11-20").date()
    write_action_plan(plan, path)
    before = Change.objects.filter(place=hp).count()
    with open(path, "rb") as fh:
        f = io.BytesIO(fh.read())
    f.name = "plan.xlsx"
    r = c.post(f"/p/{hp.slug}/import/", {"kind": "actions", "file": f})
    assert r.status_code == 302
    m = Milestone.objects.get(action__place=hp, milestone_id=mid)
    assert (m.status, m.note, str(m.done)) == ("done", "signed off at the board", "2026-11-20")
    assert Change.objects.filter(place=hp).count() == before + 1  # only what changed
    # and the export after the import is the same plan (lossless both ways)
    again = tmp_path / "again.xlsx"
    again.write_bytes(c.get(f"/p/{hp.slug}/export/actions.xlsx").content)
    back = read_action_plan(again)
    cols = ["action_id", "milestone_id", "status", "note", "due", "done"]
    pd.testing.assert_frame_equal(
        back.milestones[cols].sort_values(cols[:2]).reset_index(drop=True),
        plan.milestones[cols].sort_values(cols[:2]).reset_index(drop=True),
    )


def test_publishing_runs_the_cli_jobs_on_the_hubs_records(hub, client_for):
    from fairer.hub.sync import FILES_DIR
    from fairer.place import load_place

    hp = _hp(hub)
    c = client_for("analyst")
    r = c.post(f"/p/{hp.slug}/publish/", follow=True)
    text = r.content.decode()
    assert "Published" in text, text[-2000:]
    place = load_place(hub["place"])
    for kind in ("actions", "learning", "assets"):
        src = place.sources_of(kind)
        assert len(src) == 1 and src[0].path.parent.name == FILES_DIR, kind
    plan = read_action_plan(place.sources_of("actions")[0].path)
    assert len(plan.actions) == hp.actions.count()
    out = Path(hub["place"]) / "output"
    assert (out / "report.html").exists() and list(out.glob("progress_*.html"))
    assert (out / "priority_neighbourhoods.csv").exists()
    assert "Scorecard" in c.get(f"/p/{hp.slug}/").content.decode()
    # the analyst's offline edit of a published file is never overwritten silently
    path = place.sources_of("learning")[0].path
    path.write_bytes(path.read_bytes() + b"\x00")
    r = c.post(f"/p/{hp.slug}/publish/", follow=True)
    assert "was changed after the hub wrote it" in r.content.decode()
    from fairer.hub import import_file

    path.write_bytes(path.read_bytes()[:-1])
    import_file(hp.slug, "learning", path)  # brought back: publishing may write it again
    hp.refresh_from_db()
    assert "learning" not in hp.exported


def test_uploaded_workshop_notes_are_redacted_before_anything_is_kept(hub, client_for):
    from fairer.hub.models import Upload

    hp = _hp(hub)
    notes = (
        b"Harbourside workshop\n\nWhat would make the biggest difference?\n"
        b"- Buses after 7pm so people can get to evening shifts\n"
        b"- My name is Janet Okafor and you can reach me on janet.okafor@example.org or "
        b"07700 900123 about the food bank rota\n"
    )
    f = io.BytesIO(notes)
    f.name = "harbourside-notes.txt"
    r = client_for("community").post(f"/p/{hp.slug}/voices/upload/", {"file": f}, follow=True)
    text = r.content.decode()
    assert "redacted before anything was kept" in text, text[-1500:]
    up = Upload.objects.filter(place=hp).order_by("-created_at").first()
    assert up.statements >= 2 and sum(up.redactions.values()) >= 2
    page = client_for("partner").get(f"/p/{hp.slug}/voices/").content.decode()
    assert "Buses after 7pm" in page
    for secret in ("janet.okafor@example.org", "07700 900123", "Okafor"):
        assert secret not in page
    # and not in the consultation's store either
    from fairer.voices.importing import load_statements
    from fairer.voices.workspace import open_consultation

    stored = " ".join(load_statements(open_consultation(hub["place"]), include_all=True)["text"])
    assert "janet.okafor@example.org" not in stored and "07700 900123" not in stored
    assert not list(Path(hub["place"]).rglob("harbourside-notes.txt"))  # the file is not kept


def test_workshop_notes_saved_as_pdf_upload_and_a_fake_pdf_is_refused(hub, client_for):
    from fairer.hub.models import Upload

    weasyprint = pytest.importorskip("weasyprint")
    hp = _hp(hub)
    pdf = weasyprint.HTML(
        string="<h1>Riverside drop-in</h1><h2>What gets in the way of a healthy life?</h2>"
        "<ul><li>Nowhere to sit on the walk to the shops</li>"
        "<li>The leisure centre costs too much for a family</li></ul>"
    ).write_pdf()
    f = io.BytesIO(pdf)
    f.name = "riverside-drop-in.pdf"
    c = client_for("community")
    r = c.post(f"/p/{hp.slug}/voices/upload/", {"file": f}, follow=True)
    assert "redacted before anything was kept" in r.content.decode()
    up = Upload.objects.filter(place=hp).order_by("-created_at").first()
    assert up.filename == "riverside-drop-in.pdf" and up.statements == 2
    page = client_for("partner").get(f"/p/{hp.slug}/voices/").content.decode()
    assert "Nowhere to sit on the walk to the shops" in page
    fake = io.BytesIO(b"What would help?\n- Later buses\n")
    fake.name = "notes.pdf"
    before = Upload.objects.filter(place=hp).count()
    r = c.post(f"/p/{hp.slug}/voices/upload/", {"file": fake}, follow=True)
    assert "not a real .pdf" in r.content.decode()
    assert Upload.objects.filter(place=hp).count() == before


def test_the_analyst_reviews_codes_in_the_hub_with_the_clis_loop(hub, client_for):
    import re

    from fairer.voices.run import coding_history

    hp = _hp(hub)
    c = client_for("analyst")
    page = c.get(f"/p/{hp.slug}/voices/review/").content.decode()
    sids = re.findall(r'name="seen-([0-9a-f]+)"', page)
    assert len(sids) >= 10
    rounds = int(coding_history(hub["place"])["round"].max())
    # agree with fairer on the first statement as ticked, say the second fits no theme
    first = dict.fromkeys(re.findall(rf'name="(theme-{sids[0]}-\d+)" checked', page), "on")
    data = {f"seen-{sids[0]}": "on", f"seen-{sids[1]}": "on", **first}
    r = c.post(f"/p/{hp.slug}/voices/review/", data, follow=True)
    text = r.content.decode()
    # the same summary `fairer voices code --corrections` prints
    assert re.search(r"coded [\d,]+ distinct statements against", text), text[-1500:]
    assert int(coding_history(hub["place"])["round"].max()) == rounds + 1  # one more round
    saved = sorted((Path(hub["place"]) / "voices" / "review").glob("hub_review_*.csv"))
    assert saved and "none" in saved[-1].read_text(encoding="utf-8")


def test_an_invitation_lets_one_person_join_once(hub, client_for):
    from django.contrib.auth import get_user_model
    from django.test import Client

    from fairer.hub.models import Membership

    hp = _hp(hub)
    r = client_for("owner").post(
        f"/p/{hp.slug}/members/", {"role": "partner", "organisation": "NHS"}
    )
    link = r.context["link"]
    path = link.split("testserver", 1)[1]
    newcomer = Client()
    r = newcomer.post(path, {"username": "nhs_newcomer", "password": "a-long-pass-2026"})
    assert r.status_code == 302
    m = Membership.objects.get(user__username="nhs_newcomer", place=hp)
    assert (m.role, m.organisation.name) == ("partner", "NHS")
    assert newcomer.get(f"/p/{hp.slug}/assets/").status_code == 200
    assert (
        Client().post(path, {"username": "second", "password": "a-long-pass-2026"}).status_code
        == 404
    )
    assert not get_user_model().objects.filter(username="second").exists()


def test_league_table_page_shows_rank_intervals(hub, client_for):
    hp = _hp(hub)
    body = (
        client_for("partner")
        .get(f"/p/{hp.slug}/league/?indicator=adults_inactive")
        .content.decode()
    )
    assert "Rank interval" in body and "cannot be separated" in body


def test_data_survives_a_restart_and_a_backup_restores_it(hub, tmp_path):
    from fairer.hub import backup, restore
    from fairer.hub.models import Asset, Change

    hp_slug = hub["slug"]
    from fairer.hub.models import HubPlace

    hp = HubPlace.objects.get(slug=hp_slug)
    Asset.objects.create(place=hp, name="Restart test pavilion", asset_type="park",
                         latitude=54.1, longitude=-4.6)  # fmt: skip
    # a new process (a restarted server) sees it, and migrating again changes nothing
    from tests.hub_suite.conftest import DATABASE_URL

    code = (
        "import sys; from fairer.hub import configure; configure(sys.argv[1], sys.argv[2] or None);"
        "from fairer.hub.models import Asset;"
        "print(Asset.objects.filter(name='Restart test pavilion').count())"
    )
    out = subprocess.run([sys.executable, "-c", code, str(hub["place"]), DATABASE_URL or ""],
                         capture_output=True, text=True, check=True)  # fmt: skip
    assert out.stdout.strip() == "1"
    from django.core.management import call_command

    check = io.StringIO()
    call_command(
        "makemigrations", "hub", "--check", "--dry-run", stdout=check
    )  # models = migrations
    n_assets, n_changes = Asset.objects.count(), Change.objects.count()
    saved = backup(tmp_path / "hub.json")
    Asset.objects.filter(name="Restart test pavilion").delete()
    assert restore(saved) == HubPlace.objects.count() >= 2
    assert Asset.objects.count() == n_assets and Change.objects.count() == n_changes
    assert Asset.objects.filter(name="Restart test pavilion").exists()
