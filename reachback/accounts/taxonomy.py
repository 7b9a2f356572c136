"""Seeding the two-level theme taxonomy (idempotent)."""
from sqlalchemy import select

from ..data.taxonomy import theme_rows
from ..extensions import db
from .models import Theme


def seed_taxonomy() -> int:
    """Insert the themes that are missing; returns how many were added."""
    existing = {t.code: t for t in db.session.scalars(select(Theme))}
    added = 0
    for row in theme_rows():
        if row["code"] in existing:
            continue
        parent = existing.get(row["parent_code"]) if row["parent_code"] else None
        theme = Theme(code=row["code"], slug=row["slug"], name=row["name"], parent=parent)
        db.session.add(theme)
        existing[row["code"]] = theme
        added += 1
    db.session.flush()
    return added
