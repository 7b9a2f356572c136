"""Users, their roles and expertise, organisations, themes and API tokens."""
from flask_login import UserMixin
from sqlalchemy import Boolean, Column, Date, ForeignKey, Integer, String, Table, Text, func
from sqlalchemy.orm import relationship

from ..extensions import db
from ..models_base import UTCDateTime, utcnow

ROLES = ("member", "expert", "facilitator", "admin")
ORG_KINDS = ("government", "multilateral", "implementing_partner", "ngo", "academic")

user_themes = Table(
    "user_themes",
    db.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("theme_id", ForeignKey("themes.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Organisation(db.Model):
    __tablename__ = "organisations"
    id = Column(Integer, primary_key=True)
    name = Column(String(200), nullable=False, unique=True)
    kind = Column(String(30), nullable=False, default="ngo")
    country = Column(String(2))
    south = Column(Boolean, nullable=False, default=False)

    def __str__(self):
        return self.name


class Theme(db.Model):
    __tablename__ = "themes"
    id = Column(Integer, primary_key=True)
    code = Column(String(10), nullable=False, unique=True)
    slug = Column(String(120), nullable=False, unique=True)
    name = Column(String(200), nullable=False)
    parent_id = Column(ForeignKey("themes.id"), index=True)
    parent = relationship("Theme", remote_side=[id], lazy="joined", innerjoin=False)

    def __str__(self):
        return self.name


class UserRole(db.Model):
    __tablename__ = "user_roles"
    user_id = Column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    role = Column(String(20), primary_key=True, index=True)


class UserCountry(db.Model):
    """A country an expert knows well (ISO 3166-1 alpha-2)."""

    __tablename__ = "user_countries"
    user_id = Column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    country = Column(String(2), primary_key=True, index=True)


class User(UserMixin, db.Model):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    # Stored lower-cased: e-mail addresses are unique case-insensitively.
    email = Column(String(254), nullable=False, unique=True)
    name = Column(String(200), nullable=False)
    organisation_id = Column(ForeignKey("organisations.id"), index=True)
    country = Column(String(2))
    timezone = Column(String(64), nullable=False, default="UTC")
    language = Column(String(10), nullable=False, default="en")
    languages = Column(String(100), nullable=False, default="")  # expertise: spoken, comma-separated
    away_until = Column(Date)
    active = Column(Boolean, nullable=False, default=True)
    password_hash = Column(String(255))
    # Bumped to end every session of the user (sign out everywhere, password change).
    session_version = Column(Integer, nullable=False, default=1)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    last_login_at = Column(UTCDateTime)

    organisation = relationship(Organisation, lazy="joined")
    role_rows = relationship(UserRole, lazy="selectin", cascade="all, delete-orphan")
    country_rows = relationship(UserCountry, lazy="selectin", cascade="all, delete-orphan")
    themes = relationship(Theme, secondary=user_themes, lazy="selectin", order_by=Theme.code)

    @property
    def roles(self) -> set[str]:
        return {r.role for r in self.role_rows} | {"member"}

    def has_role(self, role: str) -> bool:
        return role in self.roles

    @property
    def is_staff(self) -> bool:
        return bool(self.roles & {"facilitator", "admin"})

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return bool(self.active)

    @property
    def expertise_countries(self) -> list[str]:
        return sorted(r.country for r in self.country_rows)

    def get_id(self) -> str:
        # The session version makes a copied session cookie useless after sign-out everywhere.
        return f"{self.id}:{self.session_version}"

    def __str__(self):
        return self.name


class ApiToken(db.Model):
    __tablename__ = "api_tokens"
    id = Column(Integer, primary_key=True)
    user_id = Column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    name = Column(String(100), nullable=False, default="")
    token_hash = Column(String(64), nullable=False, unique=True)
    prefix = Column(String(12), nullable=False)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    last_used_at = Column(UTCDateTime)
    revoked_at = Column(UTCDateTime)
    user = relationship(User, lazy="joined")


class AuditEvent(db.Model):
    """Append-only record of security events (sign-in, failures, role and token changes)."""

    __tablename__ = "audit_events"
    id = Column(Integer, primary_key=True)
    at = Column(UTCDateTime, nullable=False, default=utcnow, index=True)
    actor_id = Column(ForeignKey("users.id"), index=True)
    kind = Column(String(50), nullable=False, index=True)
    subject = Column(String(254), nullable=False, default="")
    ip = Column(String(64), nullable=False, default="")
    detail = Column(Text, nullable=False, default="")


def email_key(email: str) -> str:
    return (email or "").strip().lower()


def find_user_by_email(email: str):
    return db.session.scalar(db.select(User).where(func.lower(User.email) == email_key(email)))
