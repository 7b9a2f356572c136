"""Member profiles: a biography, an availability note, a deployment status and country, the
choice to show one's e-mail address; the languages a member speaks become rows of
user_languages (ISO 639-1 codes) instead of a comma-separated users.languages.

Revision ID: 0025
Revises: 0023
"""
import re

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0025'
down_revision = '0026'
branch_labels = None
depends_on = None

CODE = re.compile(r"[a-z]{2}")


def upgrade():
    op.create_table(
        "user_languages",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "language"),
    )
    op.create_index(op.f("ix_user_languages_language"), "user_languages", ["language"])
    connection = op.get_bind()
    rows = []
    for user_id, spoken in connection.execute(sa.text("SELECT id, languages FROM users")):
        codes = {code.strip().lower() for code in (spoken or "").split(",")}
        rows += [{"user_id": user_id, "language": code} for code in sorted(codes)
                 if CODE.fullmatch(code)]
    if rows:
        connection.execute(sa.text("INSERT INTO user_languages (user_id, language) "
                                   "VALUES (:user_id, :language)"), rows)
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("languages")
        batch_op.add_column(sa.Column("away_note", sa.String(length=200), nullable=False,
                                      server_default=""))
        batch_op.add_column(sa.Column("bio", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("bio_html", sa.Text()))
        batch_op.add_column(sa.Column("deployment_status", sa.String(length=30),
                                      nullable=False, server_default="at_headquarters"))
        batch_op.add_column(sa.Column("deployment_country", sa.String(length=2)))
        batch_op.add_column(sa.Column("show_email", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade():
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(sa.Column("languages", sa.String(length=100), nullable=False,
                                      server_default=""))
        for column in ("show_email", "deployment_country", "deployment_status", "bio_html",
                       "bio", "away_note"):
            batch_op.drop_column(column)
    connection = op.get_bind()
    spoken: dict[int, list[str]] = {}
    for user_id, code in connection.execute(sa.text(
            "SELECT user_id, language FROM user_languages ORDER BY user_id, language")):
        spoken.setdefault(user_id, []).append(code)
    for user_id, codes in spoken.items():
        connection.execute(sa.text("UPDATE users SET languages = :languages WHERE id = :id"),
                           {"languages": ",".join(codes)[:100], "id": user_id})
    op.drop_index(op.f("ix_user_languages_language"), table_name="user_languages")
    op.drop_table("user_languages")
