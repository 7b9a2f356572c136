"""The `reachback` command: a Flask CLI group bound to create_app."""
import sys

import click
from flask.cli import FlaskGroup, with_appcontext

from . import create_app
from .accounts.models import ROLES, find_user_by_email
from .errors import Invalid
from .extensions import db


@click.group(cls=FlaskGroup, create_app=create_app)
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


@main.command("demo")
@click.option("--if-empty", is_flag=True, help="Only load into a database without users.")
@with_appcontext
def demo_command(if_empty):
    """Load the demo data (idempotent): taxonomy, accounts, experts, queries."""
    from .demo import load_demo

    load_demo(click.echo, only_if_empty=if_empty)


if __name__ == "__main__":
    main()
