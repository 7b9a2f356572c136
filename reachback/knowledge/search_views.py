"""Search pages: the results page behind the header's search box, the similar-answers
endpoint of the new-query form, and the hook that applies index changes after a request.

The routes live on the knowledge blueprint (knowledge/blueprint.py); the hooks are registered
by init_search, which create_app calls.
"""
import logging

from flask import current_app, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import SearchField, SelectChoice, SelectField
from wtforms.validators import Length

from ..accounts import limits
from ..extensions import db
from ..forms import Form
from ..web import page_arg
from . import search as svc
from .blueprint import bp
from .index import MAX_QUERY_CHARS, IndexBusy

log = logging.getLogger(__name__)
PER_PAGE = 10
FACET_TITLES = {"kind": _l("Kind"), "theme": _l("Theme"), "country": _l("Country"),
                "year": _l("Year"), "language": _l("Language")}
SIMILAR_TEXT_CHARS = 2_000
# A missing index is rebuilt within a request only when that takes about a second at most;
# a larger one is left to the scheduler's job (the search page says it is being rebuilt).
REQUEST_REBUILD_LIMIT = 1_000
# After a request, the duplicate candidates of this many open queries at most (the newest
# first: the query just submitted or edited); the rest are left to the scheduler's job.
REQUEST_REFRESH_LIMIT = 3


class SearchForm(Form):
    """The search box (a GET form: no CSRF token in the address)."""

    class Meta:
        csrf = False

    q = SearchField(_l("Search for"), validators=[Length(max=MAX_QUERY_CHARS)])
    sort = SelectField(_l("Sort by"), default="relevance",
                       choices=[SelectChoice("relevance", _l("Relevance")),
                                SelectChoice("date", _l("Newest first"))])


@bp.route("/search")
@limits.searches
def search():
    form = SearchForm(formdata=request.args)
    filters = svc.clean_filters(request.args)
    sort = form.sort.data if form.sort.data in svc.SORTS else "relevance"
    # exact=1: the words as typed, without spelling corrections (the "search instead for"
    # link of a page showing a corrected search's results).
    exact = request.args.get("exact") == "1"
    result = svc.search(current_user, form.q.data or "", filters, page=page_arg(), sort=sort,
                        per_page=PER_PAGE, exact=exact)
    args = {k: v for k, v in {"q": form.q.data, "sort": sort if sort != "relevance" else None,
                              "exact": "1" if exact else None, **filters}.items() if v}
    return render_template(
        "knowledge/search.html", form=form, result=result, args=args, filters=filters,
        facet_titles=FACET_TITLES,
        drop=lambda name: {k: v for k, v in args.items() if k != name},
        pick=lambda name, value: {**args, name: value})


@bp.route("/search/similar")
@limits.searches
def similar_answers():
    """JSON for the new-query form's live box: published responses similar to the text."""
    text = " ".join(request.args.get(k, "")[:SIMILAR_TEXT_CHARS] for k in ("title", "question"))
    items = svc.similar(current_user, text)
    return jsonify({"items": [{"ref": i.ref, "title": i.title, "summary": i.summary,
                               "url": i.url} for i in items]})


# --- applying index changes right after the request that made them ----------------------------

def init_search(app) -> None:
    """Apply the search outbox before a request reads the index and after one that committed
    changes to it."""
    app.before_request(_apply_before_request)
    app.teardown_request(_apply_after_request)


def _apply_before_request():
    # Changes committed outside a request in this same session (a shell, a command, a test)
    # are applied before the request reads the index. Each request of a deployed app has a
    # session of its own, so this only ever finds something in those cases.
    _apply_committed()


def _apply_after_request(exc=None):
    if exc is None:
        _apply_committed()


def _apply_committed() -> None:
    """Apply the outbox when this session committed rows to it; never fails the request (a
    busy or broken index is left to the scheduler's job, which retries)."""
    session = db.session()
    if not svc.take_committed_flag(session):
        return
    if session.new or session.dirty or session.deleted:
        return  # unfinished work of the caller: never commit it from here
    try:
        svc.apply_outbox(rebuild_up_to=REQUEST_REBUILD_LIMIT,
                         refresh_up_to=REQUEST_REFRESH_LIMIT)
    except IndexBusy:
        db.session.rollback()
        log.info("Search index busy after the request: the scheduler will apply the changes")
    except Exception:
        db.session.rollback()
        current_app.logger.exception("Applying the search outbox failed")
