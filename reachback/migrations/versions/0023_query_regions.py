"""A query may be about the world or a region: queries.country holds a UN M49 region code
("001" the world, "011" Western Africa...) as well as an ISO 3166-1 alpha-2 country code.

Revision ID: 0023
Revises: 0018
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0023'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("queries") as batch_op:
        batch_op.alter_column("country", existing_type=sa.String(2), type_=sa.String(3),
                              existing_nullable=True)


def downgrade():
    # A region's code does not fit two letters: those queries lose their place (to be set
    # again at triage), as a query sent by e-mail has none.
    op.execute("UPDATE queries SET country = NULL WHERE length(country) > 2")
    with op.batch_alter_table("queries") as batch_op:
        batch_op.alter_column("country", existing_type=sa.String(3), type_=sa.String(2),
                              existing_nullable=True)
