"""Users, their roles and expertise, organisations, themes and API tokens."""
from flask_login import UserMixin
from sqlalchemy import (
    DDL,
    Boolean,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    event,
    func,
)
from sqlalchemy.orm import relationship

from ..extensions import db
from ..markdown import Rendered
from ..models_base import UTCDateTime, utcnow

ROLES = ("member", "expert", "facilitator", "admin")
ORG_KINDS = ("government", "multilateral", "implementing_partner", "ngo", "academic")
# Where a member stands (their profile, the directory's filter).
DEPLOYMENT_STATUSES = ("at_headquarters", "deployed", "awaiting_deployment",
                       "between_assignments")


def theme_links(name: str, owner_id: str, owner_key: str,
                theme_ondelete: str | None = "CASCADE") -> Table:
    """The association table `name` between an owner (its id column `owner_id`, referring to
    `owner_key`) and its themes; deleting the owner deletes its links."""
    return Table(
        name,
        db.metadata,
        Column(owner_id, ForeignKey(owner_key, ondelete="CASCADE"), primary_key=True),
        Column("theme_id", ForeignKey("themes.id", ondelete=theme_ondelete), primary_key=True,
               index=True),
    )


user_themes = theme_links("user_themes", "user_id", "users.id")


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
    parent = relationship("Theme", remote_side=[id])

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


class UserLanguage(db.Model):
    """A language a member speaks (ISO 639-1)."""

    __tablename__ = "user_languages"
    user_id = Column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    language = Column(String(2), primary_key=True, index=True)


class User(UserMixin, Rendered, db.Model):
    __tablename__ = "users"
    __markdown__ = ("bio",)
    id = Column(Integer, primary_key=True)
    # Stored lower-cased: e-mail addresses are unique case-insensitively.
    email = Column(String(254), nullable=False, unique=True)
    name = Column(String(200), nullable=False)
    organisation_id = Column(ForeignKey("organisations.id"), index=True)
    country = Column(String(2))
    timezone = Column(String(64), nullable=False, default="UTC")
    # The interface language chosen (reachback/i18n.py); None: as the browser asks.
    language = Column(String(10))
    # The member's profile, edited by the member (members/services.py): routing reads the
    # same expertise (themes, country_rows) and availability (away_until).
    away_until = Column(Date)  # away up to and including this day
    away_note = Column(String(200), nullable=False, default="")
    bio = Column(Text, nullable=False, default="")
    bio_html = Column(Text)  # the Markdown rendered (markdown.Rendered)
    deployment_status = Column(String(30), nullable=False, default="at_headquarters")
    deployment_country = Column(String(2))
    show_email = Column(Boolean, nullable=False, default=False)
    # Part of the personal calendar feed's secret address: a new address, made by the member,
    # raises it and the old one stops working (reachback.community.services.feed_token).
    feed_generation = Column(Integer, nullable=False, default=0, server_default="0")
    active = Column(Boolean, nullable=False, default=True)
    password_hash = Column(String(255))
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    last_login_at = Column(UTCDateTime)
    # Two-factor sign-in (RFC 6238 TOTP): the active secret (base32), a new one waiting for
    # its first code (enrolment), and the last time step accepted (a code works once).
    totp_secret = Column(String(64))
    totp_pending_secret = Column(String(64))
    totp_last_step = Column(Integer)
    # When the owner and the admins were last told of repeated failed sign-ins (lockout.py):
    # at most once an hour.
    sign_in_alert_at = Column(UTCDateTime)

    # Like every relationship here, loaded when asked for: the signed-in user's roles come
    # with the session (services.find_session); a list that shows more asks for it.
    organisation = relationship(Organisation)
    role_rows = relationship(UserRole, cascade="all, delete-orphan")
    # Expertise: loaded when asked for (routing and the admin pages load it for their lists).
    # Eager, it cost two statements per batch of users on every page (the query page: ten).
    country_rows = relationship(UserCountry, cascade="all, delete-orphan")
    language_rows = relationship(UserLanguage, cascade="all, delete-orphan")
    themes = relationship(Theme, secondary=user_themes, order_by=Theme.code)

    # The member directory's order and count (members.services.list_members), and the admins'
    # user list sorted by name, case ignored: read from this index, not from 5 000 wide rows.
    __table_args__ = (Index("ix_users_lower_name", func.lower(name), id, active),)

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

    @property
    def languages(self) -> list[str]:
        """The languages the member speaks (ISO 639-1 codes), sorted."""
        return sorted(r.language for r in self.language_rows)

    # The clear token of the server-side session being started or used (never stored):
    # Flask-Login puts get_id() in the session cookie, so the cookie carries only this token.
    session_token = None  # set per request (a plain attribute, not a column)

    def get_id(self) -> str:
        return self.session_token or ""

    def __str__(self):
        return self.name


# The newsletter's recipients counted (active, with an address that can be mailed) from this
# index alone, not from the users' rows.
Index("ix_users_active_email", User.active, User.email)


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
    user = relationship(User)


class UserSession(db.Model):
    """A signed-in browser. The session cookie carries a random token whose SHA-256 is
    stored here, so that signing out, a password change or deactivation ends the session on
    the server and a copied cookie stops working."""

    __tablename__ = "user_sessions"
    id = Column(Integer, primary_key=True)
    token_hash = Column(String(64), nullable=False, unique=True)
    user_id = Column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    last_seen_at = Column(UTCDateTime, nullable=False, default=utcnow)
    ip = Column(String(64), nullable=False, default="")
    user_agent = Column(String(200), nullable=False, default="")
    revoked_at = Column(UTCDateTime)
    revoked_reason = Column(String(30))
    user = relationship(User)


class SignInThrottle(db.Model):
    """Failed sign-ins of one account (a digest of the e-mail typed, known or not) from one
    client address, and until when that pair must wait (lockout.py). Per pair, so that an
    attack from one address never slows the owner signing in from another."""

    __tablename__ = "sign_in_throttles"
    account = Column(String(64), primary_key=True)
    address = Column(String(64), primary_key=True)
    failures = Column(Integer, nullable=False, default=0)
    last_failure_at = Column(UTCDateTime, nullable=False, index=True)
    wait_until = Column(UTCDateTime)


class RateLimitCounter(db.Model):
    """One fixed-window counter of flask-limiter, kept in the database so that every worker
    and host counts together (limit_store.py). The key is a digest of the limiter's key;
    expires_at is in seconds since the epoch, as the limits library counts."""

    __tablename__ = "rate_limit_counters"
    key = Column(String(64), primary_key=True)
    hits = Column(Integer, nullable=False)
    expires_at = Column(Float, nullable=False, index=True)


class RecoveryCode(db.Model):
    """A one-time code that stands in for a TOTP code (a lost phone); stored as SHA-256."""

    __tablename__ = "recovery_codes"
    id = Column(Integer, primary_key=True)
    user_id = Column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    code_hash = Column(String(64), nullable=False)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    used_at = Column(UTCDateTime)


class Invitation(db.Model):
    """An e-mailed invitation to set a password. Its link is signed and names this row, which
    makes it single-use (accepted_at) and lets a newer invitation cancel it (revoked_at)."""

    __tablename__ = "invitations"
    id = Column(Integer, primary_key=True)
    user_id = Column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    invited_by_id = Column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    accepted_at = Column(UTCDateTime)
    revoked_at = Column(UTCDateTime)
    user = relationship(User, foreign_keys=[user_id])
    invited_by = relationship(User, foreign_keys=[invited_by_id])


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
    actor = relationship(User)


class AnonymousRefusal(db.Model):
    """A client address whose refused access in this minute is in the audit log already
    (accounts/refusals.py): anonymous refusals are recorded once per address and minute."""

    __tablename__ = "anonymous_refusals"
    minute = Column(UTCDateTime, primary_key=True)  # leads: old minutes are deleted by range
    address = Column(String(64), primary_key=True)


def append_only_triggers(table: str) -> dict[str, list[str]]:
    """The statements, by dialect, that make the database itself refuse any UPDATE or DELETE
    on `table`: a row of an append-only table is never changed, whatever the code path."""
    refusal = f"'{table} is append-only'"
    return {
        "sqlite": [
            f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, {refusal}); END"
            for verb in ("UPDATE", "DELETE")
        ],
        "postgresql": [
            f"CREATE OR REPLACE FUNCTION {table}_append_only() RETURNS trigger "
            f"LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION {refusal}; END $$",
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {table}_append_only()",
        ],
    }


def make_append_only(table: Table) -> None:
    """Create `table` append-only: its triggers follow it on every create_all."""
    for dialect, statements in append_only_triggers(table.name).items():
        for sql in statements:
            event.listen(table, "after_create", DDL(sql).execute_if(dialect=dialect))


# The audit log is append-only in the database itself, not just by having no edit page
# (migration 0006 adds the same triggers to an existing database).
make_append_only(AuditEvent.__table__)


def email_key(email: str) -> str:
    return (email or "").strip().lower()


def find_user_by_email(email: str):
    return db.session.scalar(db.select(User).where(func.lower(User.email) == email_key(email)))
