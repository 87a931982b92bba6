"""Security the issue asks for, tested on the running application: CSRF, cookies, CSP, login
throttling, hashed passwords, upload checks, hostile text, lost updates."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser

import pytest

PAGES = ["", "league/", "assets/", "assets/new/", "actions/", "learning/", "learning/new/",
         "voices/", "history/", "members/", "import/"]  # fmt: skip


class _Inline(HTMLParser):
    """Inline script and style a strict CSP would block."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script" and "src" not in a:
            self.found.append("inline <script>")
        if "style" in a:
            self.found.append(f"style= on <{tag}>")
        self.found += [f"{k} on <{tag}>" for k in a if k.startswith("on")]
        if tag == "style":
            self.found.append("<style> block")


def test_every_page_works_under_a_strict_csp(hub, client_for):
    c = client_for("owner")
    for page in PAGES:
        r = c.get(f"/p/{hub['slug']}/{page}")
        assert r.status_code == 200, page
        csp = r["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp, csp
        assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
        parser = _Inline()
        parser.feed(r.content.decode())
        assert not parser.found, (page, parser.found[:3])
        assert r["X-Frame-Options"] == "DENY"
        assert r["X-Content-Type-Options"] == "nosniff"


def test_forms_need_the_csrf_token(hub, client_for):
    c = client_for("partner", csrf=True)
    url = f"/p/{hub['slug']}/comments/"
    data = {"target_kind": "action", "target_key": "A5", "text": "csrf"}
    assert c.post(url, data).status_code == 403
    page = c.get(f"/p/{hub['slug']}/actions/A5/")
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.content).group(1)
    assert c.post(url, data | {"csrfmiddlewaretoken": token.decode()}).status_code == 302


def test_session_cookies_are_httponly_and_samesite(hub):
    from django.conf import settings

    from fairer.hub import hub_settings

    assert settings.SESSION_COOKIE_HTTPONLY and settings.CSRF_COOKIE_HTTPONLY
    assert settings.SESSION_COOKIE_SAMESITE == "Lax" and settings.CSRF_COOKIE_SAMESITE == "Strict"
    shared = hub_settings("sqlite:///x", "k" * 50, secure_cookies=True)
    assert shared["SESSION_COOKIE_SECURE"] and shared["CSRF_COOKIE_SECURE"]


def test_passwords_are_hashed_by_the_framework(hub):
    from django.contrib.auth import get_user_model

    from fairer.hub import DEMO_PASSWORD

    user = get_user_model().objects.get(username="partner")
    assert DEMO_PASSWORD not in user.password
    assert user.password.startswith(("pbkdf2_sha256$", "argon2", "bcrypt", "scrypt"))
    assert user.check_password(DEMO_PASSWORD)


def test_login_is_rate_limited(hub):
    from django.contrib.auth import get_user_model
    from django.test import Client

    get_user_model().objects.create_user("locked", password="right-password-2026")
    c = Client()
    for attempt in range(1, 6):
        r = c.post("/accounts/login/", {"username": "locked", "password": "wrong"})
        if attempt < 5:
            assert r.status_code == 200 and b"did not match" in r.content
    assert r.status_code == 429  # the fifth failure locks the account out from this address
    r = c.post("/accounts/login/", {"username": "locked", "password": "right-password-2026"})
    assert r.status_code in (403, 429), r.status_code  # locked out, even with the right password
    assert "_auth_user_id" not in c.session
    other = Client()  # another user is not locked out
    r = other.post("/accounts/login/", {"username": "partner", "password": "fairhaven-demo-2026"})
    assert r.status_code == 302


def _upload(name: str, body: bytes):
    f = io.BytesIO(body)
    f.name = name
    return f


@pytest.mark.parametrize(
    ("name", "body", "message"),
    [
        ("evil.exe", b"MZ\x90\x00", "not accepted"),
        ("fake.xlsx", b"name,type\nx,park\n", "not a real .xlsx"),
        ("binary.csv", b"name\x00type\x00", "not text"),
        ("big.csv", b"name,type,latitude,longitude\n" + b"x" * (11 * 1024 * 1024), "over 10 MB"),
    ],
)
def test_uploads_are_checked_by_content_and_size(hub, client_for, name, body, message):
    from fairer.hub.models import Asset

    before = Asset.objects.count()
    c = client_for("partner")
    r = c.post(f"/p/{hub['slug']}/assets/upload/", {"file": _upload(name, body)}, follow=True)
    assert message in r.content.decode()
    assert Asset.objects.count() == before


HOSTILE = '<script>alert("x")</script>'
FORMULA = '=HYPERLINK("http://evil.example","click")'


def test_hostile_text_is_escaped_in_pages_and_neutralised_in_exports(hub, client_for):
    from fairer.hub.models import Action, Asset, HubPlace, Organisation

    hp = HubPlace.objects.get(slug=hub["slug"])
    org = Organisation.objects.get(place=hp, name="VCSE partnership")
    c = client_for("partner")
    r = c.post(f"/p/{hp.slug}/assets/new/", {"name": HOSTILE, "asset_type": "park",
               "latitude": "54.1", "longitude": "-4.6", "run_by": FORMULA})  # fmt: skip
    assert r.status_code == 302
    c.post(
        f"/p/{hp.slug}/comments/", {"target_kind": "action", "target_key": "A5", "text": HOSTILE}
    )
    c.post(f"/p/{hp.slug}/learning/new/", {"date": "2026-11-02", "tried": FORMULA,
                                               "did_not_work": HOSTILE, "why": HOSTILE})  # fmt: skip
    action = Action.objects.get(place=hp, action_id="A5")
    assert action.organisation == org
    for page in ("assets/", "actions/A5/", "learning/", "history/"):
        body = c.get(f"/p/{hp.slug}/{page}").content.decode()
        assert HOSTILE not in body, page
        assert "&lt;script&gt;" in body, page
    csv = c.get(f"/p/{hp.slug}/export/assets.csv").content.decode()
    assert "'=HYPERLINK" in csv and ",=HYPERLINK" not in csv
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(c.get(f"/p/{hp.slug}/export/learning.xlsx").content))
    cells = [v for row in book.active.iter_rows(values_only=True) for v in row if v]
    assert any(str(v).startswith("'=HYPERLINK") for v in cells)
    assert not any(str(v).startswith("=") for v in cells)
    assert Asset.objects.filter(name=HOSTILE).exists()  # kept as typed, only shown safely


def _milestone_form(c, slug, action_id, milestone_id):
    page = c.get(f"/p/{slug}/actions/{action_id}/").content.decode()
    form = re.search(rf'<form method="post" action="([^"]+)" data-milestone="{re.escape(milestone_id)}">.*?name="version" value="(\d+)"', page, re.S)  # fmt: skip
    return form.group(1), form.group(2)


def test_two_partners_editing_one_milestone_lose_no_update(hub, client_for):
    from fairer.hub.models import Change, Milestone

    m = Milestone.objects.filter(action__action_id="A5", action__place__slug=hub["slug"]).first()
    a, b = client_for("partner"), client_for("analyst")
    url, version_a = _milestone_form(a, hub["slug"], "A5", m.milestone_id)
    _, version_b = _milestone_form(b, hub["slug"], "A5", m.milestone_id)
    assert version_a == version_b
    r1 = a.post(
        url, {"status": "at risk", "note": "from partner", "version": version_a}, follow=True
    )
    assert "Updated milestone" in r1.content.decode()
    r2 = b.post(url, {"status": "done", "note": "from analyst", "version": version_b}, follow=True)
    assert "was not saved" in r2.content.decode()  # a clear message, not a silent overwrite
    m.refresh_from_db()
    assert (m.status, m.note) == ("at risk", "from partner")
    last = Change.objects.filter(model="milestone", object_id=str(m.pk)).first()
    assert last.before["status"] != "at risk" and last.after["status"] == "at risk"
    assert last.user.username == "partner"


def test_concurrent_writes_through_the_server_lose_nothing(hub, live_hub):
    """Eight partners posting comments at once through waitress: every one is stored."""
    import http.cookiejar
    import urllib.parse
    import urllib.request
    from concurrent.futures import ThreadPoolExecutor

    from fairer.hub.models import Comment

    def session():
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        page = opener.open(f"{live_hub}/accounts/login/").read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        data = urllib.parse.urlencode({"username": "partner", "password": "fairhaven-demo-2026",
                                       "csrfmiddlewaretoken": token}).encode()  # fmt: skip
        req = urllib.request.Request(f"{live_hub}/accounts/login/", data,
                                     headers={"Referer": f"{live_hub}/accounts/login/"})  # fmt: skip
        opener.open(req).read()
        return opener

    opener = session()
    page = opener.open(f"{live_hub}/p/{hub['slug']}/actions/A7/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    before = Comment.objects.filter(target_key="A7").count()

    def post(i):
        data = urllib.parse.urlencode({"target_kind": "action", "target_key": "A7",
                                       "text": f"concurrent {i}", "csrfmiddlewaretoken": token,
                                       "next": f"/p/{hub['slug']}/history/"}).encode()  # fmt: skip
        req = urllib.request.Request(f"{live_hub}/p/{hub['slug']}/comments/", data,
                                     headers={"Referer": f"{live_hub}/p/{hub['slug']}/"})  # fmt: skip
        return opener.open(req).status

    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(post, range(40)))
    assert statuses == [200] * 40  # redirected to the page
    assert Comment.objects.filter(target_key="A7").count() == before + 40
