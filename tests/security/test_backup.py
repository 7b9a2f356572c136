"""Data safety: `reachback backup` and `restore` lose nothing, and a process killed in the
middle of writing leaves a consistent database."""
import io
import os
import signal
import sqlite3
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask.cli import ScriptInfo
from sqlalchemy import func, select

from reachback.cli import main
from reachback.extensions import db
from reachback.queries.models import Event, FieldQuery, ReferenceCounter
from tests.conftest import TEST_CONFIG

from .conftest import snapshot

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def cli(app):
    """Run `reachback ...` on the test app (in this process: the commands are the same,
    without the cost of starting Python each time)."""

    def run(*args, check=True):
        db.session.remove()  # hold no lock while the command works on the database
        result = CliRunner().invoke(main, list(args), obj=ScriptInfo(create_app=lambda: app))
        result.returncode = result.exit_code
        if check:
            assert result.exit_code == 0, result.output + repr(result.exception)
        return result

    return run


def upload(app, name: str, data: bytes) -> Path:
    path = Path(app.instance_path) / "uploads" / name[:2] / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_a_backup_restores_everything_it_held(app, cli, make_query, make_user, tmp_path):
    make_query(status="published", title="Vetting police recruits")
    make_query(status="routed", confidentiality="community")
    kept = upload(app, "ab12", b"%PDF-1.4 field report")
    before = snapshot()
    archive = tmp_path / "backups" / "site.tar.gz"
    out = cli("backup", str(archive)).output
    assert "1 uploaded file" in out and archive.exists()
    assert oct(archive.stat().st_mode)[-3:] == "600"
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    dump = "reachback.db" if db.engine.dialect.name == "sqlite" else "reachback.pgdump"
    assert {"manifest.json", f"database/{dump}", "uploads/ab/ab12"} <= set(names)
    assert "secret_key" not in " ".join(names)

    # Life goes on: more data, a lost file.
    make_query(title="A query after the backup")
    make_user("admin")
    kept.unlink()
    upload(app, "cd34", b"new file")
    assert snapshot() != before

    refused = cli("restore", str(archive), check=False)
    assert refused.returncode != 0 and "--yes" in refused.output
    assert not kept.exists()

    cli("restore", str(archive), "--yes")
    assert snapshot() == before
    assert kept.read_bytes() == b"%PDF-1.4 field report"
    assert not (Path(app.instance_path) / "uploads" / "cd" / "cd34").exists()
    aside = list(Path(app.instance_path).glob("pre-restore-*"))
    assert len(aside) == 1 and (aside[0] / "uploads" / "cd" / "cd34").exists()
    assert (aside[0] / dump).exists()


def test_a_backup_never_overwrites_and_a_damaged_one_is_refused(app, cli, make_query,
                                                              tmp_path):
    make_query()
    archive = tmp_path / "site.tar.gz"
    cli("backup", str(archive))
    again = cli("backup", str(archive), check=False)
    assert again.returncode != 0 and "exists" in again.output
    before = snapshot()
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive) as src, tarfile.open(damaged, "w:gz") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read()
            if member.name.startswith("database/"):
                data = data[:4096] + b"\0" * (len(data) - 4096)
            member.size = len(data)
            dst.addfile(member, io.BytesIO(data))
    result = cli("restore", str(damaged), "--yes", check=False)
    assert result.returncode != 0 and "damaged" in result.output
    assert snapshot() == before


def test_a_backup_refuses_an_archive_with_escaping_paths(app, cli, tmp_path):
    evil = tmp_path / "evil.tar.gz"
    with tarfile.open(evil, "w:gz") as tar:
        info = tarfile.TarInfo("../../outside.txt")
        info.size = 3
        tar.addfile(info, io.BytesIO(b"bad"))
    result = cli("restore", str(evil), "--yes", check=False)
    assert result.returncode != 0
    assert not (Path(app.instance_path).parent / "outside.txt").exists()


WRITER = """
import sys
from reachback import create_app
from reachback.accounts.models import User
from reachback.extensions import db
from reachback.queries import services as qs

app = create_app({"SECRET_KEY": sys.argv[2], "DATABASE_URL": sys.argv[1]})
with app.app_context():
    user = db.session.get(User, int(sys.argv[3]))
    n = 0
    while True:
        qs.submit_query(user, {"title": f"Query {n}", "question": "Q " * 500, "country": "SS",
                               "themes": ["vetting"], "priority": "normal",
                               "confidentiality": "restricted"})
        db.session.commit()
        n += 1
        if n == 1:
            print("writing", flush=True)
"""


def test_a_process_killed_while_writing_leaves_a_consistent_database(app, make_user):
    user_id = make_user().id
    db_url = app.config["SQLALCHEMY_DATABASE_URI"]
    db.session.remove()
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, db_url, TEST_CONFIG["SECRET_KEY"], str(user_id)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "REACHBACK_INSTANCE_PATH": app.instance_path})
    try:
        assert writer.stdout.readline().strip() == "writing", writer.stderr.read()
        time.sleep(1.0)
    finally:
        os.kill(writer.pid, signal.SIGKILL)
        writer.wait(timeout=30)
        writer.stdout.close()
        writer.stderr.close()
    assert writer.returncode == -signal.SIGKILL

    if db_url.startswith("sqlite:///"):  # PostgreSQL checks its own pages (WAL, checksums)
        with sqlite3.connect(db_url.removeprefix("sqlite:///")) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        conn.close()
    queries = db.session.scalars(select(FieldQuery)).all()
    assert len(queries) >= 1
    with_events = set(db.session.scalars(select(Event.query_id).distinct()))
    assert {q.id for q in queries} <= with_events  # every committed query has its events
    for counter in db.session.scalars(select(ReferenceCounter)):
        highest = db.session.scalar(select(func.max(FieldQuery.reference)).where(
            FieldQuery.reference.like(f"RB-{counter.year}-%")))
        assert counter.last >= int(highest.rsplit("-", 1)[1])
