"""The `reachback` command: migrations, accounts, tokens and the demo, as a user runs them."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CLI = [sys.executable, "-m", "reachback.cli"]


@pytest.fixture
def instance(tmp_path):
    env = {**os.environ, "REACHBACK_INSTANCE_PATH": str(tmp_path / "inst"),
           "REACHBACK_ARGON2_TIME_COST": "1", "REACHBACK_ARGON2_MEMORY_KIB": "8",
           "REACHBACK_ARGON2_PARALLELISM": "1"}
    env.pop("REACHBACK_DATABASE_URL", None)

    def run(*args, stdin=None, check=True):
        result = subprocess.run([*CLI, *args], env=env, input=stdin, capture_output=True,
                                text=True, cwd=ROOT, timeout=120)
        if check:
            assert result.returncode == 0, result.stdout + result.stderr
        return result

    run.path = tmp_path / "inst"
    return run


def test_upgrade_create_user_token_and_demo(instance):
    instance("db", "upgrade")
    assert (instance.path / "reachback.db").exists()
    secret = (instance.path / "secret_key")
    assert secret.exists() and oct(secret.stat().st_mode)[-3:] == "600"
    assert "No new upgrade operations" in instance("db", "check").stdout + \
        instance("db", "check").stderr

    out = instance("users", "create", "Fac@Example.org", "--name", "Fatou Diallo",
                   "--role", "facilitator", "--role", "expert").stdout
    assert "fac@example.org" in out and "Password: " in out
    piped = instance("users", "create", "m@example.org", "--name", "M", "--password-stdin",
                     stdin="a long enough password\n").stdout
    assert "Password:" not in piped
    again = instance("users", "create", "m@example.org", "--name", "M", check=False)
    assert again.returncode != 0 and "exists" in again.stderr

    token = instance("users", "token", "m@example.org").stdout.strip().splitlines()[-1]
    assert token.startswith("rb_") and len(token) > 30

    first = instance("demo", "--if-empty").stdout
    assert "already has accounts" in first  # users exist: --if-empty leaves it alone
    loaded = instance("demo").stdout
    assert "member@example.org" in loaded and "facilitator@example.org" in loaded
    assert (instance.path / "demo-accounts.txt").exists()
    assert "already loaded" in instance("demo").stdout


def test_demo_into_an_empty_database_prints_one_account_per_role(instance):
    instance("db", "upgrade")
    out = instance("demo", "--if-empty").stdout
    for role in ("member", "expert", "facilitator", "admin"):
        assert f"{role}@example.org" in out
    assert "already has accounts" in instance("demo", "--if-empty").stdout


def test_unknown_role_is_refused(instance):
    instance("db", "upgrade")
    result = instance("users", "create", "x@example.org", "--name", "X", "--role", "king",
                      check=False)
    assert result.returncode != 0
