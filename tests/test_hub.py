"""The hub's suite (tests/hub_suite), run in its own process on each database.

Django is configured once per process, so the suite runs once on the embedded default (the
place's SQLite file) and once on a real PostgreSQL server. CI (.ci/run) starts PostgreSQL from
Debian's packages and sets ``FAIRER_TEST_DATABASE_URL``; without a server the PostgreSQL run
skips and says so.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _run_suite(demo_run, database_url: str | None) -> None:
    out, _ = demo_run
    env = dict(os.environ, FAIRER_HUB_SUITE="1", FAIRER_HUB_TEST_DEMO=str(out))
    env.pop("FAIRER_TEST_DATABASE_URL", None)
    if database_url:
        env["FAIRER_TEST_DATABASE_URL"] = database_url
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-n", "0", "-p", "no:cacheprovider", "-x",
         str(ROOT / "tests" / "hub_suite")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800,
    )  # fmt: skip
    tail = "\n".join((proc.stdout + proc.stderr).splitlines()[-60:])
    print(tail)
    assert proc.returncode == 0, tail
    assert " passed" in tail


def test_hub_suite_on_the_embedded_database(demo_run):
    _run_suite(demo_run, None)


def _postgres_url() -> str:
    url = os.environ.get("FAIRER_TEST_DATABASE_URL")
    if not url:
        pytest.skip(
            "no PostgreSQL server: set FAIRER_TEST_DATABASE_URL=postgresql://user:pass@host/db "
            "(.ci/run starts one from Debian's packages)"
        )
    try:
        import psycopg

        psycopg.connect(url, connect_timeout=5).close()
    except Exception as exc:  # a server was promised: its absence is a failure, not a skip
        pytest.fail(f"the PostgreSQL server in FAIRER_TEST_DATABASE_URL is not reachable: {exc}")
    return url


def test_hub_suite_on_postgresql(demo_run):
    _run_suite(demo_run, _postgres_url())
