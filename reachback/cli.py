"""The `reachback` command: a Flask CLI group bound to create_app."""
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess  # nosec B404
import sys
import tarfile
import tempfile
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import click
from flask.cli import FlaskGroup, ScriptInfo, pass_script_info, with_appcontext
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from . import create_app, init_migrations
from .accounts.models import ROLES, find_user_by_email
from .config import setting
from .errors import Invalid
from .extensions import db


def _cli_app():
    return init_migrations(create_app())


@click.group(cls=FlaskGroup, create_app=_cli_app)
def main():
    """Reachback: reach-back queries for stabilization and peacebuilding practitioners."""


@main.group()
def users():
    """Manage accounts."""


@users.command("create")
@click.argument("email")
@click.option("--name", required=True, help="Full name.")
@click.option("--role", "roles", multiple=True, type=click.Choice(ROLES), default=["member"],
              show_default=True, help="A role; repeat for several.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@with_appcontext
def users_create(email, name, roles, password_stdin):
    """Create an account; prints a generated password unless --password-stdin is given."""
    from .accounts.passwords import generate_password
    from .accounts.services import create_user

    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else generate_password()
    try:
        user = create_user(None, email, name, roles=roles, password=password)
        db.session.commit()
    except Invalid as error:
        db.session.rollback()
        raise click.ClickException("; ".join(f"{k}: {v}" for k, v in error.fields.items())) \
            from None
    click.echo(f"Created {user.email} ({', '.join(sorted(user.roles))}).")
    if not password_stdin:
        click.echo(f"Password: {password}")


@users.command("token")
@click.argument("email")
@click.option("--name", default="CLI token", help="A label for the token.")
@with_appcontext
def users_token(email, name):
    """Create an API token for EMAIL; prints only the token, on the last line."""
    from .accounts.services import create_token

    user = find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"No account for {email}.")
    _token, clear = create_token(user, name)
    db.session.commit()
    click.echo(clear)


@users.command("totp")
@click.argument("email")
@with_appcontext
def users_totp(email):
    """Give EMAIL a new two-factor key (a lost phone, or enrolment by hand): the old key and
    recovery codes stop working and every session of the account ends. The next sign-in
    asks for a code of the new key; new recovery codes are made from the security page.
    Prints the new base32 key alone on the last line: hand it over by a safe channel."""
    from .accounts.twofactor import reset_totp

    user = find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"No account for {email}.")
    secret = reset_totp(None, user)
    db.session.commit()
    click.echo(f"New two-factor key for {user.email}; old key and recovery codes deleted, "
               "sessions ended. Add it to an authenticator app (time-based, 6 digits, 30 s):")
    click.echo(secret)


@main.command("demo")
@click.option("--if-empty", is_flag=True, help="Only load into a database without users.")
@with_appcontext
def demo_command(if_empty):
    """Load the demo data (idempotent): taxonomy, accounts, experts, queries."""
    from .demo import load_demo

    load_demo(click.echo, only_if_empty=if_empty)


@main.command("run")
@click.option("--host", "-h", default="127.0.0.1", show_default=True,
              help="The interface to bind to.")
@click.option("--port", "-p", default=5000, show_default=True, type=int,
              help="The port to bind to.")
@pass_script_info
def run_command(info: ScriptInfo, host, port):
    """Serve the application (development server, threaded, no reloader); also runs the
    scheduler in-process unless SCHEDULER_IN_RUN is off."""
    from werkzeug.serving import run_simple

    from .scheduler import start_background

    app = info.load_app()
    if setting("SCHEDULER_IN_RUN", app):
        start_background(app)
    run_simple(host, port, app, use_reloader=False, use_debugger=False, threaded=True)


@main.command("scheduler")
@pass_script_info
def scheduler_command(info: ScriptInfo):
    """Run the scheduled jobs until stopped (SIGTERM or Ctrl-C); a database lease keeps a
    single scheduler active across processes and hosts."""
    import logging

    from .scheduler import run_blocking

    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    run_blocking(info.load_app())


@main.group("jobs")
def jobs_group():
    """The scheduled jobs: list them, or run one now."""


@jobs_group.command("list")
@pass_script_info
def jobs_list(info: ScriptInfo):
    """Print each scheduled job: its name, how often it runs, what it does."""
    from .scheduler import JOBS

    app = info.load_app()
    width = max(len(job.name) for job in JOBS)
    schedules = [job.schedule(app) for job in JOBS]
    every = max(len(text) for text in schedules)
    for job, schedule in zip(JOBS, schedules, strict=True):
        click.echo(f"{job.name:<{width}}  {schedule:<{every}}  {job.doc}")


@jobs_group.command("run")
@click.argument("name")
@with_appcontext
def jobs_run(name):
    """Run the job NAME once, now, under the scheduler's lease (refused while a running
    scheduler holds it); `reachback jobs list` names them."""
    from .scheduler import JOBS, LeaseHeld, find_job, run_once

    job = find_job(name)
    if job is None:
        raise click.ClickException(f"No job is called {name!r}. The jobs: "
                                   f"{', '.join(j.name for j in JOBS)}.")
    try:
        result = run_once(job)
    except LeaseHeld as held:
        raise click.ClickException(f"{name} did not run: {held}.") from None
    click.echo(f"{name} ran{'' if result is None else f': {result}'}.")


@main.group("mail")
def mail_group():
    """E-mail in: handle a message (for an MTA pipe, fetchmail or procmail)."""


@mail_group.command("receive")
@click.option("--recipient", "recipients", multiple=True, metavar="ADDRESS",
              help="The envelope recipient (Postfix: ${recipient}); repeat for several.")
@with_appcontext
def mail_receive(recipients):
    """Read one RFC 5322 message on standard input and handle it: a reply to a Reachback
    e-mail, a new query to MAIL_INTAKE_ADDRESS, a bounce, or noise to ignore. Prints one line
    saying what it did. Exit status: 0 handled or ignored, 65 (EX_DATAERR) unreadable or
    refused content, 67 (EX_NOUSER) unknown or not allowed sender or address."""
    from .mailin.handle import DATAERR, receive

    limit = setting("MAIL_IN_MAX_BYTES")
    raw = sys.stdin.buffer.read(limit + 1)
    if len(raw) > limit:
        click.echo(f"refused: the message is larger than {limit} bytes")
        sys.exit(DATAERR)
    outcome = receive(raw, recipients)
    click.echo(outcome.line)
    sys.exit(outcome.code)


@main.command("reindex")
@with_appcontext
def reindex_command():
    """Rebuild the search index from the database (published responses, library documents,
    open queries); searches keep using the old index until the new one is complete."""
    import time

    from .knowledge.search import rebuild, total_to_index

    started = time.perf_counter()
    with click.progressbar(length=total_to_index(), label="Indexing",
                           show_pos=True) as bar:
        done = {"n": 0}

        def progress(count: int) -> None:
            bar.update(count - done["n"])
            done["n"] = count

        counts = rebuild(progress)
    if counts is None:
        raise click.ClickException("Another rebuild of the search index is running.")
    cleared = counts.pop("outbox")
    for kind, n in counts.items():
        click.echo(f"{kind:<12} {n:>8}")
    click.echo(f"{'total':<12} {sum(counts.values()):>8} indexed in "
               f"{time.perf_counter() - started:.1f} s; {cleared} queued change(s) included.")


@main.command("rerender")
@click.option("--all", "everything", is_flag=True,
              help="Every text, not only those never rendered (after the Markdown rules change).")
@with_appcontext
def rerender_command(everything):
    """Render stored Markdown into its HTML columns: the rows written before those columns
    existed (shown meanwhile by rendering them on every view), or with --all every row."""
    from sqlalchemy import or_, select, update

    from .markdown import render
    from .queries.models import Contribution, FieldQuery, Message
    from .synthesis.models import ConsolidatedResponse, ResponseTranslation

    for model in (FieldQuery, Contribution, Message, ConsolidatedResponse, ResponseTranslation):
        fields = model.__markdown__
        stmt = select(model.id, *(getattr(model, f) for f in fields)).order_by(model.id)
        if not everything:
            stmt = stmt.where(or_(*(getattr(model, f"{f}_html").is_(None) for f in fields)))
        rows = db.session.execute(stmt).all()
        # Core UPDATEs that keep updated_at: rendering again is not an edit.
        keep = {"updated_at": model.updated_at} if hasattr(model, "updated_at") else {}
        with click.progressbar(length=len(rows), label=model.__tablename__) as bar:
            for start in range(0, len(rows), 500):
                for row in rows[start:start + 500]:
                    db.session.execute(update(model).where(model.id == row[0]).values(
                        **keep, **{f"{f}_html": str(render(text))
                                   for f, text in zip(fields, row[1:], strict=True)}))
                db.session.commit()
                bar.update(len(rows[start:start + 500]))


# --- backup and restore -----------------------------------------------------------------
# A backup is one .tar.gz file (mode 0600: it holds everything) with manifest.json, the
# database (database/reachback.db: a consistent SQLite copy made with SQLite's online backup
# API while the site runs; or database/reachback.pgdump: pg_dump's custom format) and the
# uploaded files (uploads/). Not included: the search index (rebuilt from the database),
# the secret key (a new one only signs everybody out) and instance/config.py.

BACKUP_FORMAT = 1


def _database_kind() -> str:
    return db.engine.url.get_backend_name()


def _sqlite_path() -> Path:
    name = db.engine.url.database
    if not name or name == ":memory:":
        raise click.ClickException("An in-memory database cannot be backed up.")
    return Path(name)


def _pg(program: str, *args: str) -> None:
    """Run pg_dump or pg_restore on the site's PostgreSQL database. The connection comes
    from DATABASE_URL, the password through PGPASSWORD (never on the command line)."""
    url = db.engine.url
    path = shutil.which(program)
    if path is None:
        raise click.ClickException(f"{program} is not installed (PostgreSQL client tools).")
    argv = [path, *args, "--host", url.host or "localhost", "--port", str(url.port or 5432),
            "--username", url.username or "", "--dbname", url.database or ""]
    env = {**os.environ, "PGPASSWORD": url.password or ""}
    # A fixed argument list and no shell: nothing a user typed reaches the command.
    subprocess.run(argv, env=env, check=True)  # noqa: S603  # nosec B603


def _sqlite_copy(source: Path, target: Path) -> None:
    """Copy a live SQLite database page by page (SQLite's online backup API): consistent
    even while other processes write, and the copy's integrity is checked."""
    with closing(sqlite3.connect(source, timeout=30)) as src, \
            closing(sqlite3.connect(target)) as dst:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")
        result = dst.execute("PRAGMA integrity_check").fetchone()[0]
    if result != "ok":
        raise click.ClickException(f"The copy of the database is damaged: {result}")


def _check_sqlite(path: Path) -> None:
    with closing(sqlite3.connect(path)) as conn:
        result = conn.execute("PRAGMA integrity_check").fetchone()[0]
    if result != "ok":
        raise click.ClickException(f"The database in the backup is damaged: {result}")


def _digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _revision() -> str | None:
    try:
        return db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except SQLAlchemyError:
        db.session.rollback()
        return None


@main.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(path: Path):
    """Write a consistent copy of the database and the uploads to PATH, a new .tar.gz file
    (never overwritten). Safe while the site runs."""
    from flask import current_app

    if not path.name.endswith((".tar.gz", ".tgz")):
        raise click.ClickException("PATH must end with .tar.gz")
    if path.exists():
        raise click.ClickException(f"{path} exists: choose a new name.")
    path.parent.mkdir(parents=True, exist_ok=True)
    kind = _database_kind()
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".backup-") as tmp:
        work = Path(tmp)
        (work / "database").mkdir()
        if kind == "sqlite":
            dump = work / "database" / "reachback.db"
            _sqlite_copy(_sqlite_path(), dump)
        elif kind == "postgresql":
            dump = work / "database" / "reachback.pgdump"
            _pg("pg_dump", "--format=custom", "--no-owner", "--no-privileges",
                "--file", str(dump))
        else:
            raise click.ClickException(f"Backups of {kind} databases are not supported.")
        uploads = Path(current_app.instance_path) / "uploads"
        files = sorted(p for p in uploads.rglob("*") if p.is_file()) if uploads.is_dir() else []
        manifest = {
            "format": BACKUP_FORMAT, "created_at": datetime.now(UTC).isoformat(),
            "database": kind, "alembic_revision": _revision(),
            "files": {f"database/{dump.name}": _digest(dump),
                      **{f"uploads/{p.relative_to(uploads).as_posix()}": _digest(p)
                         for p in files}},
        }
        (work / "manifest.json").write_text(json.dumps(manifest, indent=1))
        partial = work / "backup.tar.gz"
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
            tar.add(work / "manifest.json", "manifest.json")
            tar.add(dump, f"database/{dump.name}")
            for p in files:
                tar.add(p, f"uploads/{p.relative_to(uploads).as_posix()}")
        os.replace(partial, path)
    click.echo(f"Backed up the {kind} database and {len(files)} uploaded file(s) to {path}.")


def _unpack(path: Path, work: Path) -> dict:
    """Extract a backup into `work`, refusing links, absolute or escaping names, and any
    file whose checksum differs from the manifest."""
    with tarfile.open(path, "r:gz") as tar:
        # The "data" filter refuses links, devices, absolute names and names with "..".
        tar.extractall(work, filter="data")
    try:
        manifest = json.loads((work / "manifest.json").read_text())
    except (OSError, ValueError):
        raise click.ClickException(f"{path} is not a Reachback backup.") from None
    if manifest.get("format") != BACKUP_FORMAT:
        raise click.ClickException(f"{path}: unknown backup format.")
    for name, digest in manifest.get("files", {}).items():
        member = work / name
        if not member.is_file() or _digest(member) != digest:
            raise click.ClickException(f"{path}: {name} is missing or damaged.")
    return manifest


@main.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True,
              help="Replace the current database and uploads (they are kept aside first).")
@with_appcontext
def restore_command(path: Path, yes: bool):
    """Bring back a backup made by `reachback backup`. Stop the web workers and the
    scheduler first. Without --yes nothing is changed; with it, the current database and
    uploads are first copied aside to <instance>/pre-restore-<time>/."""
    from flask import current_app

    kind = _database_kind()
    instance = Path(current_app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=instance, prefix=".restore-") as tmp:
        work = Path(tmp)
        manifest = _unpack(path, work)
        if kind == "sqlite":
            _check_sqlite(work / "database" / "reachback.db")
        if manifest.get("database") != kind:
            raise click.ClickException(
                f"This backup holds a {manifest.get('database')} database; this site uses {kind}.")
        count = sum(1 for n in manifest["files"] if n.startswith("uploads/"))
        click.echo(f"Backup of {manifest.get('created_at')}: {kind} database "
                   f"(revision {manifest.get('alembic_revision')}), {count} uploaded file(s).")
        if not yes:
            raise click.ClickException("Nothing changed: run again with --yes to replace the "
                                       "current database and uploads.")
        db.session.remove()
        aside = instance / f"pre-restore-{datetime.now(UTC):%Y%m%dT%H%M%S}"
        aside.mkdir()
        if kind == "sqlite":
            live = _sqlite_path()
            if live.exists():
                _sqlite_copy(live, aside / "reachback.db")
            # Page by page into the live file (never a file swap beside a -wal file).
            with closing(sqlite3.connect(work / "database" / "reachback.db")) as src, \
                    closing(sqlite3.connect(live, timeout=30)) as dst:
                src.backup(dst)
        else:
            _pg("pg_dump", "--format=custom", "--file", str(aside / "reachback.pgdump"))
            _pg("pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges",
                "--single-transaction", str(work / "database" / "reachback.pgdump"))
        uploads = instance / "uploads"
        if uploads.exists():
            shutil.move(uploads, aside / "uploads")
        if (work / "uploads").is_dir():
            shutil.move(work / "uploads", uploads)
    db.engine.dispose()
    click.echo(f"Restored. The previous data is kept in {aside}. Next: `reachback db upgrade` "
               "(when the backup is older than this version), then rebuild the search index.")


if __name__ == "__main__":
    main()
