"""A server set up with ``migrate`` alone works: nothing else has to be remembered."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SIGN_IN = """
import django
django.setup()
from django.test import Client
client = Client()
bad = client.post("/accounts/login/", {"username": "nobody", "password": "wrong"})
token = client.post("/api/auth/token/", {"username": "nobody", "password": "wrong"})
print(bad.status_code, token.status_code)
"""


def test_migrate_alone_makes_the_rate_limit_table_and_sign_in_answers(tmp_path):
    database = tmp_path / "fresh.sqlite3"
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DATABASE_URL"}},
        "DATABASE_URL": f"sqlite:///{database}",
        "DJANGO_SETTINGS_MODULE": "annotator.settings",
        "DJANGO_HTTPS": "0",
        "DJANGO_ALLOWED_HOSTS": "testserver",
    }
    migrate = [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"]
    subprocess.run(migrate, cwd=ROOT, env=env, check=True, timeout=120)  # noqa: S603
    with sqlite3.connect(database) as connection:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    assert "django_cache" in tables
    answer = subprocess.run(  # noqa: S603
        [sys.executable, "-c", SIGN_IN],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    )
    # Wrong credentials: the form again (200) and a 400, not a 500 from a missing table.
    assert answer.stdout.split() == ["200", "400"], answer.stderr
