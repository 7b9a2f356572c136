"""Business rules of sub-groups: admins create them; members join (an open group at once, a
closed one once a group facilitator approves); a cap on the active members of one
organisation; leaving or removal ends access at once (permissions reads memberships on
every request). Each function takes the acting user, checks reachback.permissions, changes
the database and flushes; the caller commits."""
import re

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from .. import lengths
from .. import permissions as perm
from ..accounts.models import Organisation, Theme, User
from ..audit import audit
from ..community.models import CommunityEvent
from ..errors import Conflict, Invalid, NotFound
from ..extensions import db
from ..knowledge.models import Document
from ..models_base import utcnow
from ..queries.models import FieldQuery
from .models import Group, GroupMembership

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_LENGTH = 60
CORRECT = "Please correct the highlighted fields."


# --- reading ---------------------------------------------------------------------------

def list_groups(user) -> list[Group]:
    """Every group, by name, with its themes (signed-in users). Each carries `member_count`
    (its active members, counted by one GROUP BY) and `mine` (the user's own membership or
    None, read by one statement): the list never loads the memberships themselves."""
    perm.require(perm.can_join_group(user), _("Sign in to see the groups."))
    return with_member_figures(user, list(db.session.scalars(
        select(Group).options(selectinload(Group.themes)).order_by(Group.name))))


def with_member_figures(user, groups: list[Group]) -> list[Group]:
    """The groups, each given `member_count` (its active members, counted by one GROUP BY)
    and `mine` (the user's own membership or None, read by one statement), what a list of
    groups and the API show of their memberships, without loading them."""
    ids = [group.id for group in groups]
    counts = dict(db.session.execute(
        select(GroupMembership.group_id, func.count())
        .where(GroupMembership.status == "active", GroupMembership.group_id.in_(ids))
        .group_by(GroupMembership.group_id)).all())
    mine = {m.group_id: m for m in db.session.scalars(
        select(GroupMembership).where(GroupMembership.user_id == user.id,
                                      GroupMembership.group_id.in_(ids)))}
    for group in groups:
        group.member_count, group.mine = counts.get(group.id, 0), mine.get(group.id)
    return groups


def get_group(user, slug: str) -> Group:
    """The group `slug` (NotFound otherwise, and for those signed out)."""
    group = db.session.scalar(select(Group).where(Group.slug == slug)) \
        if perm.can_join_group(user) else None
    if group is None:
        raise NotFound(_("No such group."))
    return group


def my_groups(user) -> list[Group]:
    """The groups the user is an active member of (where they may ask a query), by name."""
    roles = perm.group_roles(user)
    if not roles:
        return []
    return list(db.session.scalars(select(Group).where(Group.id.in_(roles))
                                   .order_by(Group.name)))


def facilitators_of(group_id: int) -> list[User]:
    """The active facilitators of the group (told of its new queries)."""
    return list(db.session.scalars(
        select(User).join(GroupMembership, GroupMembership.user_id == User.id)
        .where(GroupMembership.group_id == group_id, GroupMembership.role == "facilitator",
               GroupMembership.status == "active", User.active.is_(True))))


def chosen_group(slug, errors: dict, may_use, refusal: str) -> Group | None:
    """The group an item is put in, named by its slug (None when none is named): one the
    author `may_use(group)`, else errors["group"] says why (`refusal` when they may not)."""
    if slug is None or slug == "":
        return None
    group = (db.session.scalar(select(Group).where(Group.slug == slug))
             if isinstance(slug, str) else None)
    if group is None:
        errors["group"] = _("No such group.")
        return None
    if not may_use(group):
        errors["group"] = refusal
        return None
    return group


def membership_of(group: Group, user_id: int) -> GroupMembership | None:
    return db.session.scalar(select(GroupMembership).where(
        GroupMembership.group_id == group.id, GroupMembership.user_id == user_id))


def members(user, group: Group) -> list[GroupMembership]:
    """The group's memberships the user may see: the active ones; pending ones too for
    those who approve them."""
    rows = db.session.scalars(
        select(GroupMembership)
        .options(selectinload(GroupMembership.user).load_only(User.name, User.organisation_id)
                 .selectinload(User.organisation).load_only(Organisation.name))
        .where(GroupMembership.group_id == group.id)
        .order_by(GroupMembership.role.desc(), GroupMembership.created_at))
    pending = perm.can_see_pending(user, group)
    return [m for m in rows if m.active or pending or m.user_id == user.id]


SHORT_LIST = 5  # what a group's page shows of each kind of item, with a "more" link
LONG_LIST = 100  # what its "more" shows


def _first(stmt, limit: int) -> tuple[list, bool]:
    """The first `limit` rows of `stmt`, and whether there are more (one statement)."""
    rows = list(db.session.scalars(stmt.limit(limit + 1)))
    return rows[:limit], len(rows) > limit


def group_queries(user, group: Group, limit: int = LONG_LIST) -> tuple[list[FieldQuery], bool]:
    """The group's queries the user may see (perm.visible_queries), newest first, and
    whether there are more."""
    return _first(select(FieldQuery).where(FieldQuery.group_id == group.id,
                                           perm.visible_queries(user))
                  .order_by(FieldQuery.created_at.desc(), FieldQuery.id.desc()), limit)


def group_documents(user, group: Group, limit: int = SHORT_LIST) -> tuple[list[Document], bool]:
    """The group's library documents the user may read (perm.visible_documents), newest
    first, and whether there are more (the library lists them all: /library?group=slug)."""
    return _first(select(Document).where(Document.group_id == group.id,
                                         perm.visible_documents(user))
                  .order_by(Document.date.desc(), Document.id.desc()), limit)


def group_events(user, group: Group, limit: int = SHORT_LIST
                 ) -> tuple[list[CommunityEvent], bool]:
    """The group's coming events (not over yet) the user may see (perm.visible_events),
    soonest first, and whether there are more."""
    return _first(select(CommunityEvent).where(CommunityEvent.group_id == group.id,
                                               perm.visible_events(user),
                                               CommunityEvent.ends_at > utcnow())
                  .order_by(CommunityEvent.starts_at, CommunityEvent.id), limit)


# --- creating --------------------------------------------------------------------------

def create_group(user, data: dict) -> Group:
    """An admin creates a group from `data` (name, slug, description, open, themes: slugs,
    max_per_organisation: a whole number from 1, or None). Raises Forbidden, Invalid (a
    field), Conflict (the slug is taken)."""
    perm.require(perm.can_create_group(user), _("Only administrators create groups."))
    errors: dict[str, str] = {}
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        errors["name"] = _("This field is required.")
    slug = data.get("slug")
    if not isinstance(slug, str) or not slug.strip():
        errors["slug"] = _("This field is required.")
    elif len(slug) > SLUG_LENGTH or not SLUG.match(slug):
        errors["slug"] = _("Use lower-case letters, digits and hyphens (at most %(limit)s).",
                           limit=SLUG_LENGTH)
    description = data.get("description") or ""
    if not isinstance(description, str):
        errors["description"] = _("Must be text.")
        description = ""
    is_open = data.get("open", True)
    if not isinstance(is_open, bool):
        errors["open"] = _("Must be true or false.")
    cap = data.get("max_per_organisation")
    if cap is not None and (isinstance(cap, bool) or not isinstance(cap, int) or cap < 1
                            or cap > 1000):
        errors["max_per_organisation"] = _("A whole number from 1 to 1000, or nothing.")
    themes = _themes(data.get("themes") or [], errors)
    lengths.check(errors, name=(name, lengths.NAME), description=(description, lengths.TEXT))
    if errors:
        raise Invalid(_(CORRECT), errors)
    if db.session.scalar(select(Group.id).where(Group.slug == slug)) is not None:
        raise Conflict(_("A group already has the address %(slug)s.", slug=slug))
    group = Group(name=name.strip(), slug=slug, description=description.strip(),
                  open=is_open, max_per_organisation=cap, created_at=utcnow())
    group.themes = themes
    db.session.add(group)
    db.session.flush()
    audit("group_created", user, subject=slug)
    return group


def _themes(slugs, errors) -> list[Theme]:
    if not isinstance(slugs, list) or not all(isinstance(s, str) for s in slugs):
        errors["themes"] = _("Choose themes from the list.")
        return []
    found = list(db.session.scalars(select(Theme).where(Theme.slug.in_(slugs)))) if slugs else []
    if len(found) != len(set(slugs)):
        errors["themes"] = _("Choose themes from the list.")
    return found


# --- belonging -------------------------------------------------------------------------

def join_group(user, group: Group) -> GroupMembership:
    """The user joins: an open group at once (active), a closed one as pending until a group
    facilitator approves. Joining again gives the membership they have. Raises Invalid when
    their organisation already has the group's maximum of members."""
    perm.require(perm.can_join_group(user), _("Sign in to join a group."))
    existing = membership_of(group, user.id)
    if existing is not None:
        return existing
    if group.open:
        _check_cap(group, user)
    membership = GroupMembership(group=group, user_id=user.id, role="member",
                                 status="active" if group.open else "pending",
                                 created_at=utcnow())
    db.session.add(membership)
    db.session.flush()
    perm.forget_group_roles()
    return membership


def approve_member(user, group: Group, user_id: int) -> GroupMembership:
    """A group facilitator (or staff) lets a pending member in. Raises Forbidden, NotFound
    (no such membership), Invalid (the organisation's cap)."""
    perm.require(perm.can_manage_group(user, group),
                 _("Only the group's facilitators approve members."))
    membership = membership_of(group, user_id)
    if membership is None:
        raise NotFound(_("No such member."))
    if not membership.active:
        _check_cap(group, membership.user)
        membership.status = "active"
        db.session.flush()
        perm.forget_group_roles()
    return membership


def remove_member(user, group: Group, user_id: int) -> GroupMembership:
    """End a membership (leaving, or removal by a group facilitator or staff): its access
    ends at once. Returns the membership ended. Raises NotFound, Forbidden."""
    membership = membership_of(group, user_id)
    if membership is None:
        raise NotFound(_("No such member."))
    perm.require(perm.can_remove_member(user, membership),
                 _("Only the member or the group's facilitators end a membership."))
    db.session.delete(membership)
    db.session.flush()
    perm.forget_group_roles()
    return membership


def set_role(user, group: Group, user_id: int, role: str) -> GroupMembership:
    """Staff make an active member a group facilitator, or a facilitator a member again."""
    perm.require(perm.can_name_group_facilitators(user), _("Only facilitators and administrators name a "
                                        "group's facilitators."))
    membership = membership_of(group, user_id)
    if membership is None:
        raise NotFound(_("No such member."))
    if role not in ("member", "facilitator"):
        raise Invalid(_(CORRECT), {"role": _("Choose member or facilitator.")})
    membership.role, membership.status = role, "active"
    db.session.flush()
    perm.forget_group_roles()
    return membership


def _check_cap(group: Group, member: User) -> None:
    """Invalid when the member's organisation already has the group's maximum of active
    members."""
    cap, organisation = group.max_per_organisation, member.organisation_id
    if cap is None or organisation is None:
        return
    count = db.session.scalar(
        select(func.count(GroupMembership.id)).join(User, User.id == GroupMembership.user_id)
        .where(GroupMembership.group_id == group.id, GroupMembership.status == "active",
               User.organisation_id == organisation))
    if count >= cap:
        name = member.organisation.name
        raise Invalid(
            ngettext("This group takes at most %(num)d member from one organisation, and "
                     "%(organisation)s has one already.",
                     "This group takes at most %(num)d members from one organisation, and "
                     "%(organisation)s has that many already.", cap, organisation=name),
            {"group": ngettext("%(organisation)s already has %(num)d member in this group: "
                               "the most one organisation may have.",
                               "%(organisation)s already has %(num)d members in this group: "
                               "the most one organisation may have.", cap,
                               organisation=name)})
