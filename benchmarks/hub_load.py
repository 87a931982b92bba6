"""A bounded load test of the partnership hub on loopback: 50 simulated partners for 60 s.

Each simulated partner logs in through the login page, then for the whole minute reads the
place at a glance, the action plan and an action, and writes: a comment on that action, and a
status update to one of its organisation's milestones (with the version it read, as the page
does). Afterwards the database is checked: every comment the server accepted is there, and the
milestone's version went up exactly once per accepted update (no lost writes). A refused
update (someone saved first) is the hub's optimistic check doing its job and is counted apart.

The server is ``fairer serve`` (waitress, 8 threads) in its own process, on a copy of the demo.

Run: ``.venv/bin/python benchmarks/hub_load.py [--database-url postgresql://…] [--demo DIR]``
(``--no-record`` to leave docs/benchmarks.md as it is).
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _record import record  # noqa: E402

USERS, SECONDS, PASSWORD = 50, 60.0, "load-test-pass-2026"
THINK = (2.0, 8.0)  # seconds between one page and the next: a person reading it (mean 5 s)
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Partner(threading.Thread):
    def __init__(self, base: str, slug: str, name: str, milestone_id: str, stop: threading.Event):
        super().__init__(daemon=True)
        self.base, self.slug, self.name, self.milestone_id, self.stop = (
            base,
            slug,
            name,
            milestone_id,
            stop,
        )
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: list[str] = []
        self.timeline: list[tuple[float, float]] = []
        self.comments = self.updates = self.refused = 0
        import random

        self.rng = random.Random(name)
        jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def _open(self, kind: str, path: str, data: dict | None = None) -> str:
        if kind not in ("login page", "log in") and self.stop.wait(self.rng.uniform(*THINK)):
            return ""  # the minute is over: no burst of unpaused requests at the end
        url = self.base + path
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(url, body, headers={"Referer": url})
        t = time.perf_counter()
        try:
            with self.opener.open(req, timeout=60) as r:
                text = r.read().decode("utf-8", "replace")
                status = r.status
        except urllib.error.HTTPError as exc:
            self.errors.append(f"{kind}: HTTP {exc.code}")
            return ""
        except OSError as exc:
            self.errors.append(f"{kind}: {exc}")
            return ""
        self.times[kind].append(time.perf_counter() - t)
        self.timeline.append((t, time.perf_counter() - t))
        if status != 200:
            self.errors.append(f"{kind}: HTTP {status}")
        return text

    def login(self) -> None:
        page = self._open("login page", "/accounts/login/")
        self._open(
            "log in",
            "/accounts/login/",
            {
                "username": self.name,
                "password": PASSWORD,
                "csrfmiddlewaretoken": TOKEN.search(page).group(1),
            },
        )

    def run(self) -> None:
        p = f"/p/{self.slug}"
        i = 0
        while not self.stop.is_set():
            i += 1
            self._open("place at a glance", f"{p}/")
            self._open("action plan", f"{p}/actions/")
            page = self._open("action", f"{p}/actions/A5/")
            m = re.search(
                r'<form method="post" action="([^"]+)" data-milestone="'
                + re.escape(self.milestone_id)
                + r'">.*?name="csrfmiddlewaretoken" value="([^"]+)".*?name="version" value="(\d+)"',
                page,
                re.S,
            )
            if not m:
                if not self.stop.is_set():
                    self.errors.append("action: no milestone form")
                continue
            url, token, version = m.groups()
            back = self._open(
                "write: comment",
                f"{p}/comments/",
                {
                    "target_kind": "action",
                    "target_key": "A5",
                    "text": f"{self.name} note {i}",
                    "csrfmiddlewaretoken": token,
                    "next": f"{p}/history/",
                },
            )
            if back:
                self.comments += 1
            elif self.stop.is_set():
                break
            status = ["in progress", "at risk"][i % 2]
            back = self._open(
                "write: milestone",
                url.replace(self.base, ""),
                {
                    "status": status,
                    "note": f"{self.name} {i}",
                    "version": version,
                    "csrfmiddlewaretoken": token,
                },
            )
            if "Updated milestone" in back:
                self.updates += 1
            elif "was not saved" in back:
                self.refused += 1
            elif back:
                self.errors.append("write: milestone neither saved nor refused")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--database-url", default=os.environ.get("FAIRER_TEST_DATABASE_URL"))
    ap.add_argument("--demo", type=Path, default=None, help="a demo folder (else one is built)")
    ap.add_argument("--no-record", action="store_true")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="fairer-hub-load-"))
    if args.demo is None:
        from fairer.demo import run_demo

        args.demo = work / "built"
        run_demo(args.demo)
    from fairer.demo import copy_demo

    place = copy_demo(args.demo, work / "demo") / "place"
    from fairer.hub import configure, prepare_hub

    configure(place, args.database_url)
    if args.database_url:
        from django.core.management import call_command

        call_command("flush", interactive=False, verbosity=0)
    setup = prepare_hub(place, args.database_url)
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from fairer.hub.models import Comment, HubPlace, Membership, Milestone, Organisation

    hp = HubPlace.objects.get(slug=setup.slug)
    org = Organisation.objects.get_or_create(place=hp, name="VCSE partnership")[0]
    hashed = make_password(PASSWORD)  # one real PBKDF2 hash, shared (logins still verify it)
    User = get_user_model()
    for k in range(USERS):
        u = User.objects.create(username=f"load{k:02d}", password=hashed)
        Membership.objects.create(user=u, place=hp, role="partner", organisation=org)
    milestone = Milestone.objects.get(action__place=hp, action__action_id="A5", milestone_id="A5.2")
    version0, comments0 = milestone.version, Comment.objects.filter(place=hp).count()

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ)
    if args.database_url:
        env["FAIRER_DATABASE_URL"] = args.database_url
    fairer = Path(sys.executable).parent / "fairer"
    server = subprocess.Popen(
        [str(fairer), "serve", str(place), "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(240):
            try:
                urllib.request.urlopen(base + "/accounts/login/", timeout=2).read()
                break
            except OSError:
                time.sleep(0.25)
        stop = threading.Event()
        partners = [Partner(base, setup.slug, f"load{k:02d}", "A5.2", stop) for k in range(USERS)]
        t = time.perf_counter()
        logins = [threading.Thread(target=p.login) for p in partners]
        for th in logins:
            th.start()
        for th in logins:
            th.join()
        login_s = time.perf_counter() - t
        t = time.perf_counter()
        for p in partners:
            p.start()
        time.sleep(SECONDS)
        stop.set()
        for p in partners:
            p.join(timeout=120)
        elapsed = time.perf_counter() - t
    finally:
        server.terminate()
        server.wait(timeout=30)
    times: dict[str, list[float]] = defaultdict(list)
    for p in partners:
        for k, v in p.times.items():
            times[k] += v
    errors = [e for p in partners for e in p.errors]
    if os.environ.get("FAIRER_LOAD_TIMELINE"):
        tl = sorted(x for p in partners for x in p.timeline)
        t0 = tl[0][0]
        for k in range(0, 200, 5):
            w = [d for s0, d in tl if k <= s0 - t0 < k + 5]
            if w:
                print(
                    f"{k:>3}-{k + 5} s: {len(w):>4} requests, p95 {np.percentile(w, 95) * 1000:.0f} ms"
                )
    comments = sum(p.comments for p in partners)
    updates = sum(p.updates for p in partners)
    refused = sum(p.refused for p in partners)
    milestone.refresh_from_db()
    stored_comments = Comment.objects.filter(place=hp).count() - comments0
    lost_comments = comments - stored_comments
    lost_updates = updates - (milestone.version - version0)
    backend = "PostgreSQL" if args.database_url else "SQLite (the embedded default)"
    rows = []
    every = []
    for kind in (
        "place at a glance",
        "action plan",
        "action",
        "write: comment",
        "write: milestone",
    ):
        v = np.array(times[kind])
        every += list(v)
        rows.append(
            f"| {kind} | {len(v):,} | {np.median(v) * 1000:.0f} ms | {np.percentile(v, 95) * 1000:.0f} ms | {v.max() * 1000:.0f} ms |"
        )
    all_v = np.array(every)
    body = f"""## Partnership hub: {USERS} partners at once for {SECONDS:.0f} s ({backend})

`fairer serve` (waitress, 8 threads) on a copy of the demo, on loopback; {USERS} simulated partners log in through
the login page ({login_s:.1f} s for all of them: PBKDF2 by design), then each loops for {SECONDS:.0f} s: the place at a
glance, the action plan, an action, a comment (write) and a milestone update with the version it read (write),
pausing {THINK[0]}–{THINK[1]} s before each request as a person reading the page would.
Reproduce: `.venv/bin/python benchmarks/hub_load.py{" --database-url postgresql://…" if args.database_url else ""}`.

| request | count | median | p95 | max |
|---|---|---|---|---|
{chr(10).join(rows)}
| **all** | {len(all_v):,} | {np.median(all_v) * 1000:.0f} ms | {np.percentile(all_v, 95) * 1000:.0f} ms | {all_v.max() * 1000:.0f} ms |

{len(all_v) / elapsed:.1f} requests a second; errors: {len(errors)}. Writes: {comments:,} comments accepted, {stored_comments:,} stored
(lost: {lost_comments}); {updates:,} milestone updates saved and the milestone's version rose by {milestone.version - version0:,}
(lost: {lost_updates}); {refused:,} updates refused because another partner had saved first (the optimistic check, with
its message).
"""
    print(body)
    if errors:
        print("first errors:", errors[:5])
    if not args.no_record:
        record("hub-postgres" if args.database_url else "hub", body)
    if errors or lost_comments or lost_updates:
        sys.exit(1)


if __name__ == "__main__":
    main()
