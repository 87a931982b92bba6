"""The permission matrix: every role × every page and endpoint × read/write, including another
organisation's objects and another place's (expected 403/404, never data).

The expectations are written out here from the hub's stated rule (docs/hub.md), not derived
from :mod:`fairer.hub.roles`, so a change to either shows up as a failure.
"""

from __future__ import annotations

import io

import pytest

ROLES = ["anonymous", "outsider", "community", "partner", "partner2", "analyst", "owner"]
MEMBERS = ["community", "partner", "partner2", "analyst", "owner"]
N_ENDPOINTS = 29


def _objects(slug):
    from fairer.hub.models import Asset, HubPlace, Milestone, Organisation

    hp = HubPlace.objects.get(slug=slug)
    vcse = Organisation.objects.get(place=hp, name="VCSE partnership")
    asset, _ = Asset.objects.get_or_create(
        place=hp, name="Matrix test hall", defaults=dict(
            asset_type="community centre", latitude=54.1, longitude=-4.6, organisation=vcse),
    )  # fmt: skip
    milestone = Milestone.objects.filter(action__place=hp, action__organisation=vcse).first()
    return hp, asset, milestone


def _csv_upload(name="assets.csv"):
    _csv_upload.n = getattr(_csv_upload, "n", 0) + 1  # a new asset each time: a recorded change
    row = f"Matrix library {_csv_upload.n},library,54.12,-4.61\n"
    f = io.BytesIO(b"name,type,latitude,longitude\n" + row.encode())
    f.name = name
    return f


def _notes_upload():
    f = io.BytesIO(b"Workshop notes\n\nWhat would help?\n- More buses in the evening\n")
    f.name = "notes.txt"
    return f


# (name, method, url, data, who may) — `who may` is the set of roles for which the request
# succeeds; the others get 302 to log in (anonymous), 404 (outsider: the place is not public),
# or 403 (a member whose role may not).
def _endpoints(slug, asset, milestone):
    p = f"/p/{slug}"
    action = milestone.action.action_id
    everyone = set(MEMBERS)
    editors = {"partner", "partner2", "analyst", "owner"}
    vcse_editors = {"partner", "analyst", "owner"}
    return [
        ("glance", "get", f"{p}/", None, everyone),
        ("league", "get", f"{p}/league/", None, everyone),
        ("assets", "get", f"{p}/assets/", None, everyone),
        ("actions", "get", f"{p}/actions/", None, everyone),
        ("action", "get", f"{p}/actions/{action}/", None, everyone),
        ("learning", "get", f"{p}/learning/", None, everyone),
        ("voices", "get", f"{p}/voices/", None, everyone),
        ("history", "get", f"{p}/history/", None, everyone),
        ("export actions", "get", f"{p}/export/actions.xlsx", None, everyone),
        ("export learning", "get", f"{p}/export/learning.csv", None, everyone),
        ("export assets", "get", f"{p}/export/assets.csv", None, everyone),
        ("report", "get", f"{p}/reports/report.html", None, everyone),
        ("asset form", "get", f"{p}/assets/new/", None, editors),
        (
            "add asset",
            "post",
            f"{p}/assets/new/",
            lambda: {
                "name": "Matrix garden",
                "asset_type": "park",
                "latitude": "54.1",
                "longitude": "-4.6",
            },
            editors,
        ),  # fmt: skip
        ("upload assets", "post", f"{p}/assets/upload/", lambda: {"file": _csv_upload()}, editors),
        ("edit VCSE asset (form)", "get", f"{p}/assets/{asset.pk}/", None, vcse_editors),
        (
            "edit VCSE asset",
            "post",
            f"{p}/assets/{asset.pk}/",
            lambda: {
                "name": "Matrix test hall",
                "asset_type": "community centre",
                "latitude": "54.1",
                "longitude": "-4.6",
                "version": _version(asset),
            },
            vcse_editors,
        ),  # fmt: skip
        (
            "retire VCSE asset",
            "post",
            f"{p}/assets/{asset.pk}/retire/",
            lambda: {"version": _version(asset)},
            vcse_editors,
        ),  # fmt: skip
        (
            "update VCSE milestone",
            "post",
            f"{p}/milestones/{milestone.pk}/",
            lambda: {"status": "in progress", "note": "matrix", "version": _version(milestone)},
            vcse_editors,
        ),  # fmt: skip
        ("learning form", "get", f"{p}/learning/new/", None, editors),
        (
            "add learning",
            "post",
            f"{p}/learning/new/",
            lambda: {"date": "2026-11-01", "tried": "matrix", "did_not_work": "x", "why": "y"},
            editors,
        ),  # fmt: skip
        (
            "comment",
            "post",
            f"{p}/comments/",
            lambda: {"target_kind": "action", "target_key": action, "text": "matrix"},
            everyone,
        ),  # fmt: skip
        (
            "upload notes",
            "post",
            f"{p}/voices/upload/",
            lambda: {"file": _notes_upload()},
            everyone,
        ),
        ("import form", "get", f"{p}/import/", None, {"analyst", "owner"}),
        ("review codes", "get", f"{p}/voices/review/", None, {"analyst", "owner"}),
        ("save review", "post", f"{p}/voices/review/", lambda: {}, {"analyst", "owner"}),
        ("members", "get", f"{p}/members/", None, {"owner"}),
        (
            "invite",
            "post",
            f"{p}/members/",
            lambda: {"role": "partner", "organisation": "NHS"},
            {"owner"},
        ),  # fmt: skip
        # publishing and saving a review run whole jobs (each run once in test_files_and_data):
        # for analysts and owners they are skipped here, only their refusals are requested
        ("publish", "post", f"{p}/publish/", lambda: {}, {"analyst", "owner"}),
    ]


def _version(obj):
    obj.refresh_from_db()
    return str(obj.version)


def _changes(hp):
    from fairer.hub.models import Change

    return Change.objects.filter(place=hp).count()


def _cases():
    return [(role, i) for role in ROLES for i in range(N_ENDPOINTS)]


@pytest.fixture(scope="module")
def private(hub):
    from fairer.hub.models import HubPlace

    HubPlace.objects.filter(slug=hub["slug"]).update(public=False)
    yield
    HubPlace.objects.filter(slug=hub["slug"]).update(public=True)


@pytest.mark.parametrize(("role", "index"), _cases())
def test_permission_matrix(hub, client_for, private, role, index):
    hp, asset, milestone = _objects(hub["slug"])
    endpoints = _endpoints(hub["slug"], asset, milestone)
    assert len(endpoints) == N_ENDPOINTS
    name, method, url, data, allowed = endpoints[index]
    if name in ("publish", "save review") and role in allowed:
        pytest.skip(f"{name} runs a whole job: tested once in test_files_and_data")
    c = client_for(None if role == "anonymous" else role)
    before = _changes(hp)
    r = getattr(c, method)(url, data() if data else None)
    if role in allowed:
        ok = 200 if method == "get" or name == "invite" else 302  # an invitation shows its link
        assert r.status_code == ok, (name, role, r.status_code)
        if method == "post" and name != "invite":
            assert _changes(hp) > before, f"{name} by {role}: nothing was recorded"
        if ok == 302:
            assert "/accounts/login/" not in r["Location"]
    else:
        expected = {"anonymous": 302, "outsider": 404}.get(role, 403)
        assert r.status_code == expected, (name, role, r.status_code)
        if expected == 302:
            assert r["Location"].startswith("/accounts/login/")
        assert _changes(hp) == before, f"{name} by {role} changed something"
        body = r.content.decode("utf-8", "replace")
        assert "Matrix test hall" not in body and "VCSE partnership" not in body


def test_another_places_objects_are_not_found(hub, client_for):
    """A member of one place gets 404 for another place, and for its objects under their own."""
    from fairer.hub.models import Asset, HubPlace, Milestone

    HubPlace.objects.filter(slug=hub["slug"]).update(public=True)
    other = HubPlace.objects.get(slug=hub["other"])
    theirs = Asset.objects.filter(place=other).first()
    their_ms = Milestone.objects.filter(action__place=other).first()
    mine = f"/p/{hub['slug']}"
    for role in MEMBERS:
        c = client_for(role)
        for url in (f"/p/{other.slug}/", f"/p/{other.slug}/assets/", f"/p/{other.slug}/actions/",
                    f"/p/{other.slug}/export/actions.xlsx"):  # fmt: skip
            assert c.get(url).status_code == 404, (role, url)
        assert c.get(f"{mine}/assets/{theirs.pk}/").status_code in (403, 404)
        r = c.post(f"{mine}/milestones/{their_ms.pk}/", {"status": "done", "version": "1"})
        assert r.status_code in (403, 404), role
        r = c.post(f"{mine}/assets/{theirs.pk}/retire/", {"version": "1"})
        assert r.status_code in (403, 404), role
    theirs.refresh_from_db()
    assert not theirs.retired
    # and the other place's owner cannot reach ours
    c = client_for("other_owner")
    assert c.get(f"{mine}/").status_code == 200  # ours is public by default in the demo …
    assert c.get(f"{mine}/assets/").status_code == 403  # … but its members' pages are not


def test_public_view_shows_the_glance_only(hub, client_for):
    from fairer.hub.models import Comment, HubPlace

    HubPlace.objects.filter(slug=hub["slug"]).update(public=True)  # as the demo leaves it
    hp = HubPlace.objects.get(slug=hub["slug"])
    Comment.objects.create(place=hp, target_kind="indicator", target_key="adults_inactive",
                           text="Known issue: survey changed in 2024")  # fmt: skip
    anon = client_for(None)
    r = anon.get(f"/p/{hp.slug}/")
    assert r.status_code == 200
    body = r.content.decode()
    assert "Scorecard" in body and "Known issue" not in body and "Publish now" not in body
    assert anon.get(f"/p/{hp.slug}/league/").status_code == 200
    for page in ("assets/", "actions/", "history/", "voices/", "export/assets.csv"):
        assert anon.get(f"/p/{hp.slug}/{page}").status_code == 302, page
