"""Imports every model so that SQLAlchemy and Alembic see the whole schema."""
from .accounts.models import (  # noqa: F401
    ApiToken,
    AuditEvent,
    Organisation,
    Theme,
    User,
    UserCountry,
    UserRole,
)
from .notify.models import Notification  # noqa: F401
from .queries.models import (  # noqa: F401
    Assignment,
    Contribution,
    Event,
    FieldQuery,
    Message,
    ReferenceCounter,
)
from .synthesis.models import ConsolidatedResponse, ResponseRevision  # noqa: F401
