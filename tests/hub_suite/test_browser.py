"""End to end in a real browser: Debian's Chromium driven by Playwright (the system browser;
no browser is downloaded). Each role logs in through the login page of the running server."""

from __future__ import annotations

import shutil

import pytest

from fairer.hub import DEMO_PASSWORD

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="needs Debian's chromium (apt-get install chromium; .ci/run does)"
)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield b
        b.close()


@pytest.fixture
def page_as(browser, live_hub):
    pages = []

    def make(username: str):
        context = browser.new_context(
            accept_downloads=True, viewport={"width": 1280, "height": 900}
        )
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.errors = errors
        page.goto(f"{live_hub}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", DEMO_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state()
        pages.append(context)
        return page

    yield make
    for c in pages:
        c.close()


def _has_content(png: bytes) -> bool:
    """A screenshot that is not blank: many distinct colours."""
    import io

    from PIL import Image

    img = Image.open(io.BytesIO(png)).convert("RGB").resize((200, 150))
    colours = img.getcolors(maxcolors=200 * 150) or []
    return len(colours) > 20


def test_each_role_logs_in_and_sees_the_place(page_as, hub, tmp_path):
    for role in ("owner", "analyst", "partner", "community"):
        page = page_as(role)
        assert page.url.endswith(f"/p/{hub['slug']}/"), (role, page.url)
        assert page.locator("h1").inner_text().endswith("at a glance")
        assert page.locator(".who").inner_text().startswith(role)
        assert not [e for e in page.errors if "Content Security Policy" in e], page.errors
    shots = {}
    page = page_as("owner")
    for name in ("", "assets/", "actions/", "league/", "learning/", "voices/", "members/"):
        page.goto(f"{page.url.split('/p/')[0]}/p/{hub['slug']}/{name}")
        shot = page.screenshot(full_page=False)
        (tmp_path / f"{name.strip('/') or 'glance'}.png").write_bytes(shot)
        shots[name] = _has_content(shot)
    assert all(shots.values()), shots
    assert not page.errors, page.errors  # no script blocked by the CSP, no script error


def test_the_rug_filters_by_domain_and_area(page_as):
    page = page_as("partner")
    rows = page.locator("#rug tbody tr")
    total = rows.count()
    assert total > 3
    page.select_option('[data-filter="domain"]', "income")
    visible = page.locator("#rug tbody tr:not(.hidden)")
    assert 0 < visible.count() < total
    page.select_option('[data-filter="area"]', index=1)
    assert page.locator("#rug tbody tr:not(.hidden) td:not(.hidden)").count() == visible.count()


def test_a_partner_adds_an_asset_by_clicking_the_map(page_as, hub):
    from fairer.hub.models import Asset

    page = page_as("partner")
    page.goto(page.url + "assets/new/")
    page.fill("#id_name", "Clicked community garden")
    page.select_option("#id_asset_type", "park")
    box = page.locator("svg[data-pick]").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    assert page.input_value("#id_easting") and page.input_value("#id_northing")
    page.click("form.card button[type=submit]")
    page.wait_for_load_state()
    assert "Added Clicked community garden" in page.content()
    a = Asset.objects.get(name="Clicked community garden")
    assert a.organisation.name == "VCSE partnership"
    assert 49.5 < a.latitude < 61 and -8.7 < a.longitude < 2.1


def test_a_partner_updates_a_milestone_and_the_rag_follows(page_as, hub):
    from fairer.hub.models import Milestone

    page = page_as("partner")
    m = Milestone.objects.filter(action__place__slug=hub["slug"], action__action_id="A5").exclude(
        status="done").first()  # fmt: skip
    page.goto(page.url + "actions/A5/")
    form = page.locator(f'form[data-milestone="{m.milestone_id}"]')
    form.locator("select").select_option("done")
    form.locator("input[type=date]").fill("2026-11-30")
    form.locator("textarea").fill("Delivered with the youth forum")
    form.locator("button").click()
    page.wait_for_load_state()
    assert f"Updated milestone {m.milestone_id}" in page.content()
    row = page.locator("#milestones tr", has_text="Delivered with the youth forum")
    assert "done" in row.locator(".rag").inner_text()


def test_community_uploads_notes_and_sees_them_redacted(page_as, hub, tmp_path):
    notes = tmp_path / "cafe-notes.md"
    notes.write_text(
        "# Strategy cafe, Quayside\n\n## What matters most to you?\n\n"
        "- Safe walking routes to school\n"
        "- Ring Dave Smith on 07700 900456 about the lunch club\n",
        encoding="utf-8",
    )
    page = page_as("community")
    page.goto(page.url + "voices/")
    page.set_input_files("input[type=file]", str(notes))
    page.click("section.card button[type=submit]")
    page.wait_for_load_state()
    text = page.content()
    assert "redacted before anything was kept" in text
    assert "Safe walking routes to school" in text
    assert "07700 900456" not in text and "Dave Smith" not in text


def test_the_owner_downloads_the_report(page_as):
    page = page_as("owner")
    link = page.locator("a[href$='report.html']")
    with page.expect_download() as info:
        link.click()
    path = info.value.path()
    head = path.read_bytes()[:200] if path else b""
    assert head.lstrip().lower().startswith(b"<!doctype html")
