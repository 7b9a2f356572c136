"""Imports every model so that SQLAlchemy and Alembic see the whole schema."""
from .accounts.models import (  # noqa: F401
    ApiToken,
    AuditEvent,
    Organisation,
    Theme,
    User,
    UserCountry,
    UserLanguage,
    UserRole,
)
from .community.models import CommunityEvent, Notice  # noqa: F401
from .discussions.models import (  # noqa: F401
    Discussion,
    DiscussionParticipant,
    DiscussionPost,
    DiscussionQuestion,
)
from .files.models import Attachment  # noqa: F401
from .groups.models import Group, GroupMembership  # noqa: F401
from .knowledge.models import Document, DocumentCountry, SearchOutbox  # noqa: F401
from .mailin.models import MailBounce, MailRefusal  # noqa: F401
from .newsletters.models import Newsletter, NewsletterItem  # noqa: F401
from .notify.models import (  # noqa: F401
    Notification,
    NotificationPreference,
    OutboundEmail,
    Subscription,
    SubscriptionDelivery,
)
from .queries.models import (  # noqa: F401
    Assignment,
    Contribution,
    Event,
    FieldQuery,
    Message,
    ReferenceCounter,
)
from .reports.models import ReportMonth, ResponseView, SearchTerm  # noqa: F401
from .scheduler.models import SchedulerLease  # noqa: F401
from .sla.models import Calendar, CalendarHoliday, SlaMark, SlaPolicy  # noqa: F401
from .synthesis.models import ConsolidatedResponse, ResponseRevision  # noqa: F401
