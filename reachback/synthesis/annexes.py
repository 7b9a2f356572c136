"""A consolidated response's annexes: files the facilitators attach to it (a draft or a
published response), checked as every upload is (files.services: size, content sniffing,
names), downloaded by whoever may read the response (permissions.can_view_annexes).

Services take the acting user and the query they may see (queries.services.get_query: 404
otherwise), check permission through reachback.permissions, flush, and leave the commit to
the caller."""
from flask_babel import gettext as _

from .. import permissions as perm
from ..errors import Conflict, Invalid, NotFound
from ..extensions import db
from ..files import services as files
from ..files.models import Attachment
from ..queries.states import record

FIELD = "file"  # the upload's field, on the page and in the API


def _response_to_change(user, query):
    """The query's response, when the user may change its annexes: Forbidden for others,
    Conflict before a draft exists."""
    perm.require(perm.can_triage(user, query),
                 _("Only facilitators attach annexes to responses."))
    response = query.response
    if response is None:
        raise Conflict(_("Save a draft of the response before attaching annexes."))
    perm.require(perm.can_manage_annexes(user, response),
                 _("Only facilitators attach annexes to responses."))
    return response


def add_annex(user, query, upload) -> Attachment:
    """Attach the uploaded file (a werkzeug FileStorage) to the query's response. Raises
    Forbidden, Conflict (no response yet), Invalid (no file, or one the checks refuse)."""
    response = _response_to_change(user, query)
    if upload is None or not getattr(upload, "filename", ""):
        message = _("Choose a file to attach.")
        raise Invalid(message, {FIELD: message})
    return files.attach_to(user, upload, response=response, field=FIELD)


def remove_annex(user, query, annex_id) -> Attachment:
    """Remove one annex of the query's response (its bytes stay: identical content may be
    stored once for other owners). NotFound when it is not one of this response's."""
    response = _response_to_change(user, query)
    annex = db.session.get(Attachment, annex_id) if isinstance(annex_id, int) else None
    if annex is None or annex.response_id != response.id:
        raise NotFound(_("No such file."))
    response.annexes.remove(annex)
    db.session.delete(annex)
    record(query, user, "annex_removed", internal=True, filename=annex.filename)
    db.session.flush()
    return annex
